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
public record MaskRcnnConfig(String arch, int numClasses, int numKeypoints, int minSize, int maxSize,
    float boxScoreThresh, float boxNmsThresh, int detectionsPerImage, float bnEps) {

  public static final String MASKRCNN = "maskrcnn_resnet50_fpn";
  public static final String KEYPOINTRCNN = "keypointrcnn_resnet50_fpn";

  public MaskRcnnConfig {
    if (arch == null) {
      throw new IllegalArgumentException("arch is missing (" + MASKRCNN + " or " + KEYPOINTRCNN + ")");
    }
    arch = arch.toLowerCase(Locale.ROOT);
    if (!arch.equals(MASKRCNN) && !arch.equals(KEYPOINTRCNN)) {
      throw new IllegalArgumentException("unknown arch '" + arch + "' (expected " + MASKRCNN + " or " + KEYPOINTRCNN
          + ")");
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2 (background + classes), got " + numClasses);
    }
    if (arch.equals(KEYPOINTRCNN) && numKeypoints < 1) {
      throw new IllegalArgumentException("a keypoint model needs numKeypoints >= 1");
    }
  }

  /** torchvision's defaults: 91 COCO classes for Mask R-CNN, person + 17 keypoints for Keypoint R-CNN. */
  public static MaskRcnnConfig defaults(String arch) {
    String a = arch.toLowerCase(Locale.ROOT);
    boolean kp = a.equals(KEYPOINTRCNN);
    return new MaskRcnnConfig(a, kp ? 2 : 91, kp ? 17 : 0, 800, 1333, 0.05f, 0.5f, 100, 1e-5f);
  }

  public boolean hasMasks() {
    return arch.equals(MASKRCNN);
  }

  public boolean hasKeypoints() {
    return arch.equals(KEYPOINTRCNN);
  }

  public MaskRcnnConfig withNumClasses(int n) {
    return new MaskRcnnConfig(arch, n, numKeypoints, minSize, maxSize, boxScoreThresh, boxNmsThresh,
        detectionsPerImage, bnEps);
  }

  public MaskRcnnConfig withNumKeypoints(int n) {
    return new MaskRcnnConfig(arch, numClasses, n, minSize, maxSize, boxScoreThresh, boxNmsThresh,
        detectionsPerImage, bnEps);
  }

  public MaskRcnnConfig withBoxScoreThresh(float t) {
    return new MaskRcnnConfig(arch, numClasses, numKeypoints, minSize, maxSize, t, boxNmsThresh,
        detectionsPerImage, bnEps);
  }

  public MaskRcnnConfig withBnEps(float eps) {
    return new MaskRcnnConfig(arch, numClasses, numKeypoints, minSize, maxSize, boxScoreThresh, boxNmsThresh,
        detectionsPerImage, eps);
  }
}
