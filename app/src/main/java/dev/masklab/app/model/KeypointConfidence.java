package dev.masklab.app.model;

/**
 * Which predicted keypoints are sure enough to draw and to keep when the prediction is accepted (#16 part 6): those
 * whose keypoint score is at least a threshold (the display panel's "Min keypoint score",
 * {@code LayerSettings.keypointScoreThresholdProperty}); the others are not drawn and are accepted as unlabelled
 * (0, 0, 0), the drawn ones as visible (v = 2). Ground truth and predictions without scores: every keypoint with
 * v &gt; 0.
 *
 * <p>What the threshold is applied to: the score a results file carries in {@code keypoint_scores}, which MaskLab
 * writes as torchvision does ({@code keypoints_scores}): the maximum of the keypoint's upsampled heatmap LOGIT, an
 * unbounded number, not a probability. detectron2's visualizer hides keypoints at or below 0.05, but its third
 * keypoint value is another quantity: a spatial-softmax probability of the heatmap peak, which cannot be recovered
 * from the peak logit alone, so its 0.05 means nothing on this scale. The threshold that was made for this very
 * score is the one of Detectron (the original, whose heatmap post-processing torchvision's keypoint R-CNN follows,
 * with rows x, y, logit, prob): its visualizer, and maskrcnn-benchmark's demo fed with torchvision-style logits, draw
 * a keypoint only when its logit exceeds 2. Hence the default 2, on the logit.
 */
public final class KeypointConfidence {
    /** Detectron's {@code kp_thresh} on the heatmap logit (see the class comment). */
    public static final double DEFAULT_THRESHOLD = 2.0;

    private KeypointConfidence() {}

    /**
     * Which keypoints of {@code inst} are drawn: v &gt; 0 and, for a prediction with keypoint scores, a score of at
     * least {@code threshold}. Null when it has no keypoints.
     */
    public static boolean[] drawn(Instance inst, double threshold) {
        double[] k = inst.keypoints();
        if (k == null) return null;
        double[] s = inst.prediction() ? inst.keypointScores() : null;
        boolean[] out = new boolean[k.length / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = k[3 * i + 2] > 0 && (s == null || i >= s.length || s[i] >= threshold);
        }
        return out;
    }

    /**
     * The keypoints a prediction becomes as an annotation's: the drawn ones ({@link #drawn}) visible (v = 2) where
     * predicted, the others unlabelled (0, 0, 0 as COCO stores them). Null when it has no keypoints.
     */
    public static double[] accepted(Instance prediction, double threshold) {
        boolean[] keep = drawn(prediction, threshold);
        if (keep == null) return null;
        double[] k = prediction.keypoints().clone();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) k[3 * i + 2] = 2;
            else k[3 * i] = k[3 * i + 1] = k[3 * i + 2] = 0;
        }
        return k;
    }
}
