package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Whether an NDArray may take part in autograd, for ops that have a fast plain-Java path and a differentiable one.
 *
 * <p>DJL's {@code NDArray.hasGradient()} cannot decide this: for an intermediate result inside a GradientCollector
 * (a backbone feature map, say) it answers false although PyTorch records the operation and back-propagates through
 * it (measured in {@code AutogradTest}), and DJL's grad-function query crashes the JVM on tensors without one. So the
 * rule is PyTorch's grad mode, which DJL switches on for the lifetime of a GradientCollector: inside a collector the
 * differentiable path is taken (always correct, slower), outside it the plain-Java one.
 */
public final class Autograd {
  private Autograd() {}

  /** True inside a GradientCollector (PyTorch grad mode on), or for a leaf with an attached gradient. */
  public static boolean requiresGrad(NDArray a) {
    if (!(a instanceof PtNDArray)) {
      return a.hasGradient();
    }
    return JniUtils.isGradMode() || a.hasGradient();
  }
}
