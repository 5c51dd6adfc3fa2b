package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.ops.Autograd;
import dev.masklab.model.ops.BinaryCrossEntropy;
import dev.masklab.model.ops.SmoothL1;
import java.util.List;

/**
 * The RPN's two losses (torchvision's {@code RegionProposalNetwork.compute_loss}): per image a balanced
 * sample of anchors (256, half positive at most); objectness is binary cross entropy on logits over the
 * sampled anchors, box regression is smooth L1 (beta 1/9) summed over the sampled positives and divided
 * by the number of sampled anchors.
 *
 * @param objectness scalar loss_objectness
 * @param boxRegression scalar loss_rpn_box_reg
 */
public record RpnLoss(NDArray objectness, NDArray boxRegression) {

    /** RPN sampling defaults: 256 anchors per image, at most half positive. */
    public static final int BATCH_PER_IMAGE = 256;

    public static final float POSITIVE_FRACTION = 0.5f;

    /**
     * @param objectness (N * A) or (N * A, 1) logits, image-major in anchor order (differentiable)
     * @param deltas (N * A, 4) predicted box deltas, same order (differentiable)
     * @param targets per image targets over its A anchors
     * @param sampler anchor sampler (one per iteration for reproducible runs)
     */
    public static RpnLoss compute(
            NDArray objectness, NDArray deltas, List<RpnTargets> targets, BalancedPositiveNegativeSampler sampler) {
        int total = 0;
        for (RpnTargets t : targets) {
            total += t.labels().length;
        }
        if (objectness.size() != total || deltas.getShape().get(0) != total) {
            throw new IllegalArgumentException(
                    "RPN outputs for " + objectness.size() + " anchors, targets for " + total);
        }
        int nPos = 0;
        int nSampled = 0;
        boolean[] pos = new boolean[total];
        boolean[] neg = new boolean[total];
        int offset = 0;
        for (RpnTargets t : targets) {
            BalancedPositiveNegativeSampler.Selection sel = sampler.sample(t.labels());
            for (int i = 0; i < t.labels().length; i++) {
                pos[offset + i] = sel.positive()[i];
                neg[offset + i] = sel.negative()[i];
            }
            offset += t.labels().length;
        }
        for (int i = 0; i < total; i++) {
            nPos += pos[i] ? 1 : 0;
            nSampled += pos[i] || neg[i] ? 1 : 0;
        }
        // sampled indices: positives first, then negatives (torchvision's concatenation order)
        long[] sampled = new long[nSampled];
        long[] posIdx = new long[nPos];
        float[] sampledLabels = new float[nSampled];
        float[] posTargets = new float[4 * nPos];
        int s = 0;
        int p = 0;
        offset = 0;
        for (RpnTargets t : targets) {
            for (int i = 0; i < t.labels().length; i++) {
                if (pos[offset + i]) {
                    posIdx[p] = offset + i;
                    System.arraycopy(t.regression(), 4 * i, posTargets, 4 * p, 4);
                    p++;
                    sampled[s] = offset + i;
                    sampledLabels[s++] = 1f;
                }
            }
            offset += t.labels().length;
        }
        for (int i = 0; i < total; i++) {
            if (neg[i]) {
                sampled[s] = i;
                sampledLabels[s++] = 0f;
            }
        }
        NDManager m = objectness.getManager();
        NDArray flatObj = objectness.reshape(-1);
        NDArray objLoss;
        if (nSampled == 0) {
            objLoss = Autograd.mul(flatObj.sum(), 0f);
        } else {
            objLoss = BinaryCrossEntropy.withLogitsMean(flatObj.get(m.create(sampled)), m.create(sampledLabels));
        }
        NDArray boxLoss;
        if (nPos == 0) {
            boxLoss = Autograd.mul(deltas.sum(), 0f);
        } else {
            NDArray pred = deltas.get(m.create(posIdx));
            boxLoss = Autograd.div(SmoothL1.sum(pred, m.create(posTargets, new Shape(nPos, 4)), 1f / 9), nSampled);
        }
        return new RpnLoss(objLoss, boxLoss);
    }
}
