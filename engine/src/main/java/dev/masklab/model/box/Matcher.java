package dev.masklab.model.box;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Assigns each prediction (anchor or proposal) to a ground-truth box, as torchvision 0.14's
 * {@code det_utils.Matcher}: for each prediction the best ground truth by quality (IoU; first index on ties);
 * predictions whose best quality is below {@code low} get {@link #BELOW_LOW_THRESHOLD} (-1), those in
 * [low, high) get {@link #BETWEEN_THRESHOLDS} (-2). With {@code allowLowQuality}, every prediction that reaches a
 * ground truth's highest quality (ties included) keeps its best ground truth even if below the thresholds.
 */
public final class Matcher {
    public static final int BELOW_LOW_THRESHOLD = -1;
    public static final int BETWEEN_THRESHOLDS = -2;

    private final float high;
    private final float low;
    private final boolean allowLowQuality;

    public Matcher(float high, float low, boolean allowLowQuality) {
        if (low > high) {
            throw new IllegalArgumentException("Matcher: low threshold " + low + " > high threshold " + high);
        }
        this.high = high;
        this.low = low;
        this.allowLowQuality = allowLowQuality;
    }

    /**
     * @param quality [gt][prediction] match quality (IoU), M >= 1 rows of N values
     * @return per prediction the matched gt index, or -1 / -2
     */
    public int[] match(float[][] quality) {
        if (quality.length == 0) {
            throw new IllegalArgumentException("Matcher: no ground-truth boxes available for an image");
        }
        int m = quality.length;
        int n = quality[0].length;
        float[] flat = new float[m * n];
        for (int g = 0; g < m; g++) {
            if (quality[g].length != n) {
                throw new IllegalArgumentException("Matcher: ragged quality matrix at row " + g);
            }
            System.arraycopy(quality[g], 0, flat, g * n, n);
        }
        return match(flat, m, n);
    }

    /** NDArray variant: quality (M, N). */
    public int[] match(NDArray quality) {
        if (quality.getShape().dimension() != 2 || quality.getShape().get(0) == 0) {
            throw new IllegalArgumentException(
                    "Matcher: no ground-truth boxes available for an image (quality shape " + quality.getShape() + ")");
        }
        int m = Math.toIntExact(quality.getShape().get(0));
        int n = Math.toIntExact(quality.getShape().get(1));
        return match(quality.toType(DataType.FLOAT32, false).toFloatArray(), m, n);
    }

    /** Row-major flat variant: quality[g * n + p]. */
    public int[] match(float[] quality, int m, int n) {
        if (m == 0) {
            throw new IllegalArgumentException("Matcher: no ground-truth boxes available for an image");
        }
        int[] matches = new int[n];
        float[] best = new float[n];
        for (int p = 0; p < n; p++) {
            float v = quality[p];
            int arg = 0;
            for (int g = 1; g < m; g++) {
                float q = quality[g * n + p];
                if (q > v) {
                    v = q;
                    arg = g;
                }
            }
            best[p] = v;
            matches[p] = arg;
        }
        int[] all = allowLowQuality ? matches.clone() : null;
        for (int p = 0; p < n; p++) {
            if (best[p] < low) {
                matches[p] = BELOW_LOW_THRESHOLD;
            } else if (best[p] < high) {
                matches[p] = BETWEEN_THRESHOLDS;
            }
        }
        if (allowLowQuality) {
            for (int g = 0; g < m; g++) {
                float highest = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < n; p++) {
                    highest = Math.max(highest, quality[g * n + p]);
                }
                for (int p = 0; p < n; p++) {
                    if (quality[g * n + p] == highest) {
                        matches[p] = all[p];
                    }
                }
            }
        }
        return matches;
    }
}
