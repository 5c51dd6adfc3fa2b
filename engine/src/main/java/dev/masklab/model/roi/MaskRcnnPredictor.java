package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.masklab.model.ops.ConvTranspose2d;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code MaskRCNNPredictor}: {@code conv5_mask} (transposed convolution 2x2, stride 2, 256 channels)
 * with ReLU, then {@code mask_fcn_logits} (1x1 convolution to one 28x28 logit map per class).
 */
public final class MaskRcnnPredictor {
    public static final String PREFIX = "roi_heads.mask_predictor.";

    private final NDArray deconvWeight;
    private final NDArray deconvBias;
    private final NDArray logitsWeight;
    private final NDArray logitsBias;

    public MaskRcnnPredictor(Function<String, NDArray> w) {
        this.deconvWeight = w.apply(PREFIX + "conv5_mask.weight");
        this.deconvBias = w.apply(PREFIX + "conv5_mask.bias");
        this.logitsWeight = w.apply(PREFIX + "mask_fcn_logits.weight");
        this.logitsBias = w.apply(PREFIX + "mask_fcn_logits.bias");
    }

    public int numClasses() {
        return Math.toIntExact(logitsWeight.getShape().get(0));
    }

    /** (K, 256, 14, 14) -> mask logits (K, numClasses, 28, 28). Differentiable. */
    public NDArray forward(NDArray x) {
        NDArray up = ConvTranspose2d.apply(x, deconvWeight, deconvBias, 2, 0);
        NDArray r = Activation.relu(up);
        up.close();
        NDArray logits = Conv2d.conv2d(
                        r, logitsWeight, logitsBias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
        r.close();
        return logits;
    }

    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "conv5_mask.weight", deconvWeight);
        p.put(PREFIX + "conv5_mask.bias", deconvBias);
        p.put(PREFIX + "mask_fcn_logits.weight", logitsWeight);
        p.put(PREFIX + "mask_fcn_logits.bias", logitsBias);
        return p;
    }
}
