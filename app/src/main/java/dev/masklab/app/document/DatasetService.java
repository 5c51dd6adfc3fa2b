package dev.masklab.app.document;

import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads datasets and prediction files off the FX thread. The blocking methods hold the logic (and are what the
 * view-model tests call); the task factories wrap them with progress for the UI.
 */
public final class DatasetService {

    /** Something done to a dataset as read, before it is shown (replaying a journal onto it). */
    @FunctionalInterface
    public interface AfterRead {
        void accept(CocoDataset coco) throws IOException;
    }

    /** Reads {@code json}, reporting bytes read, and resolves the image folder. */
    public LoadedDataset load(Path json, LongConsumer bytesRead) throws IOException {
        return load(json, bytesRead, coco -> {});
    }

    /** Reads {@code json}, reporting bytes read, applies {@code afterRead} and resolves the image folder. */
    public LoadedDataset load(Path json, LongConsumer bytesRead, AfterRead afterRead) throws IOException {
        CocoDataset coco;
        try (InputStream in = new CountingStream(Files.newInputStream(json), bytesRead)) {
            coco = CocoReader.read(in, json.toString());
        }
        afterRead.accept(coco);
        List<String> names = coco.images().stream().map(i -> i.fileName()).toList();
        var root = ImageRootResolver.resolve(json, names);
        Path dir = json.toAbsolutePath().getParent();
        return CocoAdapter.toDataset(json.toAbsolutePath(), coco, root.orElse(dir), root.isPresent());
    }

    /** Reads a COCO results file against the open dataset (pycocotools loadRes rules, engine's CocoResults). */
    public PredictionSet loadPredictions(Path results, LoadedDataset dataset) throws IOException {
        List<CocoResult> list = CocoResults.read(results, dataset.coco());
        return CocoAdapter.toPredictions(results.toAbsolutePath(), list);
    }

    /**
     * Whether a {@code .json} file is offered as a dataset: not a results list (one that starts with '[') and not
     * MaskLab's own review file ({@code NAME.review.json}), which sit beside datasets with the same ending.
     */
    public static boolean mayBeDataset(Path json) {
        return !json.getFileName().toString().endsWith(".review.json") && !looksLikeResults(json);
    }

    /** True when the file's first JSON token is '[' (a COCO results list rather than a dataset object). */
    public static boolean looksLikeResults(Path json) {
        try (InputStream in = Files.newInputStream(json)) {
            int c;
            while ((c = in.read()) != -1) {
                if (!Character.isWhitespace(c) && c != 0xEF && c != 0xBB && c != 0xBF) return c == '[';
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Counts bytes for the progress bar (CocoReader reads a stream; its size is known from the file). */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer sink;
        private long count;
        private long reported;

        CountingStream(InputStream in, LongConsumer sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) add(n);
            return n;
        }

        private void add(long n) {
            count += n;
            if (count - reported >= 256 * 1024) {
                reported = count;
                sink.accept(count);
            }
        }
    }
}
