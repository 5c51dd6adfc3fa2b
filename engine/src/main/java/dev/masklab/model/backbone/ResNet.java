package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's ResNet body (v1.5: stride on the 3x3 conv) with FrozenBatchNorm2d (or, to train from scratch,
 * BatchNorm2d), as used by the detection
 * backbones: stem conv1 7x7/2 + bn1 + ReLU + max pool 3x3/2 (padding 1), then {@code layer1..layer4} of
 * {@link Bottleneck} blocks (3, 4, 6, 3 for ResNet-50; 3, 4, 23, 3 for ResNet-101) with strides 1, 2, 2, 2. The
 * classifier ({@code fc}) is not used. Weights are read from {@code PREFIX.conv1.weight}, {@code PREFIX.layer1.0...}.
 */
public final class ResNet {
    private final Conv2d conv1;
    private final Norm2d bn1;
    private final List<List<Bottleneck>> layers = new ArrayList<>();

    /**
     * @param depth 50 or 101
     * @param bnEps FrozenBatchNorm2d eps (1e-5, or 0 for the legacy COCO checkpoints)
     */
    public ResNet(StateDict sd, String prefix, int depth, float bnEps) {
        this(sd, prefix, depth, Norm2d.Factory.frozen(bnEps));
    }

    /** As above with the normalisation layers {@code norms} builds (frozen, or batch statistics for training). */
    public ResNet(StateDict sd, String prefix, int depth, Norm2d.Factory norms) {
        int[] blocks = blocks(depth);
        conv1 = new Conv2d(sd, prefix + ".conv1", 2, 3);
        bn1 = norms.create(sd, prefix + ".bn1");
        for (int l = 0; l < 4; l++) {
            List<Bottleneck> layer = new ArrayList<>();
            for (int b = 0; b < blocks[l]; b++) {
                layer.add(new Bottleneck(sd, prefix + ".layer" + (l + 1) + "." + b, b == 0 && l > 0 ? 2 : 1, norms));
            }
            layers.add(layer);
        }
    }

    /** Bottleneck blocks per layer for a ResNet depth (50 or 101). */
    public static int[] blocks(int depth) {
        return switch (depth) {
            case 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            default -> throw new IllegalArgumentException("ResNet depth " + depth + " is not supported (50 or 101)");
        };
    }

    /** The outputs of layer1..layer4 for an (N, 3, H, W) batch: strides 4, 8, 16, 32; 256..2048 channels. */
    public List<NDArray> forward(NDArray images) {
        NDArray x;
        try (NDArray stem = Bottleneck.convBnRelu(conv1, bn1, images, true)) {
            x = Pool.maxPool2d(stem, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        List<NDArray> outs = new ArrayList<>();
        NDArray in = x;
        for (List<Bottleneck> layer : layers) {
            boolean inIsOutput = in != x; // a previous layer's output is returned: keep it
            for (Bottleneck b : layer) {
                NDArray next = b.forward(in);
                if (!inIsOutput) {
                    in.close();
                }
                inIsOutput = false;
                in = next;
            }
            outs.add(in);
        }
        return outs;
    }

    /** The stem convolution (trainable only when all 5 backbone stages are). */
    public Conv2d conv1() {
        return conv1;
    }

    /** The blocks of layer {@code i} (1..4). */
    public List<Bottleneck> layer(int i) {
        return layers.get(i - 1);
    }
}
