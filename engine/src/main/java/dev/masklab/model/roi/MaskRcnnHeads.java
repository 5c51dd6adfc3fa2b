package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code MaskRCNNHeads}: four 3x3 convolutions (256 channels, padding 1), each followed by ReLU, on the
 * 14x14 mask RoI features. Keys {@code roi_heads.mask_head.{0..3}.0.weight/bias} (torchvision 0.14 spelling).
 */
public final class MaskRcnnHeads {
  public static final String PREFIX = "roi_heads.mask_head.";
  public static final int LAYERS = 4;

  private final NDArray[] weights = new NDArray[LAYERS];
  private final NDArray[] biases = new NDArray[LAYERS];

  public MaskRcnnHeads(Function<String, NDArray> w) {
    for (int i = 0; i < LAYERS; i++) {
      weights[i] = w.apply(key(i, "weight"));
      biases[i] = w.apply(key(i, "bias"));
    }
  }

  static String key(int layer, String what) {
    return PREFIX + layer + ".0." + what;
  }

  /** (K, 256, 14, 14) -> (K, 256, 14, 14). Differentiable. */
  public NDArray forward(NDArray x) {
    NDArray cur = x;
    for (int i = 0; i < LAYERS; i++) {
      NDArray conv = Conv2d.conv2d(cur, weights[i], biases[i], new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
          .singletonOrThrow();
      if (cur != x) {
        cur.close();
      }
      cur = Activation.relu(conv);
      conv.close();
    }
    return cur;
  }

  public Map<String, NDArray> parameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    for (int i = 0; i < LAYERS; i++) {
      p.put(key(i, "weight"), weights[i]);
      p.put(key(i, "bias"), biases[i]);
    }
    return p;
  }
}
