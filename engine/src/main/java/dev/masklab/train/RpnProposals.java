package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.BoxOps;
import dev.masklab.model.ops.Nms;
import dev.masklab.model.ops.TorchSort;
import java.util.ArrayList;
import java.util.List;

/**
 * The RPN outputs as training uses them: torchvision's flattening of the per-level head outputs
 * ({@code concat_box_prediction_layers}, differentiable, for the RPN losses) and the proposal selection
 * ({@code filter_proposals}) with the training top-n, on plain arrays (proposals carry no gradient).
 */
final class RpnProposals {
  private RpnProposals() {}

  /** torchvision's concat_box_prediction_layers: objectness (N * sumA) and deltas (N * sumA, 4), image-major. */
  static NDArray[] flattenPredictions(List<NDArray> obj, List<NDArray> deltas) {
    NDList o = new NDList();
    NDList d = new NDList();
    long n = obj.get(0).getShape().get(0);
    for (int i = 0; i < obj.size(); i++) {
      Shape s = obj.get(i).getShape();
      long a = s.get(1);
      long h = s.get(2);
      long wd = s.get(3);
      o.add(obj.get(i).transpose(0, 2, 3, 1).reshape(n, -1));
      d.add(deltas.get(i).reshape(n, a, 4, h, wd).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
    }
    return new NDArray[] {NDArrays.concat(o, 1).reshape(-1), NDArrays.concat(d, 1).reshape(-1, 4)};
  }

  /**
   * torchvision's RPN {@code filter_proposals} for one image: top {@code preNmsTopN} anchors per level by
   * objectness, decoded, clipped, boxes smaller than 1e-3 removed, NMS 0.7 per level, best {@code postNmsTopN}.
   *
   * @param objectness the image's logits over all anchors (no gradient)
   * @param decoded the image's decoded proposals (A * 4)
   */
  static float[] filterProposals(float[] objectness, float[] decoded, long[] anchorsPerLevel, int imageH, int imageW,
      int preNmsTopN, int postNmsTopN) {
    List<Integer> keepIdx = new ArrayList<>();
    List<Integer> keepLevel = new ArrayList<>();
    int offset = 0;
    for (int l = 0; l < anchorsPerLevel.length; l++) {
      int n = (int) anchorsPerLevel[l];
      float[] lvl = new float[n];
      System.arraycopy(objectness, offset, lvl, 0, n);
      int[] order = TorchSort.argsortDescending(lvl);
      int k = Math.min(preNmsTopN, n);
      for (int i = 0; i < k; i++) {
        keepIdx.add(offset + order[i]);
        keepLevel.add(l);
      }
      offset += n;
    }
    int k = keepIdx.size();
    float[] boxes = new float[4 * k];
    float[] scores = new float[k];
    int[] levels = new int[k];
    for (int i = 0; i < k; i++) {
      int a = keepIdx.get(i);
      System.arraycopy(decoded, 4 * a, boxes, 4 * i, 4);
      scores[i] = (float) (1 / (1 + Math.exp(-objectness[a])));
      levels[i] = keepLevel.get(i);
    }
    BoxOps.clipInPlace(boxes, imageH, imageW);
    int[] big = BoxOps.removeSmall(boxes, 1e-3f);
    float[] b2 = new float[4 * big.length];
    float[] s2 = new float[big.length];
    int[] l2 = new int[big.length];
    for (int i = 0; i < big.length; i++) {
      System.arraycopy(boxes, 4 * big[i], b2, 4 * i, 4);
      s2[i] = scores[big[i]];
      l2[i] = levels[big[i]];
    }
    int[] keep = Nms.batchedNms(b2, s2, l2, 0.7f);
    int kk = Math.min(postNmsTopN, keep.length);
    float[] out = new float[4 * kk];
    for (int i = 0; i < kk; i++) {
      System.arraycopy(b2, 4 * keep[i], out, 4 * i, 4);
    }
    return out;
  }

  /** Decodes (no gradient) the image's deltas against the anchors with weights 1, 1, 1, 1. */
  static float[] decode(float[] deltas, float[] anchors) {
    return new BoxCoder(new double[] {1, 1, 1, 1}).decode(deltas, anchors);
  }
}
