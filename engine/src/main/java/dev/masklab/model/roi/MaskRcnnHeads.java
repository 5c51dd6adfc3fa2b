package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code MaskRCNNHeads}: four 3x3 convolutions (256 channels, padding 1), each followed by ReLU, on the
 * 14x14 mask RoI features. Keys {@code roi_heads.mask_head.{0..3}.0.weight/bias} (torchvision 0.14 spelling).
 */
public final class MaskRcnnHeads {
    public static final String PREFIX = "roi_heads.mask_head.";
    public static final int LAYERS = 4;

    private final NDArray[] weights = new NDArray[LAYERS];
    private final NDArray[] biases = new NDArray[LAYERS];

    public MaskRcnnHeads(Function<String, NDArray> w) {
        for (int i = 0; i < LAYERS; i++) {
            weights[i] = w.apply(key(i, "weight"));
            biases[i] = w.apply(key(i, "bias"));
        }
    }

    static String key(int layer, String what) {
        return PREFIX + layer + ".0." + what;
    }

    /** (K, 256, 14, 14) -> (K, 256, 14, 14). Differentiable. */
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
