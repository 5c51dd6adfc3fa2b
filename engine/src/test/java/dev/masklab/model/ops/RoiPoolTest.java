package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoiPoolTest {
    @Test
    void handValues() {
        // one 4x4 plane 0..15; RoI (0,0)-(3,3) pooled 2x2 -> maxima of the quadrants
        float[] f = new float[16];
        for (int i = 0; i < 16; i++) {
            f[i] = i;
        }
        RoiPool.Result r = RoiPool.forward(f, 1, 1, 4, 4, new float[] {0, 0, 0, 3, 3}, 1, 2, 2, 1f);
        assertArrayEquals(new float[] {5, 7, 13, 15}, r.values());
        assertArrayEquals(new int[] {5, 7, 13, 15}, r.argmax());
        // RoI entirely outside: empty bins are 0 with no arg-max
        RoiPool.Result e = RoiPool.forward(f, 1, 1, 4, 4, new float[] {0, 10, 10, 12, 12}, 1, 2, 2, 1f);
        assertArrayEquals(new float[] {0, 0, 0, 0}, e.values());
        assertArrayEquals(new int[] {-1, -1, -1, -1}, e.argmax());
    }

    @Test
    void matchesDirectLoopAndRoutesGradientToArgmax() {
        float[] f = RoiAlignTest.features(5);
        float[] rois = RoiAlignTest.ROIS;
        int k = rois.length / 5;
        int n = RoiAlignTest.N;
        int c = RoiAlignTest.C;
        int h = RoiAlignTest.H;
        int w = RoiAlignTest.W;
        RoiPool.Result res = RoiPool.forward(f, n, c, h, w, rois, k, 3, 2, 0.5f);
        // direct loop: maximum over every pixel whose bin (from the same integer bounds) contains it
        for (int i = 0; i < k; i++) {
            int b = (int) rois[5 * i];
            int sw = cRound(rois[5 * i + 1] * 0.5f);
            int sh = cRound(rois[5 * i + 2] * 0.5f);
            int rw = Math.max(cRound(rois[5 * i + 3] * 0.5f) - sw + 1, 1);
            int rh = Math.max(cRound(rois[5 * i + 4] * 0.5f) - sh + 1, 1);
            for (int ch = 0; ch < c; ch++) {
                for (int ph = 0; ph < 3; ph++) {
                    for (int pw = 0; pw < 2; pw++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int y = 0; y < h; y++) {
                            for (int x = 0; x < w; x++) {
                                int ry = y - sh;
                                int rx = x - sw;
                                boolean inY = ry >= Math.floor(ph * (double) rh / 3)
                                        && ry < Math.ceil((ph + 1) * (double) rh / 3);
                                boolean inX = rx >= Math.floor(pw * (double) rw / 2)
                                        && rx < Math.ceil((pw + 1) * (double) rw / 2);
                                if (inY && inX) {
                                    max = Math.max(max, f[((b * c + ch) * h + y) * w + x]);
                                }
                            }
                        }
                        double expected = max == Double.NEGATIVE_INFINITY ? 0 : max;
                        assertEquals(expected, res.values()[((i * c + ch) * 3 + ph) * 2 + pw], 0, "roi " + i);
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feat = m.create(f, new Shape(n, c, h, w));
            feat.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = RoiPool.apply(feat, m.create(rois, new Shape(k, 5)), 3, 2, 0.5f);
                assertArrayEquals(res.values(), out.toFloatArray());
                gc.backward(out.sum());
            }
            float[] expected = new float[f.length];
            for (int a : res.argmax()) {
                if (a >= 0) {
                    expected[a] += 1f;
                }
            }
            assertArrayEquals(expected, feat.getGradient().toFloatArray());
        }
    }

    /** C round(): half away from zero (Math.round rounds -1.5 to -1). */
    static int cRound(float v) {
        return (int) (Math.signum(v) * Math.floor(Math.abs((double) v) + 0.5));
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        float[] f = RoiAlignTest.features(6);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("f", f);
        in.put("r", RoiAlignTest.ROIS);
        in.put("shape", new int[] {RoiAlignTest.N, RoiAlignTest.C, RoiAlignTest.H, RoiAlignTest.W});
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.ops import roi_pool
        f = torch.tensor(inp['f']).reshape(inp['shape'])
        r = torch.tensor(inp['r']).reshape(-1, 5)
        out = roi_pool(f, r, (4, 3), 0.7).flatten().tolist()
        """, in);
        RoiPool.Result res = RoiPool.forward(
                f,
                RoiAlignTest.N,
                RoiAlignTest.C,
                RoiAlignTest.H,
                RoiAlignTest.W,
                RoiAlignTest.ROIS,
                RoiAlignTest.ROIS.length / 5,
                4,
                3,
                0.7f);
        assertArrayEquals(TorchvisionOracle.floats(out), res.values());
    }
}
