package dev.masklab.model.rpn;

import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.BoxOps;
import dev.masklab.model.box.Matcher;

/**
 * RPN training targets of one image (torchvision's {@code RegionProposalNetwork.assign_targets_to_anchors}
 * and the box coding that follows): anchors matched to ground truth with IoU >= 0.7 (and each ground
 * truth's best anchors, "low quality" matches) are positive (1), below 0.3 negative (0), in between
 * ignored (-1); positives get regression targets of their matched box (weights 1, 1, 1, 1).
 *
 * @param labels per anchor 1 / 0 / -1
 * @param regression (A, 4) flat; only meaningful for positive anchors (0 elsewhere)
 */
public record RpnTargets(int[] labels, float[] regression) {

    /** The RPN's matcher: 0.7 / 0.3 with low-quality matches. */
    public static Matcher defaultMatcher() {
        return new Matcher(0.7f, 0.3f, true);
    }

    /**
     * @param anchors (A, 4) flat x1, y1, x2, y2 in the order of the RPN head outputs
     * @param gtBoxes (G, 4) flat ground-truth boxes (may be empty: every anchor negative)
     */
    public static RpnTargets compute(float[] anchors, float[] gtBoxes, Matcher matcher, BoxCoder coder) {
        int a = anchors.length / 4;
        int[] labels = new int[a];
        float[] regression = new float[4 * a];
        if (gtBoxes.length == 0) {
            return new RpnTargets(labels, regression);
        }
        int[] matched = matcher.match(BoxOps.boxIou(gtBoxes, anchors));
        int pos = 0;
        for (int i = 0; i < a; i++) {
            if (matched[i] >= 0) {
                labels[i] = 1;
                pos++;
            } else {
                labels[i] = matched[i] == Matcher.BELOW_LOW_THRESHOLD ? 0 : -1;
            }
        }
        float[] posAnchors = new float[4 * pos];
        float[] posGt = new float[4 * pos];
        int j = 0;
        for (int i = 0; i < a; i++) {
            if (labels[i] == 1) {
                System.arraycopy(anchors, 4 * i, posAnchors, 4 * j, 4);
                System.arraycopy(gtBoxes, 4 * matched[i], posGt, 4 * j, 4);
                j++;
            }
        }
        float[] enc = coder.encode(posGt, posAnchors);
        j = 0;
        for (int i = 0; i < a; i++) {
            if (labels[i] == 1) {
                System.arraycopy(enc, 4 * j++, regression, 4 * i, 4);
            }
        }
        return new RpnTargets(labels, regression);
    }
}
