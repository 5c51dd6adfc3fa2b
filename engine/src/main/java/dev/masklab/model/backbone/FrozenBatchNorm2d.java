package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;

/**
 * torchvision's {@code FrozenBatchNorm2d}: batch norm with fixed statistics and affine parameters (buffers, never
 * trained): {@code y = x * scale + shift} with {@code scale = weight * rsqrt(running_var + eps)} and
 * {@code shift = bias - running_mean * scale}, all float32 per channel. eps is 1e-5 for checkpoints of torchvision
 * >= 0.8's builders and 0.0 for the legacy COCO checkpoints (torchvision applies {@code overwrite_eps(model, 0.0)}).
 * The scale and shift are computed once, on the state dict's manager.
 */
public final class FrozenBatchNorm2d {
  private final NDArray scale; // (1, C, 1, 1)
  private final NDArray shift; // (1, C, 1, 1)

  public FrozenBatchNorm2d(StateDict sd, String prefix, float eps) {
    NDArray w = sd.get(prefix + ".weight");
    NDArray b = sd.get(prefix + ".bias");
    NDArray rm = sd.get(prefix + ".running_mean");
    NDArray rv = sd.get(prefix + ".running_var");
    long c = w.getShape().get(0);
    NDArray s = w.mul(rv.add(eps).pow(-0.5f));
    // torch's rsqrt; pow(-0.5) is the same function on CPU within 1 ulp
    NDArray sh = b.sub(rm.mul(s));
    this.scale = s.reshape(1, c, 1, 1);
    this.shift = sh.reshape(1, c, 1, 1);
    s.close();
    sh.close();
  }

  public NDArray forward(NDArray x) {
    try (NDArray y = x.mul(scale)) {
      return y.add(shift);
    }
  }
}
