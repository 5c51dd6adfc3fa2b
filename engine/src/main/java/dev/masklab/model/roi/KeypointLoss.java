package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Autograd;
import dev.masklab.model.ops.CrossEntropy;

/**
 * Keypoint R-CNN's keypoint loss (torchvision's {@code keypointrcnn_loss}): softmax cross entropy over
 * the {@code H*W} heatmap locations of each valid (visible, inside its proposal) ground-truth keypoint.
 */
public final class KeypointLoss {
    private KeypointLoss() {}

    /**
     * @param logits (P, K, H, W) keypoint logits of the positive proposals (H == W)
     * @param targets heatmap targets for the same proposals (see {@link KeypointTargets})
     * @return scalar loss; {@code logits.sum() * 0} when no keypoint is valid (keeps the graph, as torchvision)
     */
    public static NDArray compute(NDArray logits, KeypointTargets targets) {
        Shape s = logits.getShape();
        long p = s.get(0);
        long k = s.get(1);
        long hw = s.get(2) * s.get(3);
        if (targets.valid().length != p * k) {
            throw new IllegalArgumentException(
                    "keypoint targets for " + targets.valid().length + " keypoints, logits hold " + p + " x " + k);
        }
        int n = targets.validCount();
        if (n == 0) {
            return Autograd.mul(logits.sum(), 0f);
        }
        long[] rows = new long[n];
        long[] labels = new long[n];
        int j = 0;
        for (int i = 0; i < targets.valid().length; i++) {
            if (targets.valid()[i]) {
                rows[j] = i;
                labels[j++] = targets.index()[i];
            }
        }
        NDManager m = logits.getManager();
        NDArray flat = logits.reshape(p * k, hw);
        NDArray picked = flat.get(m.create(rows));
        return CrossEntropy.mean(picked, m.create(labels));
    }
}
