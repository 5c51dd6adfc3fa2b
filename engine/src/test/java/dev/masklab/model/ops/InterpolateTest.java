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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterpolateTest {
    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /** Direct loop of torch's bilinear, align_corners=False (half-pixel centres, negative sources clamped to 0). */
    static double[] bilinear(float[] x, int c, int h, int w, int oh, int ow) {
        double[] out = new double[c * oh * ow];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < oh; i++) {
                double sy = Math.max(0, ((double) h / oh) * (i + 0.5) - 0.5);
                int y0 = (int) sy;
                int y1 = Math.min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int j = 0; j < ow; j++) {
                    double sx = Math.max(0, ((double) w / ow) * (j + 0.5) - 0.5);
                    int x0 = (int) sx;
                    int x1 = Math.min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    int b = ch * h * w;
                    out[(ch * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * x[b + y0 * w + x0] + lx * x[b + y0 * w + x1])
                            + ly * ((1 - lx) * x[b + y1 * w + x0] + lx * x[b + y1 * w + x1]);
                }
            }
        }
        return out;
    }

    @Test
    void bilinearMatchesDirectLoop() {
        float[] x = random(2 * 7 * 9, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] size : new int[][] {{14, 18}, {5, 4}, {23, 11}, {7, 9}, {1, 1}}) {
                float[] got = Interpolate.bilinear(m.create(x, new Shape(1, 2, 7, 9)), size[0], size[1], false)
                        .toFloatArray();
                double[] ref = bilinear(x, 2, 7, 9, size[0], size[1]);
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], got[i], 1e-5, size[0] + "x" + size[1] + " at " + i);
                }
            }
        }
    }

    @Test
    void differentiableBilinearMatchesJavaAndAdjoint() {
        float[] x = random(2 * 3 * 5 * 6, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] size : new int[][] {{10, 12}, {3, 4}, {7, 13}}) {
                for (boolean ac : new boolean[] {false, true}) {
                    int oh = size[0];
                    int ow = size[1];
                    float[] g = random(2 * 3 * oh * ow, 4);
                    NDArray xa = m.create(x, new Shape(2, 3, 5, 6));
                    xa.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = Interpolate.bilinear(xa, oh, ow, ac);
                        assertArrayEquals(Interpolate.bilinear(x, 6, 5, 6, oh, ow, ac), out.toFloatArray(), 1e-5f);
                        gc.backward(out.mul(m.create(g, out.getShape())).sum());
                    }
                    // adjoint of the Java kernel: push each output's gradient back through its four taps
                    double[] adj = new double[x.length];
                    float[] probe = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        probe[i] = 1f;
                        float[] col = Interpolate.bilinear(probe, 6, 5, 6, oh, ow, ac); // column i of the linear map
                        probe[i] = 0f;
                        for (int o = 0; o < col.length; o++) {
                            adj[i] += (double) col[o] * g[o];
                        }
                    }
                    float[] grad = xa.getGradient().toFloatArray();
                    for (int i = 0; i < adj.length; i++) {
                        assertEquals(adj[i], grad[i], 1e-4, "grad " + oh + "x" + ow + " at " + i);
                    }
                }
            }
        }
    }

    /** Bilinear bit for bit (several planes, up and down, both corner modes), bicubic within float rounding. */
    @Test
    void bilinearIsBitExactWithTorch() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        float[] x = random(3 * 13 * 17, 2);
        int[][] sizes = {{29, 40}, {5, 4}, {13, 17}, {26, 34}, {9, 30}, {56, 56}, {3, 50}, {1, 1}, {100, 7}};
        Map<String, Object> in = new java.util.LinkedHashMap<>();
        in.put("x", x);
        in.put("sizes", sizes);
        JsonNode out = TorchvisionOracle.run("""
        import torch.nn.functional as F
        x = torch.tensor(inp['x']).reshape(1, 3, 13, 17)
        out = {}
        for h, w in inp['sizes']:
            for ac in (False, True):
                for mode in ('bilinear', 'bicubic'):
                    out['%s %d %d %s' % (mode, h, w, ac)] = F.interpolate(
                        x, size=(h, w), mode=mode, align_corners=ac).flatten().tolist()
        out['scale'] = F.interpolate(x, scale_factor=1.7, mode='bilinear', recompute_scale_factor=True,
                                     align_corners=False).flatten().tolist()
        """, in);
        for (int[] s : sizes) {
            for (boolean ac : new boolean[] {false, true}) {
                float[] bl = Interpolate.bilinear(x, 3, 13, 17, s[0], s[1], ac);
                float[] bc = Interpolate.bicubic(x, 3, 13, 17, s[0], s[1], ac);
                float[] rbl = TorchvisionOracle.floats(
                        out.get("bilinear " + s[0] + " " + s[1] + " " + (ac ? "True" : "False")));
                float[] rbc = TorchvisionOracle.floats(
                        out.get("bicubic " + s[0] + " " + s[1] + " " + (ac ? "True" : "False")));
                assertArrayEquals(rbl, bl, "bilinear " + s[0] + "x" + s[1] + " ac=" + ac + " (bit-exact)");
                assertArrayEquals(rbc, bc, 1e-5f, "bicubic " + s[0] + "x" + s[1] + " ac=" + ac);
            }
        }
        int oh = Interpolate.scaledSize(13, 1.7);
        int ow = Interpolate.scaledSize(17, 1.7);
        assertArrayEquals(
                TorchvisionOracle.floats(out.get("scale")),
                Interpolate.bilinear(x, 3, 13, 17, oh, ow, false),
                "bilinear with a recomputed scale factor (bit-exact)");
    }
}
