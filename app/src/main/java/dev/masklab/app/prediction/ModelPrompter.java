package dev.masklab.app.prediction;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Segmentation;
import dev.masklab.predict.BoxPrompt;
import dev.masklab.predict.Instance;
import dev.masklab.predict.Predictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The app's {@link BoxPrompter} and {@link PointPrompter}: the {@link WarmModel}'s {@link Predictor#prompt} and
 * {@link Predictor#pointCandidates} on the image, as {@link BackgroundTask}s (failures go to the status line and an
 * error dialog through the executor). The decoded image is kept while prompts are on the same image, so the
 * predictor's cached features and full prediction serve them (only the heads run, or nothing for a point). A category
 * the model does not have is not asked for: the box head's class is used instead.
 */
public final class ModelPrompter implements BoxPrompter, PointPrompter {
    /** The last image decoded for a prompt (the predictor keeps its features while it is the same object). */
    private record Decoded(long id, BufferedImage image) {}

    private final WarmModel model;
    private final TaskExecutor tasks;
    private final AtomicReference<Decoded> last = new AtomicReference<>();

    public ModelPrompter(WarmModel model, TaskExecutor tasks) {
        this.model = model;
        this.tasks = tasks;
    }

    @Override
    public void prompt(ImageEntry image, double[] box, OptionalLong categoryId, Consumer<CocoResult> done) {
        double[] b = box.clone();
        tasks.execute(BackgroundTask.<CocoResult>of("Cannot ask the model about the box", p -> {
                    p.message("Asking the model about the box…");
                    return answer(image, b, categoryId);
                })
                .onSuccess(done::accept));
    }

    @Override
    public void candidates(ImageEntry image, double x, double y, Consumer<List<CocoResult>> done) {
        tasks.execute(BackgroundTask.<List<CocoResult>>of("Cannot ask the model about the point", p -> {
                    p.message("Asking the model what is there…");
                    return candidates(image, x, y);
                })
                .onSuccess(done::accept));
    }

    /** The point prompt's candidates as results-file entries (their own boxes), best score first; blocking. */
    List<CocoResult> candidates(ImageEntry image, double x, double y) throws IOException {
        Predictor m = model.current().orElseThrow(() -> new IOException("no model is loaded"));
        List<CocoResult> out = new ArrayList<>();
        for (Instance in : m.pointCandidates(decoded(image), x, y).candidates()) {
            out.add(result(image, in, in.bboxXywh()));
        }
        return out;
    }

    /** The image as decoded for the last prompt when it is the same image (the predictor's cache is keyed by it). */
    private BufferedImage decoded(ImageEntry image) throws IOException {
        if (image.file() == null || !Files.isRegularFile(image.file())) {
            throw new IOException("image file not found: " + image.fileName());
        }
        Decoded d = last.get();
        if (d == null || d.id() != image.id()) {
            d = new Decoded(image.id(), Predictor.readImage(image.file()));
            last.set(d);
        }
        return d.image();
    }

    /** A detection as a results-file entry of {@code image} with {@code box} (x, y, w, h). */
    private static CocoResult result(ImageEntry image, Instance in, double[] box) {
        double[] k = null;
        double[] ks = null;
        if (in.keypoints() != null) {
            k = new double[in.keypoints().length];
            for (int i = 0; i < k.length; i++) k[i] = in.keypoints()[i];
        }
        if (in.keypointScores() != null) {
            ks = new double[in.keypointScores().length];
            for (int i = 0; i < ks.length; i++) ks[i] = in.keypointScores()[i];
        }
        return CocoResult.of(
                image.id(),
                in.categoryId(),
                in.score(),
                box,
                in.mask() == null ? null : Segmentation.of(in.mask()),
                k,
                ks);
    }

    /** The prompt's answer as a results-file entry (the prompt's box, as {@code masklab segment} writes it); blocking. */
    CocoResult answer(ImageEntry image, double[] box, OptionalLong categoryId) throws IOException {
        Predictor m = model.current().orElseThrow(() -> new IOException("no model is loaded"));
        BufferedImage pixels = decoded(image);
        OptionalLong cat =
                categoryId.isPresent() && m.labelOf(categoryId.getAsLong()) >= 0 ? categoryId : OptionalLong.empty();
        Instance in = m.prompt(pixels, List.of(new BoxPrompt(box[0], box[1], box[2], box[3], cat)))
                .getFirst();
        return result(image, in, box.clone());
    }
}
