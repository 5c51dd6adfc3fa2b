package dev.masklab.model.roi;

import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.BoxOps;
import dev.masklab.model.box.Matcher;

/**
 * The RoI heads' training proposals of one image (torchvision's {@code RoIHeads.select_training_samples}):
 * the ground-truth boxes are appended to the RPN proposals, each is matched to the ground truth
 * (IoU >= 0.5 foreground with the gt's label, below 0.5 background), a balanced sample is kept (512, at
 * most 25% foreground) in proposal order, and the kept proposals get regression targets of their matched
 * box (weights 10, 10, 5, 5).
 *
 * @param proposals (P, 4) flat kept proposals
 * @param matchedGt per kept proposal the index of its matched ground truth (0 for background / no gt)
 * @param labels per kept proposal its class (0 background)
 * @param regression (P, 4) flat regression targets
 */
public record ProposalTargets(float[] proposals, int[] matchedGt, int[] labels, float[] regression) {

    public static final int BATCH_PER_IMAGE = 512;
    public static final float POSITIVE_FRACTION = 0.25f;

    /** The RoI heads' matcher: 0.5 / 0.5, no low-quality matches. */
    public static Matcher defaultMatcher() {
        return new Matcher(0.5f, 0.5f, false);
    }

    /** torchvision's RoI heads box coder (weights 10, 10, 5, 5). */
    public static BoxCoder defaultCoder() {
        return new BoxCoder(new double[] {10, 10, 5, 5});
    }

    /**
     * @param proposals (R, 4) flat RPN proposals of the image (no gradient)
     * @param gtBoxes (G, 4) flat ground truth (may be empty)
     * @param gtLabels (G) contiguous labels
     */
    public static ProposalTargets compute(
            float[] proposals,
            float[] gtBoxes,
            int[] gtLabels,
            Matcher matcher,
            BalancedPositiveNegativeSampler sampler,
            BoxCoder coder) {
        int r = proposals.length / 4;
        int g = gtLabels.length;
        float[] all = new float[proposals.length + gtBoxes.length];
        System.arraycopy(proposals, 0, all, 0, proposals.length);
        System.arraycopy(gtBoxes, 0, all, proposals.length, gtBoxes.length);
        int n = r + g;
        int[] matched = new int[n];
        int[] labels = new int[n];
        if (g > 0) {
            int[] m = matcher.match(BoxOps.boxIou(gtBoxes, all));
            for (int i = 0; i < n; i++) {
                matched[i] = Math.max(m[i], 0);
                labels[i] = m[i] == Matcher.BELOW_LOW_THRESHOLD
                        ? 0
                        : m[i] == Matcher.BETWEEN_THRESHOLDS ? -1 : gtLabels[m[i]];
            }
        }
        BalancedPositiveNegativeSampler.Selection sel = sampler.sample(labels);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (sel.positive()[i] || sel.negative()[i]) {
                k++;
            }
        }
        float[] keptBoxes = new float[4 * k];
        float[] keptGt = new float[4 * k];
        int[] keptMatched = new int[k];
        int[] keptLabels = new int[k];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (sel.positive()[i] || sel.negative()[i]) {
                System.arraycopy(all, 4 * i, keptBoxes, 4 * j, 4);
                if (g > 0) {
                    System.arraycopy(gtBoxes, 4 * matched[i], keptGt, 4 * j, 4);
                }
                keptMatched[j] = matched[i];
                keptLabels[j] = labels[i];
                j++;
            }
        }
        float[] regression = coder.encode(keptGt, keptBoxes);
        return new ProposalTargets(keptBoxes, keptMatched, keptLabels, regression);
    }

    public int size() {
        return labels.length;
    }

    /** Indices (into the kept proposals) of the foreground ones, in order. */
    public int[] positives() {
        int c = 0;
        for (int l : labels) {
            if (l > 0) {
                c++;
            }
        }
        int[] idx = new int[c];
        int j = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 0) {
                idx[j++] = i;
            }
        }
        return idx;
    }
}
