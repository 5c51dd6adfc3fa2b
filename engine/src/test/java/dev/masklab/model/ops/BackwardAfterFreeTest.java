package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.masklab.model.roi.MultiScaleRoiAlign;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a use-after-free: ops on the gradient path build index / weight arrays from Java data and
 * close them before backward. DJL wraps a direct buffer for such arrays, so unless the op hands torch its own copy,
 * backward reads freed memory. Here, between forward and backward, the closed arrays' direct buffers are made
 * collectable and actually freed (waiting until the JVM's direct-memory pool shrinks), the freed memory is
 * overwritten by fresh direct buffers full of 0x7F bytes (huge indices, huge weights), and only then backward runs;
 * its gradient must equal the one of an immediate backward bit for bit.
 */
class BackwardAfterFreeTest {
    private static final int GARBAGE_ROUNDS = 64;

    /** Gradient of sum(op(x) * probe) with respect to x, backward run immediately or after freeing memory. */
    private static float[] gradient(float[] x, Shape shape, Function<NDArray, NDArray> op, boolean scrub)
            throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray leaf = m.create(x, shape);
            leaf.setRequiresGradient(true);
            List<ByteBuffer> garbage = new ArrayList<>();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray feat = leaf.neg().neg(); // an intermediate, as the backbone's features are
                NDArray out = op.apply(feat);
                float[] probe = new float[(int) out.getShape().size()];
                Random r = new Random(7);
                for (int i = 0; i < probe.length; i++) {
                    probe[i] = (float) r.nextGaussian();
                }
                NDArray loss = out.mul(m.create(probe, out.getShape())).sum();
                if (scrub) {
                    freeCollectableDirectBuffers();
                    for (int round = 0; round < GARBAGE_ROUNDS; round++) {
                        for (int size = 8; size <= 1 << 16; size <<= 1) {
                            for (int delta : new int[] {-8, 0, 8}) {
                                ByteBuffer b = ByteBuffer.allocateDirect(size + delta);
                                while (b.hasRemaining()) {
                                    b.put((byte) 0x7F);
                                }
                                garbage.add(b);
                            }
                        }
                    }
                }
                gc.backward(loss);
            }
            assertTrue(garbage.size() >= 0);
            return leaf.getGradient().toFloatArray();
        }
    }

    /** Collects garbage until the direct-memory pool stops shrinking, so that closed arrays' buffers are freed. */
    private static void freeCollectableDirectBuffers() throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct"))
                .findFirst()
                .orElseThrow();
        long before = Long.MAX_VALUE;
        for (int i = 0; i < 50; i++) {
            System.gc();
            Thread.sleep(20);
            long used = direct.getMemoryUsed();
            if (used >= before && i >= 3) {
                return;
            }
            before = Math.min(before, used);
        }
    }

    private static void check(float[] x, Shape shape, Function<NDArray, NDArray> op) throws InterruptedException {
        float[] expected = gradient(x, shape, op, false);
        for (int attempt = 0; attempt < 3; attempt++) {
            assertArrayEquals(
                    expected, gradient(x, shape, op, true), "gradient after freeing memory, attempt " + attempt);
        }
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    @Test
    void scalarMultiplyAndDivideSurviveFreedJavaMemory() throws InterruptedException {
        // DJL's own f.mul(2f).div(3f) fails this test: the scalars are freed Java memory by backward time
        Shape shape = new Shape(1, 2, 13, 17);
        check(random((int) shape.size(), 5), shape, f -> Autograd.div(Autograd.mul(f, 2f), 3f));
    }

    @Test
    void smoothL1AndMeanSurviveFreedJavaMemory() throws InterruptedException {
        Shape shape = new Shape(4, 6);
        float[] target = random(24, 6);
        check(random(24, 7), shape, f -> {
            try (NDArray t = f.getManager().create(target, shape)) {
                return Reduce.mean(SmoothL1.loss(f, t, 1f / 9), true, 1);
            }
        });
    }

    @Test
    void roiAlignGradientSurvivesFreedJavaMemory() throws InterruptedException {
        Shape shape = new Shape(RoiAlignTest.N, RoiAlignTest.C, RoiAlignTest.H, RoiAlignTest.W);
        check(random((int) shape.size(), 1), shape, f -> {
            try (NDArray rois = f.getManager().create(RoiAlignTest.ROIS, new Shape(RoiAlignTest.ROIS.length / 5, 5))) {
                return RoiAlign.differentiable(f, rois, 7, 7, 0.5f, 2, false);
            }
        });
    }

    @Test
    void roiPoolGradientSurvivesFreedJavaMemory() throws InterruptedException {
        Shape shape = new Shape(RoiAlignTest.N, RoiAlignTest.C, RoiAlignTest.H, RoiAlignTest.W);
        check(random((int) shape.size(), 2), shape, f -> {
            try (NDArray rois = f.getManager().create(RoiAlignTest.ROIS, new Shape(RoiAlignTest.ROIS.length / 5, 5))) {
                return RoiPool.apply(f, rois, 5, 5, 0.5f);
            }
        });
    }

    @Test
    void bilinearGradientSurvivesFreedJavaMemory() throws InterruptedException {
        Shape shape = new Shape(1, 2, 13, 17);
        check(random((int) shape.size(), 3), shape, f -> Interpolate.bilinearDifferentiable(f, 29, 11, false));
    }

    @Test
    void multiScaleRoiAlignGradientSurvivesFreedJavaMemory() throws InterruptedException {
        // two levels (strides 4 and 8 of a 64 x 64 image); small and large boxes alternate, so rows are reordered
        Shape shape = new Shape(1, 2, 16 * 16 + 8 * 8);
        float[] boxes = {0, 0, 20, 20, 0, 0, 250, 250, 5, 5, 15, 25, -10, -10, 240, 200, 10, 10, 30, 20};
        MultiScaleRoiAlign pool = new MultiScaleRoiAlign(List.of("0", "1"), 7, 2);
        check(random((int) shape.size(), 4), shape, f -> {
            NDManager m = f.getManager();
            Map<String, NDArray> levels = new LinkedHashMap<>();
            levels.put("0", f.get(":, :, 0:256").reshape(1, 2, 16, 16));
            levels.put("1", f.get(":, :, 256:").reshape(1, 2, 8, 8));
            try (NDArray b = m.create(boxes, new Shape(boxes.length / 4, 4))) {
                return pool.apply(levels, List.of(b), List.of(new int[] {64, 64}));
            }
        });
    }
}
