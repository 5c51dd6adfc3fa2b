package dev.masklab.app.evaluation;

/** Opens an image from the Evaluation tab (a row of the image list, a confusion-matrix cell, a curve point). */
@FunctionalInterface
public interface ImageOpener {
    /**
     * Opens image {@code imageId} in the Image tab with the errors layer on, selecting the detection {@code dtId}, or
     * when it is null the ground truth {@code gtId} (both null: nothing selected).
     */
    void open(long imageId, Long dtId, Long gtId);
}
