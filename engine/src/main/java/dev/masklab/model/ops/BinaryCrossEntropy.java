package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Binary cross entropy on logits, averaged over all elements: PyTorch's
 * {@code binary_cross_entropy_with_logits} (used by the RPN objectness loss and the mask loss), with
 * the same numerically stable formulation {@code (1 - z) x + m + log(exp(-m) + exp(-x - m))},
 * {@code m = max(-x, 0)}.
 */
public final class BinaryCrossEntropy {
    private BinaryCrossEntropy() {}

    /** Mean loss of {@code logits} against {@code targets} (same shape, values in [0, 1]); differentiable. */
    public static NDArray withLogitsMean(NDArray logits, NDArray targets) {
        if (!logits.getShape().equals(targets.getShape())) {
            throw new IllegalArgumentException(
                    "logits " + logits.getShape() + " and targets " + targets.getShape() + " differ in shape");
        }
        // relu, not maximum(0f): DJL frees the scalar operand that maximum's backward would read (see Autograd)
        NDArray m = Activation.relu(logits.neg());
        NDArray loss = targets.neg()
                .add(1f)
                .mul(logits)
                .add(m)
                .add(m.neg().exp().add(logits.neg().sub(m).exp()).log());
        return loss.mean();
    }
}
