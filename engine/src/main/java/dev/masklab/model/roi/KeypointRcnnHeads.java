package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code KeypointRCNNHeads}: eight 3x3 convolutions (512 channels, padding 1) with ReLU, on the 14x14
 * keypoint RoI features. It is an nn.Sequential of conv/ReLU pairs, so the keys are
 * {@code roi_heads.keypoint_head.{0,2,...,14}.weight/bias}.
 */
public final class KeypointRcnnHeads {
    public static final String PREFIX = "roi_heads.keypoint_head.";
    public static final int LAYERS = 8;

    private final NDArray[] weights = new NDArray[LAYERS];
    private final NDArray[] biases = new NDArray[LAYERS];

    public KeypointRcnnHeads(Function<String, NDArray> w) {
        for (int i = 0; i < LAYERS; i++) {
            weights[i] = w.apply(key(i, "weight"));
            biases[i] = w.apply(key(i, "bias"));
        }
    }

    static String key(int layer, String what) {
        return PREFIX + (2 * layer) + "." + what;
    }

    /** (K, 256, 14, 14) -> (K, 512, 14, 14). Differentiable. */
    public NDArray forward(NDArray x) {
        return ConvReluStack.forward(x, weights, biases);
    }

    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (int i = 0; i < LAYERS; i++) {
            p.put(key(i, "weight"), weights[i]);
            p.put(key(i, "bias"), biases[i]);
        }
        return p;
    }
}
