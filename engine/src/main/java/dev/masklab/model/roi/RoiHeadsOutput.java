package dev.masklab.model.roi;

/**
 * What the RoI heads infer for one image, in the coordinates of the resized (network input) image:
 * the {@link Detections}; when the model has a mask branch, {@code maskProbs} (N x M x M sigmoid probabilities of the
 * detected class, row-major, M = {@code maskSize}); when it has a keypoint branch, {@code keypoints}.
 */
public record RoiHeadsOutput(
        Detections detections, float[] maskProbs, int maskSize, HeatmapsToKeypoints.Result keypoints) {

    public boolean hasMasks() {
        return maskProbs != null;
    }

    public boolean hasKeypoints() {
        return keypoints != null;
    }
}
