package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.RoiAlign;
import dev.masklab.model.ops.TorchvisionOracle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiScaleRoiAlignTest {
    static final List<String> NAMES = List.of("0", "1", "2", "3");
    static final int C = 3;

    @Test
    void levelMapperHandValues() {
        LevelMapper lm = new LevelMapper(2, 5);
        assertEquals(2, lm.level(0, 0, 224, 224)); // level 4
        assertEquals(1, lm.level(10, 10, 122, 122)); // 112: level 3
        assertEquals(0, lm.level(0, 0, 111, 111)); // 4 + log2(111/224) = 2.99 -> 2
        assertEquals(3, lm.level(0, 0, 448, 448));
        assertEquals(3, lm.level(0, 0, 1000, 1000)); // clamped to 5
        assertEquals(0, lm.level(0, 0, 4, 4)); // clamped to 2
        assertEquals(
                2,
                LevelMapper.forScales(new float[] {0.25f, 0.125f, 0.0625f, 0.03125f})
                        .kMin());
        assertEquals(
                5,
                LevelMapper.forScales(new float[] {0.25f, 0.125f, 0.0625f, 0.03125f})
                        .kMax());
        assertEquals(0.25f, MultiScaleRoiAlign.inferScale(200, 800));
        assertEquals(0.25f, MultiScaleRoiAlign.inferScale(304, 1199));
        assertEquals(0.5f, MultiScaleRoiAlign.inferScale(16, 33));
    }

    /** Two images of 64x80 and 56x72 padded to 64x96; FPN-like levels with stride 4..32. */
    static Map<String, NDArray> features(NDManager m, Random r) {
        Map<String, NDArray> f = new LinkedHashMap<>();
        int h = 16;
        int w = 24;
        for (String name : NAMES) {
            float[] v = new float[2 * C * h * w];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            f.put(name, m.create(v, new Shape(2, C, h, w)));
            h /= 2;
            w /= 2;
        }
        return f;
    }

    static float[] boxes(Random r, int n, float maxW, float maxH) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float w = 1 + r.nextFloat() * (maxW - 1);
            float h = 1 + r.nextFloat() * (maxH - 1);
            b[4 * i] = r.nextFloat() * (maxW - w);
            b[4 * i + 1] = r.nextFloat() * (maxH - h);
            b[4 * i + 2] = b[4 * i] + w;
            b[4 * i + 3] = b[4 * i + 1] + h;
        }
        return b;
    }

    @Test
    void poolsEachBoxFromItsLevelInOrder() {
        Random r = new Random(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = features(m, r);
            float[] b0 = boxes(r, 30, 80, 64);
            float[] b1 = boxes(r, 20, 72, 56);
            List<int[]> sizes = List.of(new int[] {64, 80}, new int[] {56, 72});
            MultiScaleRoiAlign pool = new MultiScaleRoiAlign(NAMES, 7, 2);
            NDArray out = pool.apply(f, List.of(m.create(b0, new Shape(30, 4)), m.create(b1, new Shape(20, 4))), sizes);
            assertEquals(new Shape(50, C, 7, 7), out.getShape());
            MultiScaleRoiAlign.HeapFeatures heap = new MultiScaleRoiAlign.HeapFeatures(f, m);
            List<NDArray> bl = List.of(m.create(b0, new Shape(30, 4)), m.create(b1, new Shape(20, 4)));
            assertArrayEquals(out.toFloatArray(), pool.apply(heap, bl, sizes).toFloatArray());
            assertArrayEquals(out.toFloatArray(), pool.apply(heap, bl, sizes).toFloatArray()); // cached copy reused
            // direct composition: each box through RoiAlign at its level's scale 1/4 .. 1/32 (heights 16..2 vs 64)
            LevelMapper lm = new LevelMapper(2, 5);
            float[] got = out.toFloatArray();
            int per = C * 49;
            for (int i = 0; i < 50; i++) {
                float[] b = i < 30 ? b0 : b1;
                int j = i < 30 ? i : i - 30;
                float[] box = java.util.Arrays.copyOfRange(b, 4 * j, 4 * j + 4);
                int level = lm.level(box[0], box[1], box[2], box[3]);
                NDArray feat = f.get(NAMES.get(level));
                float[] roi = {i < 30 ? 0 : 1, box[0], box[1], box[2], box[3]};
                float[] ref = RoiAlign.forwardNd(
                                feat, m.create(roi, new Shape(1, 5)), 7, 7, 1f / (4 << level), 2, false)
                        .toFloatArray();
                assertArrayEquals(ref, java.util.Arrays.copyOfRange(got, i * per, (i + 1) * per), "box " + i);
            }
            // differentiable path: same values, gradient flows to every level used
            List<NDArray> grads = new ArrayList<>();
            for (NDArray a : f.values()) {
                a.setRequiresGradient(true);
                grads.add(a);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray d =
                        pool.apply(f, List.of(m.create(b0, new Shape(30, 4)), m.create(b1, new Shape(20, 4))), sizes);
                assertArrayEquals(got, d.toFloatArray(), 1e-5f);
                gc.backward(d.sum());
            }
            // RoIAlign is linear in the features, so <grad of sum(out), F> summed over levels equals sum(out)
            double inner = 0;
            for (NDArray g : grads) {
                inner += g.getGradient().mul(g).sum().getFloat();
            }
            double sum = 0;
            for (float v : got) {
                sum += v;
            }
            assertEquals(sum, inner, 1e-3 * Math.max(1, Math.abs(sum)));
        }
    }

    @Test
    void missingFeatureIsNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiScaleRoiAlign pool = new MultiScaleRoiAlign(List.of("0", "x"), 7, 2);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> pool.apply(
                            Map.of("0", m.zeros(new Shape(1, 1, 4, 4))),
                            List.of(m.zeros(new Shape(0, 4))),
                            List.<int[]>of(new int[] {16, 16})));
            assertEquals(true, e.getMessage().contains("'x'"));
        }
    }

    @Test
    void detachedTwoPassGivesTheSameGradients() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = features(m, r);
            // boxes of all sizes so that every level is used
            float[] b0 = boxes(r, 40, 80, 64);
            for (int i = 0; i < 8; i++) {
                b0[4 * i + 2] = b0[4 * i] + 30 + 70 * i;
                b0[4 * i + 3] = b0[4 * i + 1] + 30 + 70 * i;
            }
            float[] b1 = boxes(r, 20, 72, 56);
            List<int[]> sizes = List.of(new int[] {64, 80}, new int[] {56, 72});
            MultiScaleRoiAlign pool = new MultiScaleRoiAlign(NAMES, 5, 2);
            List<NDArray> boxes = List.of(m.create(b0, new Shape(40, 4)), m.create(b1, new Shape(20, 4)));
            float[] weights = new float[60 * C * 25];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextGaussian();
            }
            NDArray wt = m.create(weights, new Shape(60, C, 5, 5));
            for (NDArray a : f.values()) {
                a.setRequiresGradient(true);
            }
            // reference: autograd through the differentiable path
            List<float[]> ref = new ArrayList<>();
            float[] refOut;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray o = pool.apply(f, boxes, sizes);
                refOut = o.toFloatArray();
                gc.backward(o.mul(wt).sum());
            }
            for (NDArray a : f.values()) {
                ref.add(a.getGradient().toFloatArray());
            }
            // two passes: heads loss on the detached pooled features, then the surrogate through the features
            Map<String, NDArray> f2 = new LinkedHashMap<>(); // fresh copies: gradients start at zero
            for (Map.Entry<String, NDArray> e : f.entrySet()) {
                NDArray copy =
                        m.create(e.getValue().toFloatArray(), e.getValue().getShape());
                copy.setRequiresGradient(true);
                f2.put(e.getKey(), copy);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MultiScaleRoiAlign.Detached d = pool.applyDetached(f2, boxes, sizes);
                assertArrayEquals(refOut, d.pooled().toFloatArray(), 1e-5f);
                gc.backward(d.pooled().mul(wt).sum());
                gc.backward(d.surrogate());
            }
            int l = 0;
            for (NDArray a : f2.values()) {
                float[] got = a.getGradient().toFloatArray();
                float[] exp = ref.get(l++);
                double norm = 0;
                for (float v : exp) {
                    norm += Math.abs(v);
                }
                assertEquals(true, norm > 0, "level " + (l - 1) + " receives gradient");
                assertArrayEquals(exp, got, 1e-4f, "level " + (l - 1));
            }
        }
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(2);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = features(m, r);
            float[] b0 = boxes(r, 40, 80, 64);
            float[] b1 = boxes(r, 25, 72, 56);
            Map<String, Object> in = new LinkedHashMap<>();
            for (String n : NAMES) {
                in.put("f" + n, f.get(n).toFloatArray());
                in.put("s" + n, f.get(n).getShape().getShape());
            }
            in.put("b0", b0);
            in.put("b1", b1);
            JsonNode out = TorchvisionOracle.run("""
          from collections import OrderedDict
          from torchvision.ops import MultiScaleRoIAlign
          x = OrderedDict((n, torch.tensor(inp['f' + n]).reshape(inp['s' + n])) for n in ['0', '1', '2', '3'])
          boxes = [torch.tensor(inp['b0']).reshape(-1, 4), torch.tensor(inp['b1']).reshape(-1, 4)]
          pool = MultiScaleRoIAlign(['0', '1', '2', '3'], 14, 2)
          out = pool(x, boxes, [(64, 80), (56, 72)]).flatten().tolist()
          """, in);
            NDArray ours = new MultiScaleRoiAlign(NAMES, 14, 2)
                    .apply(
                            f,
                            List.of(m.create(b0, new Shape(40, 4)), m.create(b1, new Shape(25, 4))),
                            List.of(new int[] {64, 80}, new int[] {56, 72}));
            assertArrayEquals(TorchvisionOracle.floats(out), ours.toFloatArray());
        }
    }
}
