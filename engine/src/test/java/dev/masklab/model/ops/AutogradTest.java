package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class AutogradTest {
  @Test
  void differentiablePathInsideACollectorEvenWhereHasGradientIsFalse() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.ones(new Shape(3));
      w.setRequiresGradient(true);
      assertFalse(Autograd.requiresGrad(w.mul(2)), "outside a collector nothing is recorded");
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = w.mul(2);
        assertFalse(y.hasGradient(), "DJL's hasGradient misses intermediates (the reason for Autograd)");
        assertTrue(Autograd.requiresGrad(y));
        assertTrue(Autograd.requiresGrad(w));
        // an op with a Java fast path must stay differentiable for such an intermediate
        NDArray feat = w.reshape(1, 1, 1, 3).mul(1f);
        NDArray up = Interpolate.bilinear(feat, 2, 6, false);
        gc.backward(up.sum());
      }
      assertFalse(Autograd.requiresGrad(w.mul(2)), "grad mode is off again after the collector");
      // each input pixel of a 1x3 -> 2x6 bilinear resize receives total weight 4 (2 rows x 2 columns)
      assertEquals(12f, w.getGradient().sum().getFloat(), 1e-5f);
    }
  }
}
