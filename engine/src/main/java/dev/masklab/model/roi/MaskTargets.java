package dev.masklab.model.roi;

import dev.masklab.model.ops.RoiAlign;

/**
 * Mask training targets (torchvision's {@code project_masks_on_boxes}): each positive proposal's matched
 * ground-truth mask, RoIAligned to {@code size x size} over the proposal box (spatial scale 1, adaptive
 * sampling, not aligned), giving soft targets in [0, 1].
 */
public final class MaskTargets {
    private MaskTargets() {}

    /**
     * @param masks ground-truth row-major 0/1 masks of the image ({@code h * w} each)
     * @param proposals (P, 4) flat positive proposals
     * @param matchedGt per proposal the index of its mask
     * @return (P, size, size) flat targets
     */
    public static float[] compute(byte[][] masks, int h, int w, float[] proposals, int[] matchedGt, int size) {
        int p = matchedGt.length;
        if (proposals.length != 4 * p) {
            throw new IllegalArgumentException(proposals.length / 4 + " proposals for " + p + " matches");
        }
        if (p == 0) {
            return new float[0];
        }
        // only the masks that are referenced are converted to float
        int[] slot = new int[masks.length];
        java.util.Arrays.fill(slot, -1);
        int used = 0;
        for (int g : matchedGt) {
            if (g < 0 || g >= masks.length) {
                throw new IllegalArgumentException("proposal matched to mask " + g + " of " + masks.length);
            }
            if (slot[g] < 0) {
                slot[g] = used++;
            }
        }
        int hw = h * w;
        float[] features = new float[used * hw];
        for (int g = 0; g < masks.length; g++) {
            if (slot[g] >= 0) {
                byte[] m = masks[g];
                int o = slot[g] * hw;
                for (int i = 0; i < hw; i++) {
                    features[o + i] = m[i];
                }
            }
        }
        float[] rois = new float[5 * p];
        for (int i = 0; i < p; i++) {
            rois[5 * i] = slot[matchedGt[i]];
            System.arraycopy(proposals, 4 * i, rois, 5 * i + 1, 4);
        }
        return RoiAlign.forward(features, used, 1, h, w, rois, p, size, size, 1f, -1, false);
    }
}
