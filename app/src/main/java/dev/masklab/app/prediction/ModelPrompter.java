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
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The app's {@link BoxPrompter}: the {@link WarmModel}'s {@link Predictor#prompt} on the image, as a
 * {@link BackgroundTask} (failures go to the status line and an error dialog through the executor). The decoded image
 * is kept while prompts are on the same image, so the predictor's cached features serve them (only the heads run).
 * A category the model does not have is not asked for: the box head's class is used instead.
 */
public final class ModelPrompter implements BoxPrompter {
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

    /** The prompt's answer as a results-file entry (the prompt's box, as {@code masklab segment} writes it); blocking. */
    CocoResult answer(ImageEntry image, double[] box, OptionalLong categoryId) throws IOException {
        Predictor m = model.current().orElseThrow(() -> new IOException("no model is loaded"));
        if (image.file() == null || !Files.isRegularFile(image.file())) {
            throw new IOException("image file not found: " + image.fileName());
        }
        Decoded d = last.get();
        if (d == null || d.id() != image.id()) {
            d = new Decoded(image.id(), Predictor.readImage(image.file()));
            last.set(d);
        }
        OptionalLong cat =
                categoryId.isPresent() && m.labelOf(categoryId.getAsLong()) >= 0 ? categoryId : OptionalLong.empty();
        Instance in = m.prompt(d.image(), List.of(new BoxPrompt(box[0], box[1], box[2], box[3], cat)))
                .getFirst();
        double[] k = null;
        if (in.keypoints() != null) {
            k = new double[in.keypoints().length];
            for (int i = 0; i < k.length; i++) k[i] = in.keypoints()[i];
        }
        return CocoResult.of(
                image.id(),
                in.categoryId(),
                in.score(),
                box.clone(),
                in.mask() == null ? null : Segmentation.of(in.mask()),
                k);
    }
}
