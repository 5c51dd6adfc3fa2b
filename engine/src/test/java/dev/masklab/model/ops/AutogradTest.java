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

    @Test
    void otherThreadsStartWithGradModeOnUntilSwitchedOff() throws Exception {
        Engine.getInstance(); // the engine starts on this thread
        boolean[] seen = new boolean[3];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray w = m.ones(new Shape(3));
                w.setRequiresGradient(true);
                seen[0] = Autograd.requiresGrad(m.ones(new Shape(2)).mul(2)); // libtorch's default on a new thread
                Autograd.noGradOnThisThread();
                seen[1] = Autograd.requiresGrad(m.ones(new Shape(2)).mul(2));
                w.subi(m.ones(new Shape(3)).mul(0.5f)); // an optimizer's in-place step on a weight that requires grad
                seen[2] = w.getFloat(0) == 0.5f;
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError("in-place update failed", failure[0]);
        }
        assertTrue(seen[0], "a new thread records autograd graphs until grad mode is switched off");
        assertFalse(seen[1]);
        assertTrue(seen[2]);
    }
}
