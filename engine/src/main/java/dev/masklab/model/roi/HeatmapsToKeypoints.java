package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.masklab.model.ops.Interpolate;

/**
 * torchvision's {@code heatmaps_to_keypoints}: for each RoI the (K, S, S) heatmap logits are resized with bicubic
 * interpolation (align_corners=False) to the RoI's size rounded up (width and height clamped to at least 1), the
 * arg-max of each map gives the keypoint (pixel centre, +0.5, scaled back by the rounding correction, offset by the
 * RoI's corner) and the resized logit at that place is its score.
 *
 * <p>The resize is {@link Interpolate#bicubic} (PyTorch's {@code upsample_bicubic2d} math: A = -0.75, clamped border);
 * the arg-max and coordinate arithmetic are float32 as in torchvision.
 */
public final class HeatmapsToKeypoints {
    private HeatmapsToKeypoints() {}

    /** Keypoints of R RoIs: {@code xyv} (R x K x 3: x, y, 1) and {@code scores} (R x K), row-major. */
    public record Result(float[] xyv, float[] scores, int numKeypoints) {
        public int size() {
            return numKeypoints == 0 ? 0 : scores.length / numKeypoints;
        }
    }

    /**
     * @param maps (R, K, S, S) heatmap logits
     * @param rois flat xyxy boxes (R x 4) in the same (resized) image as the RoI pooling
     */
    public static Result apply(NDArray maps, float[] rois) {
        int r = Math.toIntExact(maps.getShape().get(0));
        int k = Math.toIntExact(maps.getShape().get(1));
        if (rois.length != 4 * r) {
            throw new IllegalArgumentException("heatmaps for " + r + " RoIs but " + rois.length / 4 + " boxes");
        }
        float[] xyv = new float[r * k * 3];
        float[] scores = new float[r * k];
        int sh = Math.toIntExact(maps.getShape().get(2));
        int sw = Math.toIntExact(maps.getShape().get(3));
        int mapPlane = sh * sw;
        float[] all = maps.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < r; i++) {
            float offX = rois[4 * i];
            float offY = rois[4 * i + 1];
            float width = Math.max(rois[4 * i + 2] - rois[4 * i], 1f);
            float height = Math.max(rois[4 * i + 3] - rois[4 * i + 1], 1f);
            int mapW = (int) Math.ceil(width);
            int mapH = (int) Math.ceil(height);
            float widthCorrection = width / mapW;
            float heightCorrection = height / mapH;
            float[] one = java.util.Arrays.copyOfRange(all, i * k * mapPlane, (i + 1) * k * mapPlane);
            float[] roiMap = Interpolate.bicubic(one, k, sh, sw, mapH, mapW, false);
            int plane = mapH * mapW;
            for (int j = 0; j < k; j++) {
                int base = j * plane;
                int best = 0;
                float bestV = roiMap[base];
                for (int p = 1; p < plane; p++) {
                    float v = roiMap[base + p];
                    // torch.argmax: first maximum; NaN counts as the maximum
                    if (v > bestV || (Float.isNaN(v) && !Float.isNaN(bestV))) {
                        bestV = v;
                        best = p;
                    }
                }
                int xInt = best % mapW;
                int yInt = best / mapW;
                float x = (xInt + 0.5f) * widthCorrection;
                float y = (yInt + 0.5f) * heightCorrection;
                int o = (i * k + j) * 3;
                xyv[o] = x + offX;
                xyv[o + 1] = y + offY;
                xyv[o + 2] = 1f;
                scores[i * k + j] = bestV;
            }
        }
        return new Result(xyv, scores, k);
    }
}
