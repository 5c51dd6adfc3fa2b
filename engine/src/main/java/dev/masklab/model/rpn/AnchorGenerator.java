package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Anchors of torchvision 0.14's {@code AnchorGenerator} (aspect ratio = height / width), computed in plain Java with
 * float32 arithmetic in torchvision's order:
 *
 * <ul>
 *   <li>cell anchors per level: h = sqrt(ratio), w = 1/h; for each ratio, for each size: (-w*s, -h*s, w*s, h*s)/2,
 *       rounded half-to-even (torch.round);
 *   <li>stride per level = paddedImage // featureSize (integer division, per axis);
 *   <li>order: level, then row y, then column x, then cell anchor; each anchor = cell + (x*strideW, y*strideH, ...).
 * </ul>
 */
public final class AnchorGenerator {
    private final float[][] cellAnchors; // per level, A*4 values

    /**
     * @param sizes per level, the anchor sizes (torchvision {@code sizes})
     * @param aspectRatios per level, the ratios h/w (torchvision {@code aspect_ratios})
     */
    public AnchorGenerator(int[][] sizes, double[][] aspectRatios) {
        if (sizes.length != aspectRatios.length) {
            throw new IllegalArgumentException(
                    "AnchorGenerator: " + sizes.length + " size levels but " + aspectRatios.length + " ratio levels");
        }
        cellAnchors = new float[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            cellAnchors[l] = cellAnchors(sizes[l], aspectRatios[l]);
        }
    }

    /** Mask/Keypoint R-CNN FPN default: sizes 32, 64, 128, 256, 512 (one per level), ratios 0.5, 1, 2 everywhere. */
    public static AnchorGenerator fpnDefault() {
        int[][] sizes = {{32}, {64}, {128}, {256}, {512}};
        double[][] ratios = new double[5][];
        for (int i = 0; i < 5; i++) {
            ratios[i] = new double[] {0.5, 1.0, 2.0};
        }
        return new AnchorGenerator(sizes, ratios);
    }

    /** Zero-centred, rounded cell anchors (A*4) for one level. */
    static float[] cellAnchors(int[] sizes, double[] ratios) {
        float[] out = new float[sizes.length * ratios.length * 4];
        int k = 0;
        for (double ratio : ratios) {
            float hRatio = (float) Math.sqrt((float) ratio);
            float wRatio = 1f / hRatio;
            for (int size : sizes) {
                float ws = wRatio * (float) size;
                float hs = hRatio * (float) size;
                out[k++] = (float) Math.rint(-ws / 2f);
                out[k++] = (float) Math.rint(-hs / 2f);
                out[k++] = (float) Math.rint(ws / 2f);
                out[k++] = (float) Math.rint(hs / 2f);
            }
        }
        return out;
    }

    public int levels() {
        return cellAnchors.length;
    }

    /** Anchors per spatial location of a level. */
    public int anchorsPerLocation(int level) {
        return cellAnchors[level].length / 4;
    }

    /** The cell anchors (A*4) of a level (a copy). */
    public float[] cellAnchors(int level) {
        return cellAnchors[level].clone();
    }

    /**
     * All anchors for the given feature map sizes (per level {H, W}) and padded batch image size {H, W}, as a flat
     * xyxy array (sumA * 4) in torchvision's order.
     */
    public float[] anchorsArray(List<long[]> featureSizesHW, long[] paddedImageHW) {
        if (featureSizesHW.size() != cellAnchors.length) {
            throw new IllegalArgumentException("AnchorGenerator has " + cellAnchors.length + " levels but "
                    + featureSizesHW.size() + " feature maps were given");
        }
        long total = 0;
        for (int l = 0; l < cellAnchors.length; l++) {
            long[] hw = featureSizesHW.get(l);
            total += hw[0] * hw[1] * cellAnchors[l].length;
        }
        float[] out = new float[Math.toIntExact(total)];
        int k = 0;
        for (int l = 0; l < cellAnchors.length; l++) {
            long[] hw = featureSizesHW.get(l);
            int gh = Math.toIntExact(hw[0]);
            int gw = Math.toIntExact(hw[1]);
            long strideH = Math.floorDiv(paddedImageHW[0], hw[0]);
            long strideW = Math.floorDiv(paddedImageHW[1], hw[1]);
            float[] cell = cellAnchors[l];
            for (int y = 0; y < gh; y++) {
                float sy = (float) (y * strideH);
                for (int x = 0; x < gw; x++) {
                    float sx = (float) (x * strideW);
                    for (int a = 0; a < cell.length; a += 4) {
                        out[k++] = sx + cell[a];
                        out[k++] = sy + cell[a + 1];
                        out[k++] = sx + cell[a + 2];
                        out[k++] = sy + cell[a + 3];
                    }
                }
            }
        }
        return out;
    }

    /** {@link #anchorsArray} as an NDArray (sumA, 4) float32 on {@code m}. */
    public NDArray anchors(List<long[]> featureSizesHW, long[] paddedImageHW, NDManager m) {
        float[] a = anchorsArray(featureSizesHW, paddedImageHW);
        return m.create(a, new Shape(a.length / 4, 4));
    }

    /** Number of anchors per level for the given feature sizes. */
    public long[] anchorsPerLevel(List<long[]> featureSizesHW) {
        long[] n = new long[featureSizesHW.size()];
        for (int l = 0; l < n.length; l++) {
            long[] hw = featureSizesHW.get(l);
            n[l] = hw[0] * hw[1] * anchorsPerLocation(l);
        }
        return n;
    }
}
