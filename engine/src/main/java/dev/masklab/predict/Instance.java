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
public record Instance(double[] box, int label, long categoryId, double score, Rle mask, float[] keypoints,
    float[] keypointScores) {

  /** The box as COCO's x, y, width, height. */
  public double[] bboxXywh() {
    return new double[] {box[0], box[1], box[2] - box[0], box[3] - box[1]};
  }
}
