package dev.masklab.app.prediction;

/** Which instances the canvas area shows. */
public enum ViewMode {
    GROUND_TRUTH("Ground truth"),
    PREDICTIONS("Predictions"),
    OVERLAY("Both overlaid"),
    SIDE_BY_SIDE("Side by side");

    private final String label;

    ViewMode(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
