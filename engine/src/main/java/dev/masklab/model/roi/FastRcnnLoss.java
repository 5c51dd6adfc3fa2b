package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Autograd;
import dev.masklab.model.ops.CrossEntropy;
import dev.masklab.model.ops.SmoothL1;
import java.util.List;

/**
 * The box head's two losses (torchvision's {@code fastrcnn_loss}): cross entropy of the class logits over
 * all sampled proposals, and smooth L1 (beta 1/9) between the foreground proposals' deltas for their
 * ground-truth class and their regression targets, summed and divided by the number of sampled proposals.
 *
 * @param classifier scalar loss_classifier
 * @param boxRegression scalar loss_box_reg
 */
public record FastRcnnLoss(NDArray classifier, NDArray boxRegression) {

    /**
     * @param classLogits (P, C) for the sampled proposals of all images, image after image
     * @param boxRegression (P, 4 * C)
     * @param targets the per-image sampled proposals in the same order
     */
    public static FastRcnnLoss compute(NDArray classLogits, NDArray boxRegression, List<ProposalTargets> targets) {
        int p = 0;
        for (ProposalTargets t : targets) {
            p += t.size();
        }
        long c = classLogits.getShape().get(1);
        if (classLogits.getShape().get(0) != p
                || boxRegression.getShape().get(0) != p
                || boxRegression.getShape().get(1) != 4 * c) {
            throw new IllegalArgumentException("box head outputs " + classLogits.getShape() + " / "
                    + boxRegression.getShape() + " for " + p + " sampled proposals");
        }
        long[] labels = new long[p];
        int nPos = 0;
        int o = 0;
        for (ProposalTargets t : targets) {
            for (int l : t.labels()) {
                labels[o++] = l;
                if (l > 0) {
                    nPos++;
                }
            }
        }
        long[] rows = new long[nPos];
        float[] posTargets = new float[4 * nPos];
        int j = 0;
        o = 0;
        for (ProposalTargets t : targets) {
            for (int i = 0; i < t.size(); i++) {
                int l = t.labels()[i];
                if (l > 0) {
                    rows[j] = (long) (o + i) * c + l;
                    System.arraycopy(t.regression(), 4 * i, posTargets, 4 * j, 4);
                    j++;
                }
            }
            o += t.size();
        }
        NDManager m = classLogits.getManager();
        NDArray cls = CrossEntropy.mean(classLogits, m.create(labels));
        NDArray box;
        if (nPos == 0) {
            box = Autograd.mul(boxRegression.sum(), 0f);
        } else {
            NDArray picked = boxRegression.reshape(p * c, 4).get(m.create(rows));
            box = Autograd.div(SmoothL1.sum(picked, m.create(posTargets, new Shape(nPos, 4)), 1f / 9), p);
        }
        return new FastRcnnLoss(cls, box);
    }
}
