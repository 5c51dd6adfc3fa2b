package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code RoIHeads} for Mask R-CNN / Keypoint R-CNN: the box branch (RoI Align 7x7 on the FPN levels
 * "0".."3", {@link TwoMlpHead}, {@link FastRcnnPredictor}, {@link BoxPostprocessor}), then the mask branch
 * (RoI Align 14x14, {@link MaskRcnnHeads}, {@link MaskRcnnPredictor}, sigmoid of the detected class) and/or the
 * keypoint branch (RoI Align 14x14, {@link KeypointRcnnHeads}, {@link KeypointRcnnPredictor},
 * {@link HeatmapsToKeypoints}) on the detected boxes.
 *
 * <p>Training hook: {@link #boxLogits}, {@link #maskLogits} and {@link #keypointLogits} are the differentiable
 * forward passes on any RoIs (e.g. sampled proposals with their targets); the caller computes the losses.
 */
public final class RoiHeads {
  public static final List<String> FEATURE_NAMES = List.of("0", "1", "2", "3");

  private final MultiScaleRoiAlign boxRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 7, 2);
  private final MultiScaleRoiAlign maskRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 14, 2);
  private final MultiScaleRoiAlign keypointRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 14, 2);
  private final TwoMlpHead boxHead;
  private final FastRcnnPredictor boxPredictor;
  private final MaskRcnnHeads maskHead;
  private final MaskRcnnPredictor maskPredictor;
  private final KeypointRcnnHeads keypointHead;
  private final KeypointRcnnPredictor keypointPredictor;
  private volatile BoxPostprocessor postprocessor;

  /**
   * @param weights parameters by full torchvision key
   * @param withMasks build the mask branch
   * @param withKeypoints build the keypoint branch
   * @param postprocessor score / NMS / top-k settings of the box branch
   */
  public RoiHeads(Function<String, NDArray> weights, boolean withMasks, boolean withKeypoints,
      BoxPostprocessor postprocessor) {
    this.boxHead = new TwoMlpHead(weights);
    this.boxPredictor = new FastRcnnPredictor(weights);
    this.maskHead = withMasks ? new MaskRcnnHeads(weights) : null;
    this.maskPredictor = withMasks ? new MaskRcnnPredictor(weights) : null;
    this.keypointHead = withKeypoints ? new KeypointRcnnHeads(weights) : null;
    this.keypointPredictor = withKeypoints ? new KeypointRcnnPredictor(weights) : null;
    this.postprocessor = postprocessor;
  }

  public boolean hasMasks() {
    return maskHead != null;
  }

  public boolean hasKeypoints() {
    return keypointHead != null;
  }

  public BoxPostprocessor postprocessor() {
    return postprocessor;
  }

  public void setPostprocessor(BoxPostprocessor postprocessor) {
    this.postprocessor = postprocessor;
  }

  public TwoMlpHead boxHead() {
    return boxHead;
  }

  public FastRcnnPredictor boxPredictor() {
    return boxPredictor;
  }

  /** All parameters of the heads by full torchvision key. */
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    p.putAll(boxHead.parameters());
    p.putAll(boxPredictor.parameters());
    if (maskHead != null) {
      p.putAll(maskHead.parameters());
      p.putAll(maskPredictor.parameters());
    }
    if (keypointHead != null) {
      p.putAll(keypointHead.parameters());
      p.putAll(keypointPredictor.parameters());
    }
    return p;
  }

  // ------------------------------------------------------------------ differentiable forward passes (training hook)

  /** Box branch on RoIs of each image -> [class_logits (sumK, C), box_regression (sumK, 4C)]. */
  public NDList boxLogits(Map<String, NDArray> features, List<NDArray> roisPerImage, List<int[]> imageSizesHW) {
    NDArray pooled = boxRoiPool.apply(features, roisPerImage, imageSizesHW);
    NDArray rep = boxHead.forward(pooled);
    pooled.close();
    NDList out = boxPredictor.forward(rep);
    rep.close();
    return out;
  }

  /** Mask branch on RoIs of each image -> mask logits (sumK, numClasses, 28, 28). */
  public NDArray maskLogits(Map<String, NDArray> features, List<NDArray> roisPerImage, List<int[]> imageSizesHW) {
    requireBranch(maskHead, "mask");
    NDArray pooled = maskRoiPool.apply(features, roisPerImage, imageSizesHW);
    NDArray h = maskHead.forward(pooled);
    pooled.close();
    NDArray logits = maskPredictor.forward(h);
    h.close();
    return logits;
  }

  /** Keypoint branch on RoIs of each image -> heatmap logits (sumK, numKeypoints, 56, 56). */
  public NDArray keypointLogits(Map<String, NDArray> features, List<NDArray> roisPerImage,
      List<int[]> imageSizesHW) {
    requireBranch(keypointHead, "keypoint");
    NDArray pooled = keypointRoiPool.apply(features, roisPerImage, imageSizesHW);
    NDArray h = keypointHead.forward(pooled);
    pooled.close();
    NDArray logits = keypointPredictor.forward(h);
    h.close();
    return logits;
  }

  private static void requireBranch(Object head, String what) {
    if (head == null) {
      throw new IllegalStateException("this model has no " + what + " branch");
    }
  }

  // ------------------------------------------------------------------ inference

  /**
   * Inference for a batch: the box branch on the proposals, then the mask / keypoint branches on the detections.
   * Temporary arrays live on a sub-manager of the features' manager and are freed before returning.
   *
   * @param features FPN maps by name, (B, 256, H, W) each
   * @param proposals per image (K_i, 4) xyxy in the resized image
   * @param imageSizesHW per image {h, w} of the resized (unpadded) image
   */
  public List<RoiHeadsOutput> infer(Map<String, NDArray> features, List<NDArray> proposals,
      List<int[]> imageSizesHW) {
    NDManager parent = features.values().iterator().next().getManager();
    try (NDManager tmp = parent.newSubManager()) {
      for (NDArray p : proposals) {
        p.tempAttach(tmp);
      }
      for (NDArray f : features.values()) {
        f.tempAttach(tmp);
      }
      List<Detections> dets = new ArrayList<>();
      NDList logits = boxLogits(features, proposals, imageSizesHW);
      logits.attach(tmp);
      long start = 0;
      BoxPostprocessor post = postprocessor;
      for (int i = 0; i < proposals.size(); i++) {
        long k = proposals.get(i).getShape().get(0);
        NDArray cl = logits.get(0).get(new NDIndex("{}:{}", start, start + k));
        NDArray br = logits.get(1).get(new NDIndex("{}:{}", start, start + k));
        dets.add(post.apply(cl, br, proposals.get(i), imageSizesHW.get(i)[0], imageSizesHW.get(i)[1]));
        start += k;
      }
      int total = dets.stream().mapToInt(Detections::size).sum();
      List<NDArray> detBoxes = new ArrayList<>();
      for (Detections d : dets) {
        detBoxes.add(tmp.create(d.boxes(), new Shape(d.size(), 4)));
      }
      List<float[]> masks = new ArrayList<>();
      int maskSize = 0;
      if (maskHead != null) {
        if (total > 0) {
          NDArray ml = maskLogits(features, detBoxes, imageSizesHW);
          ml.attach(tmp);
          maskSize = Math.toIntExact(ml.getShape().get(2));
          int c = Math.toIntExact(ml.getShape().get(1));
          int plane = maskSize * maskSize;
          float[] probs = Activation.sigmoid(ml).toType(DataType.FLOAT32, false).toFloatArray();
          int row = 0;
          for (Detections d : dets) {
            float[] sel = new float[d.size() * plane];
            for (int a = 0; a < d.size(); a++, row++) {
              System.arraycopy(probs, (row * c + d.labels()[a]) * plane, sel, a * plane, plane);
            }
            masks.add(sel);
          }
        } else {
          maskSize = 28;
          dets.forEach(d -> masks.add(new float[0]));
        }
      }
      List<HeatmapsToKeypoints.Result> kps = new ArrayList<>();
      if (keypointHead != null) {
        if (total > 0) {
          NDArray kl = keypointLogits(features, detBoxes, imageSizesHW);
          kl.attach(tmp);
          long s = 0;
          for (Detections d : dets) {
            NDArray part = kl.get(new NDIndex("{}:{}", s, s + d.size()));
            kps.add(HeatmapsToKeypoints.apply(part, d.boxes()));
            s += d.size();
          }
        } else {
          int nk = keypointPredictor.numKeypoints();
          dets.forEach(d -> kps.add(new HeatmapsToKeypoints.Result(new float[0], new float[0], nk)));
        }
      }
      List<RoiHeadsOutput> out = new ArrayList<>();
      for (int i = 0; i < dets.size(); i++) {
        out.add(new RoiHeadsOutput(dets.get(i), maskHead != null ? masks.get(i) : null, maskSize,
            keypointHead != null ? kps.get(i) : null));
      }
      return out;
    }
  }
}
