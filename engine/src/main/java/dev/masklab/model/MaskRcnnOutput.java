package dev.masklab.model;

import dev.masklab.model.roi.Detections;
import dev.masklab.model.roi.MaskPaster;

/**
 * What {@link MaskRcnn} finds in one image, in the ORIGINAL image's coordinates (torchvision's
 * {@code transform.postprocess}): detections (boxes scaled back, scores, labels, best first); for Mask R-CNN the
 * unpasted M x M mask probabilities of each detection's class ({@link #pastedMask} pastes one into the image like
 * torchvision's {@code paste_masks_in_image}); for Keypoint R-CNN the keypoints (x, y, 1 per keypoint, scaled back)
 * and their scores (heatmap logits).
 *
 * @param height original image height
 * @param width original image width
 * @param detections boxes in the original image
 * @param maskProbs N x M x M probabilities (null without a mask branch)
 * @param maskSize M
 * @param keypoints N x K x 3 (null without a keypoint branch)
 * @param keypointScores N x K (null without a keypoint branch)
 * @param numKeypoints K
 */
public record MaskRcnnOutput(
        int height,
        int width,
        Detections detections,
        float[] maskProbs,
        int maskSize,
        float[] keypoints,
        float[] keypointScores,
        int numKeypoints) {

    public int size() {
        return detections.size();
    }

    public boolean hasMasks() {
        return maskProbs != null;
    }

    public boolean hasKeypoints() {
        return keypoints != null;
    }

    /** Detection {@code i}'s mask pasted into the image: row-major height x width probabilities. */
    public float[] pastedMask(int i) {
        if (maskProbs == null) {
            throw new IllegalStateException("this model has no mask branch");
        }
        int plane = maskSize * maskSize;
        float[] one = new float[plane];
        System.arraycopy(maskProbs, i * plane, one, 0, plane);
        return MaskPaster.paste(one, maskSize, detections.boxes(), 4 * i, height, width);
    }

    /** Detection {@code i}'s binary mask (probability > 0.5), row-major height x width 0/1. */
    public byte[] binaryMask(int i) {
        float[] p = pastedMask(i);
        byte[] b = new byte[p.length];
        for (int k = 0; k < p.length; k++) {
            b[k] = p[k] > 0.5f ? (byte) 1 : 0;
        }
        return b;
    }
}
