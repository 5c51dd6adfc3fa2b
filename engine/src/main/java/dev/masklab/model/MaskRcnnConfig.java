package dev.masklab.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Locale;

/**
 * Settings of a torchvision-style detector: the architecture ({@code maskrcnn_resnet50_fpn} or
 * {@code keypointrcnn_resnet50_fpn}), the number of classes (including background), keypoints, the transform's
 * min/max size, the box branch thresholds and the FrozenBatchNorm eps (1e-5; 0 for torchvision's legacy COCO
 * checkpoints). Defaults are torchvision 0.14's.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MaskRcnnConfig(
        String arch,
        int numClasses,
        int numKeypoints,
        int minSize,
        int maxSize,
        float boxScoreThresh,
        float boxNmsThresh,
        int detectionsPerImage,
        float bnEps) {

    /** {@link Architecture#MASKRCNN_RESNET50_FPN}'s name. */
    public static final String MASKRCNN = Architecture.MASKRCNN_RESNET50_FPN.cliName();
    /** {@link Architecture#KEYPOINTRCNN_RESNET50_FPN}'s name. */
    public static final String KEYPOINTRCNN = Architecture.KEYPOINTRCNN_RESNET50_FPN.cliName();

    public MaskRcnnConfig {
        if (arch == null) {
            throw new IllegalArgumentException("arch is missing (" + MASKRCNN + " or " + KEYPOINTRCNN + ")");
        }
        arch = arch.toLowerCase(Locale.ROOT);
        if (!arch.equals(MASKRCNN) && !arch.equals(KEYPOINTRCNN)) {
            throw new IllegalArgumentException(
                    "unknown arch '" + arch + "' (expected " + MASKRCNN + " or " + KEYPOINTRCNN + ")");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2 (background + classes), got " + numClasses);
        }
        if (arch.equals(KEYPOINTRCNN) && numKeypoints < 1) {
            throw new IllegalArgumentException("a keypoint model needs numKeypoints >= 1");
        }
        range("numClasses", numClasses, 2, MAX_CLASSES);
        range("numKeypoints", numKeypoints, 0, MAX_KEYPOINTS);
        range("minSize", minSize, 1, MAX_IMAGE_SIDE);
        range("maxSize", maxSize, 1, MAX_IMAGE_SIDE);
        range("boxScoreThresh", boxScoreThresh, 0, 1);
        range("boxNmsThresh", boxNmsThresh, 0, 1);
        range("detectionsPerImage", detectionsPerImage, 1, MAX_DETECTIONS);
        range("bnEps", bnEps, 0, 1);
    }

    /** Largest accepted numClasses (background included). */
    public static final int MAX_CLASSES = 100_000;
    /** Largest accepted numKeypoints. */
    public static final int MAX_KEYPOINTS = 1_000;
    /** Largest accepted minSize and maxSize, in pixels (the resized image's sides). */
    public static final int MAX_IMAGE_SIDE = 4_096;
    /** Largest accepted detectionsPerImage. */
    public static final int MAX_DETECTIONS = 100_000;

    /** Refuses a value outside [lo, hi] (NaN included), naming the field. */
    private static void range(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(
                    field + " must be between " + fmt(lo) + " and " + fmt(hi) + ", got " + fmt(v));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** torchvision's defaults: 91 COCO classes for Mask R-CNN, person + 17 keypoints for Keypoint R-CNN. */
    public static MaskRcnnConfig defaults(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        boolean kp = Architecture.parse(a).hasKeypoints();
        return new MaskRcnnConfig(a, kp ? 2 : 91, kp ? 17 : 0, 800, 1333, 0.05f, 0.5f, 100, 1e-5f);
    }

    /** The architecture named by {@link #arch()}. */
    public Architecture architecture() {
        return Architecture.parse(arch);
    }

    public boolean hasMasks() {
        return architecture().hasMasks();
    }

    public boolean hasKeypoints() {
        return architecture().hasKeypoints();
    }

    public MaskRcnnConfig withNumClasses(int n) {
        return new MaskRcnnConfig(
                arch, n, numKeypoints, minSize, maxSize, boxScoreThresh, boxNmsThresh, detectionsPerImage, bnEps);
    }

    public MaskRcnnConfig withNumKeypoints(int n) {
        return new MaskRcnnConfig(
                arch, numClasses, n, minSize, maxSize, boxScoreThresh, boxNmsThresh, detectionsPerImage, bnEps);
    }

    public MaskRcnnConfig withBoxScoreThresh(float t) {
        return new MaskRcnnConfig(
                arch, numClasses, numKeypoints, minSize, maxSize, t, boxNmsThresh, detectionsPerImage, bnEps);
    }

    public MaskRcnnConfig withBnEps(float eps) {
        return new MaskRcnnConfig(
                arch,
                numClasses,
                numKeypoints,
                minSize,
                maxSize,
                boxScoreThresh,
                boxNmsThresh,
                detectionsPerImage,
                eps);
    }
}
