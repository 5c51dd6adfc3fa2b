package dev.masklab.app.prediction;

import ai.djl.Device;
import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.predict.Instance;
import dev.masklab.predict.PredictionResults;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Runs a Mask R-CNN / Keypoint R-CNN model (the engine's {@link Predictor}) over images of the open dataset, writes
 * the predictions as a COCO results file (the format of {@code masklab predict}) and reads it back as the
 * {@link PredictionSet} the viewer shows, so what is on screen is exactly what is on disk. Images whose file is
 * missing or undecodable are skipped and named; stopping keeps (and writes) the images already predicted. The model
 * stays loaded after a run ({@link #model()}, a {@link WarmModel}): the next run with the same weights file, options
 * and device does not load it again.
 */
public final class PredictionService {
    private final WarmModel model = new WarmModel(s -> Predictor.open(
            s.weights(), s.arch(), new Predictor.Options(s.scoreThreshold(), device(s.device()), s.legacyEps())));

    /** The loaded model, kept across runs (the same weights, architecture, device and options reuse it). */
    public WarmModel model() {
        return model;
    }

    /** Where the model runs: the GPU when the PyTorch engine sees CUDA (else the CPU), or forced. */
    public enum DeviceChoice {
        AUTO,
        CPU,
        GPU
    }

    /**
     * @param weights        torchvision state dict (.pth) or MaskLab checkpoint
     * @param arch           {@code maskrcnn_resnet50_fpn} or {@code keypointrcnn_resnet50_fpn}; null for a checkpoint
     * @param scoreThreshold box score threshold (torchvision's default 0.05)
     * @param device         where to run
     * @param legacyEps      FrozenBatchNorm eps 0, as torchvision's original COCO checkpoints need
     * @param imageIds       images to run on, in this order; null for every image of the dataset
     * @param output         results file to write (atomic; an existing file is kept as NAME.bak)
     */
    public record Request(
            Path weights,
            String arch,
            float scoreThreshold,
            DeviceChoice device,
            boolean legacyEps,
            List<Long> imageIds,
            Path output) {
        public Request {
            imageIds = imageIds == null ? null : List.copyOf(imageIds);
        }
    }

    /**
     * What a run did.
     *
     * @param predictions       the written file read back (null when stopped before the first image)
     * @param imagesPredicted   images the model ran on
     * @param imagesRequested   images asked for
     * @param skipped           images not predicted, each "file name: reason"
     * @param stopped           true when stopped before the end
     * @param unknownCategories predicted category ids that the dataset does not define (e.g. COCO weights on a
     *                          dataset with other categories): shown without a category name
     */
    public record Outcome(
            PredictionSet predictions,
            int imagesPredicted,
            int imagesRequested,
            List<String> skipped,
            boolean stopped,
            Set<Long> unknownCategories,
            int newInstances,
            boolean merged) {
        public Outcome {
            skipped = List.copyOf(skipped);
            unknownCategories = Set.copyOf(unknownCategories);
        }

        /** Instances this run predicted (the file may hold more when the run was merged into it). */
        public int instanceCount() {
            return newInstances;
        }
    }

    /** Progress: images done of the total, and a line for the status bar. */
    public interface Progress {
        void update(int done, int total, String message);
    }

    /** The default results file: {@code NAME.predictions.json} beside the dataset's {@code NAME.json}. */
    public static Path defaultOutput(LoadedDataset ds) {
        Path json = ds.jsonFile();
        String name = json.getFileName().toString();
        String stem = name.toLowerCase().endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(stem + ".predictions.json");
    }

    /** Runs the request; blocking (call it off the FX thread). {@code stop} is polled between images. */
    public Outcome run(LoadedDataset ds, Request r, BooleanSupplier stop, Progress progress) throws IOException {
        if (!Files.isRegularFile(r.weights())) {
            throw new IOException("model weights not found: " + r.weights());
        }
        List<ImageEntry> images = select(ds, r.imageIds());
        List<PredictionResults.Entry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<Long> doneIds = new java.util.HashSet<>();
        int done = 0;
        boolean stopped = false;
        WarmModel.Spec spec = WarmModel.Spec.of(r);
        if (!model.isLoaded(spec))
            progress.update(0, images.size(), "Loading model " + r.weights().getFileName());
        Predictor p = model.obtain(spec);
        for (ImageEntry e : images) {
            if (stop.getAsBoolean()) {
                stopped = true;
                break;
            }
            progress.update(
                    done, images.size(), "Predicting " + (done + 1) + " / " + images.size() + ": " + e.fileName());
            Path file = e.file();
            if (file == null || !Files.isRegularFile(file)) {
                skipped.add(e.fileName() + ": image file not found" + (file == null ? "" : " (" + file + ")"));
            } else {
                try {
                    for (Instance in : p.predict(file)) entries.add(new PredictionResults.Entry(e.id(), in));
                } catch (IOException ex) {
                    skipped.add(e.fileName() + ": " + ex.getMessage());
                }
            }
            doneIds.add(e.id());
            done++;
        }
        progress.update(done, images.size(), "Writing " + r.output().getFileName());
        int predicted = done - skipped.size();
        if (predicted == 0 && stopped) {
            return new Outcome(null, 0, images.size(), skipped, true, Set.of(), 0, false);
        }
        Path parent = r.output().toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // a run on some images, or a stopped one, merges into an existing results file: its images' results are
        // replaced, the others kept, so a complete file is never replaced by a partial one
        boolean merge = Files.isRegularFile(r.output()) && (r.imageIds() != null || stopped);
        if (merge) ResultsMerge.merge(r.output(), entries, doneIds);
        else PredictionResults.write(entries, r.output());
        List<CocoResult> read = CocoResults.read(r.output(), ds.coco());
        Set<Long> known = new TreeSet<>();
        for (CocoCategory c : ds.coco().categories()) known.add(c.id());
        Set<Long> unknown = new TreeSet<>();
        for (CocoResult c : read) if (!known.contains(c.categoryId())) unknown.add(c.categoryId());
        return new Outcome(
                CocoAdapter.toPredictions(r.output().toAbsolutePath(), read),
                predicted,
                images.size(),
                skipped,
                stopped,
                unknown,
                entries.size(),
                merge);
    }

    private static List<ImageEntry> select(LoadedDataset ds, List<Long> ids) throws IOException {
        if (ids == null) return ds.images();
        Map<Long, ImageEntry> byId = new HashMap<>();
        for (ImageEntry e : ds.images()) byId.put(e.id(), e);
        List<ImageEntry> out = new ArrayList<>();
        for (long id : ids) {
            ImageEntry e = byId.get(id);
            if (e == null)
                throw new IOException(
                        "image id " + id + " is not in " + ds.jsonFile().getFileName());
            out.add(e);
        }
        return out;
    }

    private static Device device(DeviceChoice choice) throws IOException {
        return switch (choice) {
            case AUTO -> Predictor.defaultDevice();
            case CPU -> Device.cpu();
            case GPU -> {
                if (Predictor.gpuCount() == 0) {
                    throw new IOException("no CUDA GPU is visible to the PyTorch engine (this build has "
                            + "CPU natives unless built with -Pcuda): choose CPU or Auto");
                }
                yield Device.gpu();
            }
        };
    }
}
