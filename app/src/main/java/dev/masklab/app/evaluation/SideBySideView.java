package dev.masklab.app.evaluation;

import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongToIntFunction;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * An image of a comparison opened side by side: A's detections on the left, B's on the right, each at the score
 * threshold, with their masks, boxes, categories and scores. The image and the masks are decoded off the FX thread;
 * the view follows {@link ComparisonViewModel#selectedImageProperty()} and the threshold.
 */
public final class SideBySideView extends BorderPane {
    private record Loaded(
            long imageId,
            Image image,
            String error,
            int width,
            int height,
            List<CocoResult> left,
            List<CocoResult> right,
            Image overlayLeft,
            Image overlayRight) {}

    private final ComparisonViewModel model;
    private final TaskExecutor tasks;
    private final DetectionPane left = new DetectionPane("A: loaded predictions");
    private final DetectionPane right = new DetectionPane("B");
    private final Label caption = new Label("Choose an image of the list to open it side by side");
    private final ReadOnlyObjectWrapper<Long> shownImage = new ReadOnlyObjectWrapper<>(this, "shownImage");
    private int generation;

    public SideBySideView(ComparisonViewModel model, TaskExecutor tasks) {
        this.model = model;
        this.tasks = tasks;
        setId("sideBySide");
        left.setId("sideBySideLeft");
        right.setId("sideBySideRight");
        caption.setId("sideBySideCaption");
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        left.setPrefWidth(400);
        right.setPrefWidth(400);
        HBox panes = new HBox(4, left, right);
        setTop(caption);
        setCenter(panes);
        model.selectedImageProperty().addListener((o, a, b) -> load());
        model.scoreThresholdProperty().addListener((o, a, b) -> load());
        model.comparisonProperty().addListener((o, a, b) -> load());
    }

    /** The image shown (once its pixels are loaded), null when none. */
    public ReadOnlyObjectProperty<Long> shownImageProperty() {
        return shownImage.getReadOnlyProperty();
    }

    /** The detections drawn on the left (A) or the right (B). */
    public List<CocoResult> shownDetections(boolean leftSide) {
        return (leftSide ? left : right).detections();
    }

    private void load() {
        int gen = ++generation;
        Long id = model.selectedImageProperty().get();
        CocoImage img = id == null ? null : model.image(id);
        if (img == null) {
            shownImage.set(null);
            caption.setText("Choose an image of the list to open it side by side");
            left.show(null, "Choose an image", 0, 0, List.of(), null, c -> "", c -> 0);
            right.show(null, "Choose an image", 0, 0, List.of(), null, c -> "", c -> 0);
            return;
        }
        long imageId = id;
        Path file = model.imageFile(imageId);
        List<CocoResult> a = model.shown(imageId, true);
        List<CocoResult> b = model.shown(imageId, false);
        LongToIntFunction rgb = categoryColors();
        int w = img.width();
        int h = img.height();
        BackgroundTask<Loaded> task = BackgroundTask.of("Cannot show " + img.fileName(), p -> {
                    Image image = null;
                    String error = null;
                    if (file == null || !Files.isRegularFile(file)) {
                        error = "Image file not found: " + (file == null ? img.fileName() : file);
                    } else {
                        image = new Image(file.toUri().toString(), false);
                        if (image.isError()) {
                            error = "Cannot decode " + file.getFileName();
                            image = null;
                        }
                    }
                    return new Loaded(
                            imageId,
                            image,
                            error,
                            w,
                            h,
                            a,
                            b,
                            DetectionPane.overlay(a, w, h, rgb),
                            DetectionPane.overlay(b, w, h, rgb));
                })
                .onSuccess(l -> {
                    if (gen == generation) show(l, rgb);
                });
        tasks.execute(task);
    }

    private void show(Loaded l, LongToIntFunction rgb) {
        LongFunction<String> name = id -> {
            CocoCategory c = model.category(id);
            return c == null ? Long.toString(id) : c.name();
        };
        right.setTitle("B: " + model.nameBProperty().get());
        left.show(l.image(), l.error(), l.width(), l.height(), l.left(), l.overlayLeft(), name, rgb);
        right.show(l.image(), l.error(), l.width(), l.height(), l.right(), l.overlayRight(), name, rgb);
        caption.setText(model.fileName(l.imageId()) + " (image " + l.imageId() + "), score >= "
                + String.format(
                        java.util.Locale.ROOT,
                        "%.2f",
                        model.scoreThresholdProperty().get()));
        shownImage.set(l.imageId());
    }

    /** Category colors as the image view's per-category colors: by the category's position in the dataset. */
    private LongToIntFunction categoryColors() {
        List<Long> ids = model.categoryIds();
        return id -> {
            int k = ids.indexOf(id);
            return ColorPalette.categoryRgb(k < 0 ? ids.size() : k);
        };
    }
}
