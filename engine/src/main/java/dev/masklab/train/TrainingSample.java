package dev.masklab.train;

import dev.masklab.model.Targets;

/**
 * One training image with its ground truth, in plain arrays so that loader threads can build it without
 * touching the engine. Coordinates are pixels of this image (x1, y1, x2, y2 boxes, torchvision's target
 * layout); labels are contiguous model labels (1..K, 0 is background).
 *
 * @param imageId COCO image id
 * @param height image height
 * @param width image width
 * @param image RGB, CHW float32 ({@code 3 * height * width}): in [0, 1] as loaded; normalised with the
 *     ImageNet mean / std once {@link TrainingBatches#prepare} has resized it
 * @param boxes (n, 4) x1, y1, x2, y2
 * @param labels (n) contiguous labels
 * @param masks n row-major {@code height * width} 0/1 masks, or null when the model has no mask head
 * @param keypoints (n, numKeypoints, 3) x, y, visibility, or null when the model has no keypoint head
 * @param numKeypoints keypoints per instance (0 without keypoints)
 */
public record TrainingSample(
        long imageId,
        int height,
        int width,
        float[] image,
        float[] boxes,
        int[] labels,
        byte[][] masks,
        float[] keypoints,
        int numKeypoints) {

    public TrainingSample {
        if (image.length != 3 * height * width) {
            throw new IllegalArgumentException(
                    "image " + imageId + ": " + image.length + " values for 3x" + height + "x" + width);
        }
        int n = labels.length;
        if (boxes.length != 4 * n) {
            throw new IllegalArgumentException(
                    "image " + imageId + ": " + boxes.length / 4 + " boxes for " + n + " labels");
        }
        if (masks != null) {
            if (masks.length != n) {
                throw new IllegalArgumentException(
                        "image " + imageId + ": " + masks.length + " masks for " + n + " labels");
            }
            for (byte[] m : masks) {
                if (m.length != height * width) {
                    throw new IllegalArgumentException(
                            "image " + imageId + ": mask of " + m.length + " pixels for " + height + "x" + width);
                }
            }
        }
        if (keypoints != null && keypoints.length != n * numKeypoints * 3) {
            throw new IllegalArgumentException("image " + imageId + ": " + keypoints.length + " keypoint values for "
                    + n + " instances x " + numKeypoints + " x 3");
        }
    }

    /** The ground truth as the model's training path takes it. */
    public Targets targets() {
        return new Targets(height, width, boxes, labels, masks, keypoints, numKeypoints);
    }

    /** Number of ground-truth instances. */
    public int size() {
        return labels.length;
    }
}
