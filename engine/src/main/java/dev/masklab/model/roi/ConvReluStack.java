package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;

/** A stack of 3x3 convolutions (stride 1, padding 1), each followed by ReLU: the mask and keypoint head bodies. */
final class ConvReluStack {
    private ConvReluStack() {}

    /** Applies layer i = conv(weights[i], biases[i]) + ReLU in order, closing intermediates. Differentiable. */
    static NDArray forward(NDArray x, NDArray[] weights, NDArray[] biases) {
        NDArray cur = x;
        for (int i = 0; i < weights.length; i++) {
            NDArray conv = Conv2d.conv2d(
                            cur, weights[i], biases[i], new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow();
            if (cur != x) {
                cur.close();
            }
            cur = Activation.relu(conv);
            conv.close();
        }
        return cur;
    }
}
