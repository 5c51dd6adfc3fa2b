package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's {@code BackboneWithFPN} over a ResNet body ({@code _resnet_fpn_extractor}): ResNet layer1..layer4
 * outputs feed a 256-channel {@link FeaturePyramidNetwork}; features "0".."3" (strides 4..32) and "pool" (stride 64).
 *
 * <p>API: {@code new ResNetFpnBackbone(sd, "backbone", 50, eps)} reads {@code backbone.body.*} and
 * {@code backbone.fpn.*} from the state dict (eps: manifest "frozen_bn_eps"; 1e-5, or 0 for legacy COCO checkpoints);
 * {@link #forward(NDArray)} takes the normalised, padded (N, 3, H, W) batch (H, W multiples of 32) and returns the
 * features as new arrays attached to the input's manager (the caller closes them; intermediates are closed inside).
 * Run inference without gradient-enabled parameters; for training, enable gradients on
 * {@link #trainableParameters(int)}.
 */
public final class ResNetFpnBackbone {
    /** Output channels of every FPN level. */
    public static final int OUT_CHANNELS = 256;

    private final ResNet body;
    private final FeaturePyramidNetwork fpn;

    public ResNetFpnBackbone(StateDict sd, String prefix, int depth, float bnEps) {
        this(sd, prefix, depth, Norm2d.Factory.frozen(bnEps));
    }

    /** As above with the body's normalisation layers built by {@code norms}. */
    public ResNetFpnBackbone(StateDict sd, String prefix, int depth, Norm2d.Factory norms) {
        this.body = new ResNet(sd, prefix + ".body", depth, norms);
        this.fpn = new FeaturePyramidNetwork(sd, prefix + ".fpn", 4);
    }

    /** Features "0", "1", "2", "3", "pool" (N, 256, H/4 .. H/64) of a normalised, padded batch. */
    public Map<String, NDArray> forward(NDArray images) {
        List<NDArray> levels = body.forward(images);
        try {
            return fpn.forward(levels);
        } finally {
            levels.forEach(NDArray::close);
        }
    }

    public ResNet body() {
        return body;
    }

    public FeaturePyramidNetwork fpn() {
        return fpn;
    }

    /**
     * The parameters torchvision trains with {@code trainable_layers} backbone stages (0..5), by state dict key:
     * the convolutions of layer4, layer3, ... (the last {@code trainableLayers} of layer4, layer3, layer2, layer1,
     * conv1) and every FPN convolution. FrozenBatchNorm2d weights are buffers and never trained.
     */
    public Map<String, NDArray> trainableParameters(int trainableLayers) {
        if (trainableLayers < 0 || trainableLayers > 5) {
            throw new IllegalArgumentException("trainable backbone layers must be 0..5, got " + trainableLayers);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int l = 4; l > 4 - trainableLayers && l >= 1; l--) {
            for (Bottleneck b : body.layer(l)) {
                b.convs().forEach(c -> put(out, c));
            }
        }
        if (trainableLayers == 5) {
            put(out, body.conv1());
        }
        fpn.convs().forEach(c -> put(out, c));
        return out;
    }

    private static void put(Map<String, NDArray> out, Conv2d c) {
        out.put(c.key() + ".weight", c.weight());
        if (c.bias() != null) {
            out.put(c.key() + ".bias", c.bias());
        }
    }
}
