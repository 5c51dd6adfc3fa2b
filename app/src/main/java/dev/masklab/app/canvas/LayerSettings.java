package dev.masklab.app.canvas;

import dev.masklab.app.model.KeypointConfidence;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/** What the canvas draws: layer toggles, mask opacity and how instances are colored. */
public final class LayerSettings {
    public enum ColorMode {
        INSTANCE("Per instance"),
        CATEGORY("Per category");

        private final String label;

        ColorMode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final BooleanProperty masks = new SimpleBooleanProperty(this, "masks", true);
    private final BooleanProperty outlines = new SimpleBooleanProperty(this, "outlines", true);
    private final BooleanProperty boxes = new SimpleBooleanProperty(this, "boxes", true);
    private final BooleanProperty labels = new SimpleBooleanProperty(this, "labels", true);
    private final BooleanProperty keypoints = new SimpleBooleanProperty(this, "keypoints", true);
    private final DoubleProperty opacity = new SimpleDoubleProperty(this, "opacity", 0.5);
    /** Predicted keypoints scoring below this are not drawn, and unlabelled when accepted ({@link KeypointConfidence}). */
    private final DoubleProperty keypointScoreThreshold =
            new SimpleDoubleProperty(this, "keypointScoreThreshold", KeypointConfidence.DEFAULT_THRESHOLD);

    private final ObjectProperty<ColorMode> colorMode =
            new SimpleObjectProperty<>(this, "colorMode", ColorMode.INSTANCE);

    public BooleanProperty masksProperty() {
        return masks;
    }

    public BooleanProperty outlinesProperty() {
        return outlines;
    }

    public BooleanProperty boxesProperty() {
        return boxes;
    }

    public BooleanProperty labelsProperty() {
        return labels;
    }

    public BooleanProperty keypointsProperty() {
        return keypoints;
    }

    /** The minimum keypoint score (heatmap logit) of a drawn / accepted predicted keypoint. */
    public DoubleProperty keypointScoreThresholdProperty() {
        return keypointScoreThreshold;
    }

    public DoubleProperty opacityProperty() {
        return opacity;
    }

    public ObjectProperty<ColorMode> colorModeProperty() {
        return colorMode;
    }

    /** Everything a change of which needs the mask overlay recomposed. */
    public Observable[] overlayDependencies() {
        return new Observable[] {masks, outlines, opacity, colorMode};
    }

    /** Everything a change of which needs a redraw. */
    public Observable[] all() {
        return new Observable[] {masks, outlines, boxes, labels, keypoints, keypointScoreThreshold, opacity, colorMode};
    }
}
