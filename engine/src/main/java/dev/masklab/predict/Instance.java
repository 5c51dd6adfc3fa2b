package dev.masklab.predict;

import dev.masklab.coco.Rle;

/**
 * One predicted object in an image (original image coordinates).
 *
 * @param box xyxy box
 * @param label model label (1..numClasses-1)
 * @param categoryId COCO category id of the label
 * @param score class probability
 * @param mask binary mask (pasted probability > 0.5) as RLE, null for models without masks
 * @param keypoints K x 3 values (x, y, 1) or null for models without keypoints
 * @param keypointScores K keypoint scores (heatmap logits, torchvision's {@code keypoints_scores}) or null
 */
public record Instance(
        double[] box, int label, long categoryId, double score, Rle mask, float[] keypoints, float[] keypointScores) {

    /**
     * Whether the point (original image pixels) is on this object: in its mask (the pixel {@code floor(x), floor(y)})
     * for models with masks, else in its box (edges included).
     */
    public boolean contains(double x, double y) {
        if (mask != null) {
            return mask.contains((int) Math.floor(x), (int) Math.floor(y));
        }
        return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
    }

    /** The box as COCO's x, y, width, height. */
    public double[] bboxXywh() {
        return new double[] {box[0], box[1], box[2] - box[0], box[3] - box[1]};
    }
}
