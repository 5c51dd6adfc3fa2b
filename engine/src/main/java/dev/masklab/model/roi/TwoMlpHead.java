package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code TwoMLPHead}: the pooled RoI features (K, 256, 7, 7) flattened, then fc6 and fc7 (1024 each),
 * each followed by ReLU. Weights under {@code roi_heads.box_head.fc6.*} / {@code fc7.*}.
 */
public final class TwoMlpHead {
    public static final String PREFIX = "roi_heads.box_head.";

    private final NDArray fc6Weight;
    private final NDArray fc6Bias;
    private final NDArray fc7Weight;
    private final NDArray fc7Bias;

    /** Weights looked up by full torchvision key (e.g. {@code StateDict::get}). */
    public TwoMlpHead(Function<String, NDArray> weights) {
        this.fc6Weight = weights.apply(PREFIX + "fc6.weight");
        this.fc6Bias = weights.apply(PREFIX + "fc6.bias");
        this.fc7Weight = weights.apply(PREFIX + "fc7.weight");
        this.fc7Bias = weights.apply(PREFIX + "fc7.bias");
    }

    /** (K, C, H, W) pooled features -> (K, 1024) representation. Differentiable. */
    public NDArray forward(NDArray pooled) {
        long k = pooled.getShape().get(0);
        NDArray x = pooled.reshape(k, -1);
        NDArray h6 = Linear.linear(x, fc6Weight, fc6Bias).singletonOrThrow();
        NDArray r6 = Activation.relu(h6);
        h6.close();
        NDArray h7 = Linear.linear(r6, fc7Weight, fc7Bias).singletonOrThrow();
        r6.close();
        NDArray r7 = Activation.relu(h7);
        h7.close();
        return r7;
    }

    /** Parameters by full torchvision key, in state_dict order. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "fc6.weight", fc6Weight);
        p.put(PREFIX + "fc6.bias", fc6Bias);
        p.put(PREFIX + "fc7.weight", fc7Weight);
        p.put(PREFIX + "fc7.bias", fc7Bias);
        return p;
    }
}
