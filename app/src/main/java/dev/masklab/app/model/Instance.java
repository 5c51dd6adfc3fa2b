package dev.masklab.app.model;

import dev.masklab.review.PredictionKey;

/**
 * One ground-truth annotation or one prediction, in the form the views draw it.
 *
 * @param id         annotation id (ground truth) or the result's index in its file (predictions)
 * @param bbox       x, y, w, h in image pixels (never null; zeros when unknown)
 * @param mask       mask producer, or null when the instance has no segmentation
 * @param maskKind   how the segmentation is stored ("polygon", "RLE", "compressed RLE") or "" when none
 * @param keypoints  x, y, v triplets (v: 2 visible, 1 labelled but hidden, 0 not labelled; predictions carry a score
 *                   there, drawn when &gt; 0), or null
 * @param area       the annotation's area field
 * @param score      the prediction's score, NaN for ground truth
 * @param key        the prediction's identity across reads of its results file (what review decisions are kept
 *                   under), null for ground truth
 * @param keypointScores a prediction's score per keypoint (the results file's {@code keypoint_scores}), or null
 *                   ({@link KeypointConfidence} decides which keypoints are drawn and kept)
 */
public record Instance(
        long id,
        long imageId,
        int categoryId,
        double[] bbox,
        MaskSource mask,
        String maskKind,
        double[] keypoints,
        boolean crowd,
        double area,
        double score,
        boolean prediction,
        PredictionKey key,
        double[] keypointScores) {

    /** An instance without keypoint scores (ground truth, or a prediction without them). */
    public Instance(
            long id,
            long imageId,
            int categoryId,
            double[] bbox,
            MaskSource mask,
            String maskKind,
            double[] keypoints,
            boolean crowd,
            double area,
            double score,
            boolean prediction,
            PredictionKey key) {
        this(id, imageId, categoryId, bbox, mask, maskKind, keypoints, crowd, area, score, prediction, key, null);
    }

    public boolean hasMask() {
        return mask != null;
    }

    public boolean hasKeypoints() {
        return keypoints != null && keypoints.length >= 3;
    }

    /** Number of keypoints with visibility &gt; 0. */
    public int visibleKeypointCount() {
        if (keypoints == null) return 0;
        int n = 0;
        for (int i = 2; i < keypoints.length; i += 3) if (keypoints[i] > 0) n++;
        return n;
    }

    /** COCO's size class by area: small &lt; 32², medium &lt; 96², large otherwise. */
    public SizeClass sizeClass() {
        return SizeClass.of(area);
    }
}
