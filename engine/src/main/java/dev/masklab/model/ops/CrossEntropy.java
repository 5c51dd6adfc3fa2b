package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Softmax cross entropy averaged over rows: PyTorch's {@code F.cross_entropy(logits, labels)} with class
 * indices (the Fast R-CNN classification loss and the keypoint loss over 56x56 locations).
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * @param logits (N, C)
     * @param labels (N) class index per row (any integer type)
     * @return scalar mean of {@code -log softmax(logits)[i, labels[i]]}; differentiable w.r.t. logits
     */
    public static NDArray mean(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 2
                || labels.getShape().dimension() != 1
                || labels.getShape().get(0) != logits.getShape().get(0)) {
            throw new IllegalArgumentException("cross entropy needs logits (N, C) and labels (N), got "
                    + logits.getShape() + " and " + labels.getShape());
        }
        NDArray idx = labels.toType(DataType.INT64, false).reshape(-1, 1);
        return logits.logSoftmax(1).gather(idx, 1).neg().mean();
    }
}
