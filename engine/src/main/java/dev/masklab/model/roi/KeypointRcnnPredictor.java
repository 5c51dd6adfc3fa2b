package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.ops.ConvTranspose2d;
import dev.masklab.model.ops.Interpolate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code KeypointRCNNPredictor}: {@code kps_score_lowres} (transposed convolution 4x4, stride 2,
 * padding 1: 14x14 -> 28x28, one map per keypoint), then a bilinear x2 upsampling (align_corners=False) to the 56x56
 * heatmap logits ({@link Interpolate#bilinear}: PyTorch's kernel without antialiasing, differentiable in training).
 */
public final class KeypointRcnnPredictor {
    public static final String PREFIX = "roi_heads.keypoint_predictor.";

    private final NDArray weight;
    private final NDArray bias;

    public KeypointRcnnPredictor(Function<String, NDArray> w) {
        this.weight = w.apply(PREFIX + "kps_score_lowres.weight");
        this.bias = w.apply(PREFIX + "kps_score_lowres.bias");
    }

    public int numKeypoints() {
        return Math.toIntExact(weight.getShape().get(1));
    }

    /** (K, 512, 14, 14) -> keypoint heatmap logits (K, numKeypoints, 56, 56). Differentiable. */
    public NDArray forward(NDArray x) {
        NDArray low = ConvTranspose2d.apply(x, weight, bias, 2, 1);
        long h = low.getShape().get(2);
        long w = low.getShape().get(3);
        NDArray up = Interpolate.bilinear(low, Math.toIntExact(2 * h), Math.toIntExact(2 * w), false);
        low.close();
        return up;
    }

    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "kps_score_lowres.weight", weight);
        p.put(PREFIX + "kps_score_lowres.bias", bias);
        return p;
    }
}
