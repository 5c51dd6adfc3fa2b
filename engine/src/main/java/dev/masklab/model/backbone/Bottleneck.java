package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet v1.5 bottleneck block (torchvision {@code Bottleneck}): 1x1 conv -> BN -> ReLU -> 3x3 conv with the
 * block's stride -> BN -> ReLU -> 1x1 conv -> BN, plus the identity or a 1x1 strided conv + BN
 * ({@code downsample.0/1}), then ReLU. Intermediate arrays are closed as soon as they are used (autograd keeps what
 * backward needs).
 */
public final class Bottleneck {
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d conv3;
    private final Norm2d bn1;
    private final Norm2d bn2;
    private final Norm2d bn3;
    private final Conv2d downConv;
    private final Norm2d downBn;

    public Bottleneck(StateDict sd, String prefix, int stride, Norm2d.Factory norms) {
        conv1 = new Conv2d(sd, prefix + ".conv1", 1, 0);
        bn1 = norms.create(sd, prefix + ".bn1");
        conv2 = new Conv2d(sd, prefix + ".conv2", stride, 1);
        bn2 = norms.create(sd, prefix + ".bn2");
        conv3 = new Conv2d(sd, prefix + ".conv3", 1, 0);
        bn3 = norms.create(sd, prefix + ".bn3");
        if (sd.has(prefix + ".downsample.0.weight")) {
            downConv = new Conv2d(sd, prefix + ".downsample.0", stride, 0);
            downBn = norms.create(sd, prefix + ".downsample.1");
        } else {
            downConv = null;
            downBn = null;
        }
    }

    public NDArray forward(NDArray x) {
        NDArray out = convBnRelu(conv1, bn1, x, true);
        out = replace(out, convBnRelu(conv2, bn2, out, true));
        out = replace(out, convBnRelu(conv3, bn3, out, false));
        NDArray sum;
        if (downConv != null) {
            try (NDArray identity = convBnRelu(downConv, downBn, x, false)) {
                sum = out.add(identity);
            }
        } else {
            sum = out.add(x);
        }
        out.close();
        try (sum) {
            return relu(sum);
        }
    }

    private static NDArray relu(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    static NDArray convBnRelu(Conv2d conv, Norm2d bn, NDArray x, boolean relu) {
        try (NDArray c = conv.forward(x)) {
            NDArray b = bn.forward(c);
            if (!relu) {
                return b;
            }
            try (b) {
                return relu(b);
            }
        }
    }

    private static NDArray replace(NDArray old, NDArray next) {
        old.close();
        return next;
    }

    /** The convolutions of this block (its only trainable parameters when its batch norms are frozen). */
    public List<Conv2d> convs() {
        List<Conv2d> out = new ArrayList<>(List.of(conv1, conv2, conv3));
        if (downConv != null) {
            out.add(downConv);
        }
        return out;
    }
}
