package dev.masklab.model.roi;

/**
 * Keypoint training targets: each ground-truth keypoint's location on a {@code size x size} heatmap laid
 * over its proposal, as torchvision's {@code keypoints_to_heatmap} computes it (float32 arithmetic in torch's
 * order of operations, a keypoint exactly on the right / bottom edge goes to the last cell, invisible or
 * outside keypoints are not valid).
 *
 * @param index per (proposal, keypoint): linear heatmap index {@code y * size + x}, 0 where not valid
 * @param valid per (proposal, keypoint): whether the keypoint is visible and inside the proposal
 */
public record KeypointTargets(int[] index, boolean[] valid) {

    /**
     * @param keypoints (P, K, 3) x, y, visibility of the ground truth matched to each proposal
     * @param rois (P, 4) proposals x1, y1, x2, y2
     * @param numKeypoints K
     * @param size heatmap side (56)
     */
    public static KeypointTargets compute(float[] keypoints, float[] rois, int numKeypoints, int size) {
        int p = rois.length / 4;
        if (keypoints.length != p * numKeypoints * 3) {
            throw new IllegalArgumentException(
                    "keypoints hold " + keypoints.length + " values, expected " + p + " x " + numKeypoints + " x 3");
        }
        int[] index = new int[p * numKeypoints];
        boolean[] valid = new boolean[p * numKeypoints];
        for (int i = 0; i < p; i++) {
            float x1 = rois[4 * i];
            float y1 = rois[4 * i + 1];
            float x2 = rois[4 * i + 2];
            float y2 = rois[4 * i + 3];
            for (int k = 0; k < numKeypoints; k++) {
                int o = (i * numKeypoints + k) * 3;
                float kx = keypoints[o];
                float ky = keypoints[o + 1];
                long x = cellOf(kx, x1, x2, size);
                long y = cellOf(ky, y1, y2, size);
                boolean ok = x >= 0 && y >= 0 && x < size && y < size && keypoints[o + 2] > 0;
                valid[i * numKeypoints + k] = ok;
                index[i * numKeypoints + k] = ok ? (int) (y * size + x) : 0;
            }
        }
        return new KeypointTargets(index, valid);
    }

    /**
     * A keypoint coordinate in heatmap cells, before flooring: {@code (k - lo) * (size / (hi - lo))} in float32,
     * the division done as torch does torchvision's {@code heatmap_size / (x2 - x1)}: reciprocal, then product.
     */
    public static float cell(float k, float lo, float hi, int size) {
        return (k - lo) * ((1f / (hi - lo)) * size);
    }

    /** The heatmap cell of a keypoint coordinate: {@link #cell} floored, a keypoint exactly on the far edge in the last cell. */
    public static long cellOf(float k, float lo, float hi, int size) {
        return k == hi ? size - 1 : (long) Math.floor(cell(k, lo, hi, size));
    }

    public int validCount() {
        int n = 0;
        for (boolean v : valid) {
            if (v) {
                n++;
            }
        }
        return n;
    }
}
