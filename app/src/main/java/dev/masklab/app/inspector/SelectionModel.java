package dev.masklab.app.inspector;

import dev.masklab.app.model.Instance;
import java.util.List;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;

/**
 * What the user points at: the selected and hovered instance, the cursor over the image, and within the selected
 * annotation the keypoint and the polygon part last pressed (both cleared when another annotation is selected).
 */
public final class SelectionModel {
    private final ObjectProperty<Instance> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<Instance> hovered = new SimpleObjectProperty<>(this, "hovered");
    private final ObjectProperty<Point2D> cursor = new SimpleObjectProperty<>(this, "cursor");
    private final IntegerProperty selectedKeypoint = new SimpleIntegerProperty(this, "selectedKeypoint", -1);
    private final IntegerProperty selectedPart = new SimpleIntegerProperty(this, "selectedPart", -1);

    public SelectionModel() {
        selected.addListener((o, a, b) -> {
            if (leftAnnotation(a, b)) {
                selectedKeypoint.set(-1);
                selectedPart.set(-1);
            }
        });
    }

    /** True when a selection change from {@code a} to {@code b} leaves the annotation (what was picked in it goes). */
    public static boolean leftAnnotation(Instance a, Instance b) {
        return b == null || b.prediction() || a != null && b.id() != a.id();
    }

    public ObjectProperty<Instance> selectedProperty() {
        return selected;
    }

    public Instance getSelected() {
        return selected.get();
    }

    public ObjectProperty<Instance> hoveredProperty() {
        return hovered;
    }

    /** Cursor position over the image in image pixels, or null when outside. */
    public ObjectProperty<Point2D> cursorProperty() {
        return cursor;
    }

    /**
     * The keypoint of the selected annotation the user last pressed (its index k), or -1: Delete deletes it, V /
     * Shift+V set its visibility.
     */
    public IntegerProperty selectedKeypointProperty() {
        return selectedKeypoint;
    }

    /** The polygon part of the selected annotation whose vertex the user last pressed, or -1 ("Delete part"). */
    public IntegerProperty selectedPartProperty() {
        return selectedPart;
    }

    /** Nothing selected or hovered (another image is shown). */
    public void clear() {
        selected.set(null);
        hovered.set(null);
    }

    /** Drops the selection and the hover when the instance is no longer shown. */
    public void retain(List<Instance> groundTruth, List<Instance> predictions) {
        Instance s = selected.get(), h = hovered.get();
        if (s != null && !groundTruth.contains(s) && !predictions.contains(s)) selected.set(null);
        if (h != null && !groundTruth.contains(h) && !predictions.contains(h)) hovered.set(null);
    }
}
