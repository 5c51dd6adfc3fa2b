package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.io.StateDict;

/**
 * A 2-D convolution whose weight (and optional bias) come from a {@link StateDict}: {@code PREFIX.weight}
 * (Cout, Cin, kH, kW) and, when present, {@code PREFIX.bias}; square stride and zero padding, dilation 1, groups 1.
 * The arrays are the state dict's own, so a trainer that enables their gradients trains this layer.
 */
public final class Conv2d {
    private final String key;
    private final NDArray weight;
    private final NDArray bias;
    private final Shape stride;
    private final Shape padding;

    public Conv2d(StateDict sd, String prefix, int stride, int padding) {
        this.key = prefix;
        this.weight = sd.get(prefix + ".weight");
        this.bias = sd.has(prefix + ".bias") ? sd.get(prefix + ".bias") : null;
        if (weight.getShape().dimension() != 4) {
            throw new IllegalArgumentException(prefix + ".weight of " + sd.source() + " has shape " + weight.getShape()
                    + ", expected (Cout, Cin, kH, kW)");
        }
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    public NDArray weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public NDArray bias() {
        return bias;
    }

    /** The state dict prefix of this layer. */
    public String key() {
        return key;
    }

    public long outChannels() {
        return weight.getShape().get(0);
    }
}
