package dev.masklab.cli;

import ai.djl.Device;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.predict.DecodeAhead;
import dev.masklab.predict.Instance;
import dev.masklab.predict.PredictionResults;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code masklab predict}: runs a Mask R-CNN / Keypoint R-CNN model on every image of a COCO dataset and writes COCO
 * results (bbox, compressed-RLE segmentation of the mask > 0.5, keypoints as x, y, v=1 with the keypoint scores in
 * an extra {@code keypoint_scores} field). Category ids: for torchvision .pth weights the label is the category id;
 * a MaskLab checkpoint carries its own map.
 *
 * <p>Exit status: 0; 1 when some images could not be read (each is named on stderr, the results of the others are
 * written); 2 when the weights, the dataset or an option are refused (one line naming the file, nothing written).
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description =
                "Run a Mask R-CNN or Keypoint R-CNN model on a COCO dataset's images and write COCO results JSON.")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--out", required = true, paramLabel = "RESULTS.json", description = "COCO results file to write.")
    Path out;

    @Option(
            names = "--score-threshold",
            defaultValue = "0.05",
            paramLabel = "T",
            description = "Box score threshold (default ${DEFAULT-VALUE}).")
    float scoreThreshold;

    /** Images decoded ahead of the model at most (bounds the memory they take; 4 COCO images are ~15 MB). */
    static final int DECODE_WINDOW = 4;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Device dev = model.device();
            CocoDataset gt = CocoReader.read(model.dataset);
            Path root = model.imageRoot();
            List<CocoImage> images = gt.images();
            List<PredictionResults.Entry> results = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            // each image's file, or why it has none; the readable ones are decoded ahead of the model
            List<Path> files = new ArrayList<>();
            List<String> noFile = new ArrayList<>();
            for (CocoImage img : images) {
                String why = null;
                Path file = null;
                if (img.fileName() == null || img.fileName().isBlank())
                    why = model.dataset + ": image " + img.id() + " has no file_name";
                else {
                    try {
                        file = root.resolve(img.fileName());
                    } catch (java.nio.file.InvalidPathException e) {
                        why = CliErrors.describe(e);
                    }
                }
                noFile.add(why);
                if (file != null) files.add(file);
            }
            try (Predictor p = Predictor.open(
                            model.weights, model.arch, new Predictor.Options(scoreThreshold, dev, model.legacyEps));
                    DecodeAhead decoded = new DecodeAhead(
                            files,
                            DecodeAhead.defaultThreads(Runtime.getRuntime().availableProcessors()),
                            DECODE_WINDOW)) {
                int done = 0;
                for (int i = 0; i < images.size(); i++) {
                    CocoImage img = images.get(i);
                    try {
                        if (noFile.get(i) != null) throw new IOException(noFile.get(i));
                        for (Instance in : p.predict(decoded.next().imageOrThrow())) {
                            results.add(new PredictionResults.Entry(img.id(), in));
                        }
                    } catch (IOException e) {
                        // an unreadable image is named and skipped; the others still get results
                        err.println();
                        err.println("masklab predict: skipped image " + img.id() + ": " + CliErrors.describe(e));
                        skipped.add(String.valueOf(img.id()));
                    }
                    done++;
                    progress(err, done, images.size());
                }
            }
            PredictionResults.write(results, out);
            err.println();
            err.printf(
                    "masklab predict: %d detections in %d images -> %s%n",
                    results.size(), images.size() - skipped.size(), out);
            if (!skipped.isEmpty()) {
                err.printf(
                        "masklab predict: %d of %d images could not be read (ids %s)%n",
                        skipped.size(),
                        images.size(),
                        skipped.size() <= 20
                                ? String.join(", ", skipped)
                                : String.join(", ", skipped.subList(0, 20)) + ", ...");
                err.flush();
                return 1;
            }
            err.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println();
            err.println("masklab predict: " + CliErrors.describe(e));
            err.flush();
            return 2;
        }
    }

    private static void progress(PrintWriter err, int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " images");
        err.flush();
    }
}
