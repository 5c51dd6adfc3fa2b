package dev.masklab.predict;

import java.util.OptionalLong;

/**
 * A box prompt: "what is in this box?" asked of a loaded model ({@link Predictor#prompt}). The box is COCO's
 * x, y, width, height in ORIGINAL image pixels; the category, when given, is a COCO category id as the model writes
 * it ({@link Predictor#categoryId}) and fixes the class whose mask / keypoints are computed, else the box head chooses.
 *
 * @param x left edge
 * @param y top edge
 * @param width box width (> 0)
 * @param height box height (> 0)
 * @param categoryId the class to use, or empty for the box head's best non-background class
 */
public record BoxPrompt(double x, double y, double width, double height, OptionalLong categoryId) {
    /** How far (px) a box may reach past the image's edges (rounding in stored boxes) before it counts as outside. */
    public static final double EDGE_TOLERANCE_PX = 0.5;

    public BoxPrompt {
        if (categoryId == null) {
            categoryId = OptionalLong.empty();
        }
    }

    /** A prompt without a category (the box head chooses). */
    public static BoxPrompt of(double x, double y, double width, double height) {
        return new BoxPrompt(x, y, width, height, OptionalLong.empty());
    }

    /** The box as {x1, y1, x2, y2} (x2 = x + width, y2 = y + height, in double). */
    public double[] xyxy() {
        return new double[] {x, y, x + width, y + height};
    }

    /** The box as {x, y, width, height}. */
    public double[] xywh() {
        return new double[] {x, y, width, height};
    }

    /**
     * What is wrong with this box on an image of {@code imageWidth x imageHeight} pixels, or null when nothing is:
     * non-finite values, a zero or negative size, or a box reaching past the image by more than
     * {@link #EDGE_TOLERANCE_PX}.
     */
    public String problem(int imageWidth, int imageHeight) {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(width) || !Double.isFinite(height)) {
            return "bbox values must be finite numbers";
        }
        if (!(width > 0) || !(height > 0)) {
            return "bbox has zero or negative size (" + fmt(width) + " x " + fmt(height) + ")";
        }
        double t = EDGE_TOLERANCE_PX;
        if (x < -t || y < -t || x + width > imageWidth + t || y + height > imageHeight + t) {
            return "bbox [" + fmt(x) + ", " + fmt(y) + ", " + fmt(width) + ", " + fmt(height) + "] is outside the "
                    + imageWidth + "x" + imageHeight + " image";
        }
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
