package dev.masklab.model;

/**
 * The ground truth of one training image, what torchvision's {@code GeneralizedRCNN.forward(images, targets)} takes
 * per image: coordinates are pixels of the (resized, unpadded) image the model sees.
 *
 * @param height image height
 * @param width image width
 * @param boxes (n, 4) x1, y1, x2, y2
 * @param labels (n) contiguous labels (1..numClasses-1)
 * @param masks n row-major {@code height * width} 0/1 masks, or null for a model without a mask head
 * @param keypoints (n, numKeypoints, 3) x, y, visibility, or null for a model without a keypoint head
 * @param numKeypoints keypoints per instance (0 without keypoints)
 */
public record Targets(
        int height, int width, float[] boxes, int[] labels, byte[][] masks, float[] keypoints, int numKeypoints) {

    /** Number of instances. */
    public int size() {
        return labels.length;
    }
}
