package dev.masklab.model.ops;

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
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvTranspose2dTest {
    static final int N = 2;
    static final int CIN = 3;
    static final int COUT = 4;
    static final int H = 5;
    static final int W = 6;

    static float[] random(Random r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static int outSize(int in, int k, int s, int p) {
        return (in - 1) * s - 2 * p + k;
    }

    /** Direct scatter loop: returns {out, dx, dw, db} (gradients of sum(out * g)). */
    static double[][] direct(float[] x, float[] wt, float[] b, int k, int s, int p, float[] g) {
        int oh = outSize(H, k, s, p);
        int ow = outSize(W, k, s, p);
        double[] out = new double[N * COUT * oh * ow];
        double[] dx = new double[x.length];
        double[] dw = new double[wt.length];
        double[] db = new double[COUT];
        for (int n = 0; n < N; n++) {
            for (int co = 0; co < COUT; co++) {
                for (int i = 0; i < oh * ow; i++) {
                    int o = (n * COUT + co) * oh * ow + i;
                    out[o] = b[co];
                    if (g != null) {
                        db[co] += g[o];
                    }
                }
                for (int ci = 0; ci < CIN; ci++) {
                    for (int i = 0; i < H; i++) {
                        for (int j = 0; j < W; j++) {
                            float xv = x[((n * CIN + ci) * H + i) * W + j];
                            for (int a = 0; a < k; a++) {
                                int oy = i * s - p + a;
                                if (oy < 0 || oy >= oh) {
                                    continue;
                                }
                                for (int c = 0; c < k; c++) {
                                    int ox = j * s - p + c;
                                    if (ox < 0 || ox >= ow) {
                                        continue;
                                    }
                                    int wi = ((ci * COUT + co) * k + a) * k + c;
                                    int o = ((n * COUT + co) * oh + oy) * ow + ox;
                                    out[o] += (double) xv * wt[wi];
                                    if (g != null) {
                                        dx[((n * CIN + ci) * H + i) * W + j] += (double) g[o] * wt[wi];
                                        dw[wi] += (double) g[o] * xv;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {out, dx, dw, db};
    }

    static void assertClose(double[] e, float[] a, String what) {
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-4 * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }

    @Test
    void forwardAndGradientsMatchDirectLoop() {
        int[][] configs = {
            {2, 2, 0}, {4, 2, 1}, {3, 1, 0}, {3, 2, 1}, {2, 3, 0}, {3, 1, 3}, {1, 1, 0}, {4, 2, 0}, {6, 3, 0},
            {5, 2, 2}, {4, 2, 2}, {3, 3, 0}
        };
        Random r = new Random(1);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] cfg : configs) {
                int k = cfg[0];
                int s = cfg[1];
                int p = cfg[2];
                String what = "k" + k + " s" + s + " p" + p;
                float[] x = random(r, N * CIN * H * W);
                float[] wt = random(r, CIN * COUT * k * k);
                float[] b = random(r, COUT);
                int oh = outSize(H, k, s, p);
                int ow = outSize(W, k, s, p);
                float[] g = random(r, N * COUT * oh * ow);
                double[][] ref = direct(x, wt, b, k, s, p, g);
                NDArray xa = m.create(x, new Shape(N, CIN, H, W));
                NDArray wa = m.create(wt, new Shape(CIN, COUT, k, k));
                NDArray ba = m.create(b);
                xa.setRequiresGradient(true);
                wa.setRequiresGradient(true);
                ba.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = ConvTranspose2d.apply(xa, wa, ba, s, p);
                    assertEquals(new Shape(N, COUT, oh, ow), out.getShape(), what);
                    assertClose(ref[0], out.toFloatArray(), what + " out");
                    gc.backward(out.mul(m.create(g, out.getShape())).sum());
                }
                assertClose(ref[1], xa.getGradient().toFloatArray(), what + " dx");
                assertClose(ref[2], wa.getGradient().toFloatArray(), what + " dw");
                assertClose(ref[3], ba.getGradient().toFloatArray(), what + " db");
                NDArray noBias = ConvTranspose2d.apply(xa, wa, null, s, p);
                double[][] ref0 = direct(x, wt, new float[COUT], k, s, p, null);
                assertClose(ref0[0], noBias.toFloatArray(), what + " no bias");
            }
        }
    }

    @Test
    void polyphaseFormIsUsedWhereItApplies() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, N * CIN * H * W), new Shape(N, CIN, H, W));
            for (int[] cfg : new int[][] {{4, 2, 1}, {4, 2, 0}, {6, 3, 0}, {3, 3, 0}, {4, 2, 2}}) {
                int k = cfg[0];
                int s = cfg[1];
                int p = cfg[2];
                float[] wt = random(r, CIN * COUT * k * k);
                NDArray poly = ConvTranspose2d.polyphase(
                        x, m.create(wt, new Shape(CIN, COUT, k, k)), s, p, outSize(H, k, s, p), outSize(W, k, s, p));
                assertEquals(true, poly != null, "polyphase k" + k + " s" + s + " p" + p);
                assertClose(
                        direct(x.toFloatArray(), wt, new float[COUT], k, s, p, null)[0],
                        poly.toFloatArray(),
                        "polyphase k" + k + " s" + s + " p" + p);
            }
        }
    }

    @Test
    void matchesTorch() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        Random r = new Random(2);
        float[] x = random(r, N * CIN * H * W);
        float[] w2 = random(r, CIN * COUT * 4);
        float[] w4 = random(r, CIN * COUT * 16);
        float[] b = random(r, COUT);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("x", x);
        in.put("w2", w2);
        in.put("w4", w4);
        in.put("b", b);
        in.put("shape", new int[] {N, CIN, H, W});
        JsonNode out = TorchvisionOracle.run("""
        import torch.nn.functional as F
        x = torch.tensor(inp['x']).reshape(inp['shape'])
        b = torch.tensor(inp['b'])
        ci, co = inp['shape'][1], len(inp['b'])
        w2 = torch.tensor(inp['w2']).reshape(ci, co, 2, 2)
        w4 = torch.tensor(inp['w4']).reshape(ci, co, 4, 4)
        out = {'a': F.conv_transpose2d(x, w2, b, stride=2, padding=0).flatten().tolist(),
               'b': F.conv_transpose2d(x, w4, b, stride=2, padding=1).flatten().tolist()}
        """, in);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x, new Shape(N, CIN, H, W));
            float[] a = ConvTranspose2d.apply(xa, m.create(w2, new Shape(CIN, COUT, 2, 2)), m.create(b), 2, 0)
                    .toFloatArray();
            float[] c = ConvTranspose2d.apply(xa, m.create(w4, new Shape(CIN, COUT, 4, 4)), m.create(b), 2, 1)
                    .toFloatArray();
            float[] ra = TorchvisionOracle.floats(out.get("a"));
            float[] rb = TorchvisionOracle.floats(out.get("b"));
            for (int i = 0; i < ra.length; i++) {
                assertEquals(ra[i], a[i], 1e-5f * Math.max(1, Math.abs(ra[i])), "k2s2 " + i);
            }
            for (int i = 0; i < rb.length; i++) {
                assertEquals(rb[i], c[i], 1e-5f * Math.max(1, Math.abs(rb[i])), "k4s2p1 " + i);
            }
        }
    }
}
