package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Autograd;
import dev.masklab.model.ops.BinaryCrossEntropy;

/**
 * Mask R-CNN's mask loss (torchvision's {@code maskrcnn_loss}): binary cross entropy on logits between the
 * ground-truth class channel of each positive proposal's mask logits and its {@link MaskTargets}, averaged
 * over all pixels.
 */
public final class MaskLoss {
    private MaskLoss() {}

    /**
     * @param logits (P, C, M, M) mask logits of the positive proposals (all images, in order)
     * @param labels (P) ground-truth class of each proposal
     * @param targets (P, M, M) flat targets
     * @return scalar loss; {@code logits.sum() * 0} without positives (keeps the graph, as torchvision)
     */
    public static NDArray compute(NDArray logits, int[] labels, float[] targets) {
        Shape s = logits.getShape();
        long p = s.get(0);
        long c = s.get(1);
        long mm = s.get(2) * s.get(3);
        if (labels.length != p || targets.length != p * mm) {
            throw new IllegalArgumentException(
                    "mask logits " + s + " for " + labels.length + " labels and " + targets.length + " target pixels");
        }
        if (p == 0) {
            return Autograd.mul(logits.sum(), 0f);
        }
        long[] rows = new long[(int) p];
        for (int i = 0; i < p; i++) {
            rows[i] = i * c + labels[i];
        }
        NDManager m = logits.getManager();
        NDArray picked = logits.reshape(p * c, s.get(2), s.get(3)).get(m.create(rows));
        return BinaryCrossEntropy.withLogitsMean(picked, m.create(targets, new Shape(p, s.get(2), s.get(3))));
    }
}
