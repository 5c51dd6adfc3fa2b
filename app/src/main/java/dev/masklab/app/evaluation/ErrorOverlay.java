package dev.masklab.app.evaluation;

import dev.masklab.app.model.ImageEntry;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableValue;

/**
 * The canvas's "evaluation errors" mode as a model: whether it is on, and the {@link ImageErrors} of the image on
 * screen from the Evaluation tab's last evaluation (its IoU type) at IoU {@value #IOU_THRESHOLD}, the threshold of
 * the tab's image list. It follows the evaluation: a new evaluation, and every edit the live evaluation takes in
 * ({@link EvaluationViewModel#imageEdited}, which replaces the result), recompute the errors; it turns itself off when
 * the evaluation is cleared (new predictions or a new dataset). Used on the FX thread; no screen needed.
 */
public final class ErrorOverlay {
    /** The IoU threshold of the errors, as in the Evaluation tab's image list. */
    public static final double IOU_THRESHOLD = 0.5;

    private final EvaluationViewModel evaluation;
    private final ObservableValue<ImageEntry> image;
    private final BooleanProperty active = new SimpleBooleanProperty(this, "active", false);
    private final ReadOnlyObjectWrapper<ImageErrors> errors = new ReadOnlyObjectWrapper<>(this, "errors");

    /**
     * @param evaluation the Evaluation tab's model
     * @param image      the image on screen
     */
    public ErrorOverlay(EvaluationViewModel evaluation, ObservableValue<ImageEntry> image) {
        this.evaluation = evaluation;
        this.image = image;
        evaluation.resultProperty().addListener((o, a, b) -> {
            if (b == null) active.set(false);
            refresh();
        });
        image.addListener((o, a, b) -> refresh());
        active.addListener((o, a, b) -> refresh());
    }

    /** Whether the canvas colours instances by their outcome (settable; on only while there is an evaluation). */
    public BooleanProperty activeProperty() {
        return active;
    }

    /** The errors of the image on screen while the mode is on, else null (also for an image not evaluated). */
    public ReadOnlyObjectProperty<ImageErrors> errorsProperty() {
        return errors.getReadOnlyProperty();
    }

    public ImageErrors errors() {
        return errors.get();
    }

    /** Computes the shown image's errors again (the evaluation or the image changed). */
    public void refresh() {
        ImageEntry e = image.getValue();
        if (!active.get() || e == null || evaluation.evaluation() == null) {
            errors.set(null);
            return;
        }
        errors.set(ImageErrors.of(evaluation.evaluation(), e.id(), IOU_THRESHOLD));
    }
}
