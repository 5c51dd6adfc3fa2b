package dev.masklab.model.rpn;

/**
 * Settings of torchvision's {@code RegionProposalNetwork} (Mask/Keypoint R-CNN defaults via {@link #testing()} and
 * {@link #training()}): per-level pre-NMS top-n, post-NMS top-n per image, NMS IoU, score threshold, minimum box
 * side, and the training sampler settings (foreground / background IoU, anchors per image, positive fraction).
 */
public record RpnConfig(
        int preNmsTopN,
        int postNmsTopN,
        float nmsThresh,
        float scoreThresh,
        float minSize,
        float fgIouThresh,
        float bgIouThresh,
        int batchSizePerImage,
        float positiveFraction) {

    /** Inference defaults: 1000 / 1000, NMS 0.7, score 0.0, min size 1e-3. */
    public static RpnConfig testing() {
        return new RpnConfig(1000, 1000, 0.7f, 0.0f, 1e-3f, 0.7f, 0.3f, 256, 0.5f);
    }

    /** Training defaults: 2000 / 2000, otherwise as {@link #testing()}. */
    public static RpnConfig training() {
        return new RpnConfig(2000, 2000, 0.7f, 0.0f, 1e-3f, 0.7f, 0.3f, 256, 0.5f);
    }

    /** The same settings with another anchor sampling (anchors per image and their positive fraction). */
    public RpnConfig withSampling(int batchPerImage, float positives) {
        return new RpnConfig(
                preNmsTopN,
                postNmsTopN,
                nmsThresh,
                scoreThresh,
                minSize,
                fgIouThresh,
                bgIouThresh,
                batchPerImage,
                positives);
    }

    /** The same settings with other pre-NMS (per level) and post-NMS (per image) top-n. */
    public RpnConfig withTopN(int preNms, int postNms) {
        return new RpnConfig(
                preNms,
                postNms,
                nmsThresh,
                scoreThresh,
                minSize,
                fgIouThresh,
                bgIouThresh,
                batchSizePerImage,
                positiveFraction);
    }
}
