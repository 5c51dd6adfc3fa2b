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
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoiAlignTest {
    static final int N = 2;
    static final int C = 3;
    static final int H = 9;
    static final int W = 11;

    /** RoIs covering: inside, partly outside (beyond -1 and H/W), tiny (forced 1x1), second image, large. */
    static final float[] ROIS = {
        0, 1.5f, 2.25f, 7.5f, 6f,
        1, -3f, -4f, 6f, 5f,
        0, 4f, 4f, 4.2f, 4.1f,
        1, 5f, 3f, 30f, 25f,
        0, 0f, 0f, 21.9f, 17.9f,
        1, 8.3f, 1.1f, 10.9f, 8.7f
    };

    static float[] features(long seed) {
        Random r = new Random(seed);
        float[] f = new float[N * C * H * W];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    // ------------------------------------------------------------ direct loop (reference)

    /** Bilinear value at (y, x) in one channel plane, torchvision's boundary rules, written directly. */
    static double bilinear(float[] f, int base, float y, float x) {
        if (y < -1f || y > H || x < -1f || x > W) {
            return 0;
        }
        float yy = Math.max(y, 0f);
        float xx = Math.max(x, 0f);
        int y0 = (int) Math.floor(yy);
        int x0 = (int) Math.floor(xx);
        int y1 = y0 + 1;
        int x1 = x0 + 1;
        if (y0 >= H - 1) {
            y0 = y1 = H - 1;
            yy = y0;
        }
        if (x0 >= W - 1) {
            x0 = x1 = W - 1;
            xx = x0;
        }
        double ly = yy - y0;
        double lx = xx - x0;
        return (1 - ly) * (1 - lx) * f[base + y0 * W + x0]
                + (1 - ly) * lx * f[base + y0 * W + x1]
                + ly * (1 - lx) * f[base + y1 * W + x0]
                + ly * lx * f[base + y1 * W + x1];
    }

    /** Adjoint of {@link #bilinear}: adds g times the weights into grad. */
    static void bilinearAdjoint(double[] grad, int base, float y, float x, double g) {
        if (y < -1f || y > H || x < -1f || x > W) {
            return;
        }
        float yy = Math.max(y, 0f);
        float xx = Math.max(x, 0f);
        int y0 = (int) Math.floor(yy);
        int x0 = (int) Math.floor(xx);
        int y1 = y0 + 1;
        int x1 = x0 + 1;
        if (y0 >= H - 1) {
            y0 = y1 = H - 1;
            yy = y0;
        }
        if (x0 >= W - 1) {
            x0 = x1 = W - 1;
            xx = x0;
        }
        double ly = yy - y0;
        double lx = xx - x0;
        grad[base + y0 * W + x0] += g * (1 - ly) * (1 - lx);
        grad[base + y0 * W + x1] += g * (1 - ly) * lx;
        grad[base + y1 * W + x0] += g * ly * (1 - lx);
        grad[base + y1 * W + x1] += g * ly * lx;
    }

    /** Direct loop forward (gradOut == null) or adjoint (returns grad of sum(out * gradOut) w.r.t. features). */
    static double[] direct(
            float[] f, float[] rois, int oh, int ow, float scale, int sr, boolean aligned, float[] gradOut) {
        int k = rois.length / 5;
        double[] out = new double[k * C * oh * ow];
        double[] grad = new double[f.length];
        for (int i = 0; i < k; i++) {
            int b = (int) rois[5 * i];
            float off = aligned ? 0.5f : 0f;
            float sx = rois[5 * i + 1] * scale - off;
            float sy = rois[5 * i + 2] * scale - off;
            float rw = rois[5 * i + 3] * scale - off - sx;
            float rh = rois[5 * i + 4] * scale - off - sy;
            if (!aligned) {
                rw = Math.max(rw, 1f);
                rh = Math.max(rh, 1f);
            }
            float bh = rh / oh;
            float bw = rw / ow;
            int gh = sr > 0 ? sr : (int) Math.ceil(rh / oh);
            int gw = sr > 0 ? sr : (int) Math.ceil(rw / ow);
            int count = Math.max(gh * gw, 1);
            for (int ch = 0; ch < C; ch++) {
                int base = (b * C + ch) * H * W;
                for (int ph = 0; ph < oh; ph++) {
                    for (int pw = 0; pw < ow; pw++) {
                        int o = ((i * C + ch) * oh + ph) * ow + pw;
                        for (int iy = 0; iy < gh; iy++) {
                            float y = sy + ph * bh + (iy + .5f) * bh / gh;
                            for (int ix = 0; ix < gw; ix++) {
                                float x = sx + pw * bw + (ix + .5f) * bw / gw;
                                if (gradOut == null) {
                                    out[o] += bilinear(f, base, y, x) / count;
                                } else {
                                    bilinearAdjoint(grad, base, y, x, gradOut[o] / (double) count);
                                }
                            }
                        }
                    }
                }
            }
        }
        return gradOut == null ? out : grad;
    }

    static void assertClose(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    // ------------------------------------------------------------ tests

    @Test
    void javaForwardMatchesDirectLoop() {
        float[] f = features(1);
        for (int sr : new int[] {2, 0, 1, 3}) {
            for (boolean aligned : new boolean[] {false, true}) {
                for (float scale : new float[] {1f, 0.5f}) {
                    float[] out = RoiAlign.forward(f, N, C, H, W, ROIS, ROIS.length / 5, 3, 4, scale, sr, aligned);
                    assertClose(
                            direct(f, ROIS, 3, 4, scale, sr, aligned, null),
                            out,
                            1e-5,
                            "sr=" + sr + " aligned=" + aligned + " scale=" + scale);
                }
            }
        }
    }

    @Test
    void differentiablePathMatchesJavaForwardAndAdjoint() {
        float[] f = features(2);
        int k = ROIS.length / 5;
        int oh = 3;
        int ow = 4;
        Random r = new Random(5);
        float[] gOut = new float[k * C * oh * ow];
        for (int i = 0; i < gOut.length; i++) {
            gOut[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (int sr : new int[] {2, 0}) {
                for (boolean aligned : new boolean[] {false, true}) {
                    NDArray feat = m.create(f, new Shape(N, C, H, W));
                    feat.setRequiresGradient(true);
                    NDArray rois = m.create(ROIS, new Shape(k, 5));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = RoiAlign.apply(feat, rois, oh, ow, 0.5f, sr, aligned);
                        assertEquals(new Shape(k, C, oh, ow), out.getShape());
                        float[] java = RoiAlign.forward(f, N, C, H, W, ROIS, k, oh, ow, 0.5f, sr, aligned);
                        assertArrayEquals(java, out.toFloatArray(), 1e-5f);
                        gc.backward(out.mul(m.create(gOut, out.getShape())).sum());
                    }
                    assertClose(
                            direct(f, ROIS, oh, ow, 0.5f, sr, aligned, gOut),
                            feat.getGradient().toFloatArray(),
                            1e-5,
                            "grad sr=" + sr + " aligned=" + aligned);
                }
            }
        }
    }

    @Test
    void chunkingDoesNotChangeTheResult() {
        // many RoIs with large outputs force several chunks in the differentiable path
        Random r = new Random(8);
        int k = 300;
        float[] rois = new float[5 * k];
        for (int i = 0; i < k; i++) {
            rois[5 * i] = r.nextInt(N);
            rois[5 * i + 1] = r.nextFloat() * 20;
            rois[5 * i + 2] = r.nextFloat() * 16;
            rois[5 * i + 3] = rois[5 * i + 1] + r.nextFloat() * 10;
            rois[5 * i + 4] = rois[5 * i + 2] + r.nextFloat() * 10;
        }
        float[] f = features(3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feat = m.create(f, new Shape(N, C, H, W));
            NDArray out = RoiAlign.differentiable(feat, m.create(rois, new Shape(k, 5)), 28, 28, 0.5f, 2, false);
            float[] java = RoiAlign.forward(f, N, C, H, W, rois, k, 28, 28, 0.5f, 2, false);
            assertArrayEquals(java, out.toFloatArray(), 1e-5f);
            assertEquals(
                    new Shape(0, C, 7, 7),
                    RoiAlign.apply(feat, m.zeros(new Shape(0, 5)), 7, 7, 1f, 2, false)
                            .getShape());
        }
    }

    static float[] toNhwc(float[] nchw, int n, int c, int h, int w) {
        float[] t = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h * w; i++) {
                    t[(b * h * w + i) * c + ch] = nchw[(b * c + ch) * h * w + i];
                }
            }
        }
        return t;
    }

    static float[] toNchw(float[] nhwc, int n, int c, int h, int w) {
        float[] t = new float[nhwc.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h * w; i++) {
                    t[(b * c + ch) * h * w + i] = nhwc[(b * h * w + i) * c + ch];
                }
            }
        }
        return t;
    }

    @Test
    void channelsLastKernelsMatchForwardAndAdjoint() {
        float[] f = features(7);
        int k = ROIS.length / 5;
        Random r = new Random(9);
        for (int sr : new int[] {2, 0}) {
            for (boolean aligned : new boolean[] {false, true}) {
                float[] nchw = RoiAlign.forward(f, N, C, H, W, ROIS, k, 3, 4, 0.5f, sr, aligned);
                // same float operations per element: identical bits
                assertArrayEquals(
                        nchw,
                        RoiAlign.forwardNhwc(toNhwc(f, N, C, H, W), N, H, W, C, ROIS, k, 3, 4, 0.5f, sr, aligned));
                float[] g = new float[k * C * 12];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) r.nextGaussian();
                }
                // gradOut (k, C, bins) -> (k, bins, C)
                float[] gKbc = new float[g.length];
                for (int i = 0; i < k; i++) {
                    for (int ch = 0; ch < C; ch++) {
                        for (int b = 0; b < 12; b++) {
                            gKbc[(i * 12 + b) * C + ch] = g[(i * C + ch) * 12 + b];
                        }
                    }
                }
                float[] grad =
                        toNchw(RoiAlign.backwardNhwc(gKbc, N, H, W, C, ROIS, k, 3, 4, 0.5f, sr, aligned), N, C, H, W);
                assertClose(
                        direct(f, ROIS, 3, 4, 0.5f, sr, aligned, g),
                        grad,
                        1e-5,
                        "backward sr=" + sr + " al=" + aligned);
            }
        }
    }

    @Test
    void matchesTorchvisionForwardAndBackward() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        float[] f = features(4);
        int k = ROIS.length / 5;
        Random r = new Random(6);
        float[] gOut = new float[k * C * 7 * 7];
        for (int i = 0; i < gOut.length; i++) {
            gOut[i] = (float) r.nextGaussian();
        }
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("f", f);
        in.put("r", ROIS);
        in.put("g", gOut);
        in.put("shape", new int[] {N, C, H, W});
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.ops import roi_align
        f = torch.tensor(inp['f']).reshape(inp['shape']).requires_grad_(True)
        r = torch.tensor(inp['r']).reshape(-1, 5)
        out = {}
        for sr in (2, 0):
            for al in (False, True):
                y = roi_align(f, r, (7, 7), 0.25, sr, al)
                g, = torch.autograd.grad((y * torch.tensor(inp['g']).reshape(y.shape)).sum(), f)
                out['%d%s' % (sr, al)] = {'y': y.flatten().tolist(), 'g': g.flatten().tolist()}
        """, in);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int sr : new int[] {2, 0}) {
                for (boolean al : new boolean[] {false, true}) {
                    JsonNode ref = out.get(sr + (al ? "True" : "False"));
                    float[] y = TorchvisionOracle.floats(ref.get("y"));
                    // the plain-Java forward reproduces the CPU kernel bit for bit
                    assertArrayEquals(y, RoiAlign.forward(f, N, C, H, W, ROIS, k, 7, 7, 0.25f, sr, al));
                    NDArray feat = m.create(f, new Shape(N, C, H, W));
                    feat.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray o = RoiAlign.differentiable(feat, m.create(ROIS, new Shape(k, 5)), 7, 7, 0.25f, sr, al);
                        assertArrayEquals(y, o.toFloatArray(), 1e-5f);
                        gc.backward(o.mul(m.create(gOut, o.getShape())).sum());
                    }
                    float[] tvGrad = TorchvisionOracle.floats(ref.get("g"));
                    assertArrayEquals(tvGrad, feat.getGradient().toFloatArray(), 1e-5f);
                    // the channels-last Java kernels reproduce torchvision's forward and backward kernels bit for bit
                    assertArrayEquals(
                            y, RoiAlign.forwardNhwc(toNhwc(f, N, C, H, W), N, H, W, C, ROIS, k, 7, 7, 0.25f, sr, al));
                    float[] gKbc = new float[gOut.length];
                    for (int i = 0; i < k; i++) {
                        for (int ch = 0; ch < C; ch++) {
                            for (int b = 0; b < 49; b++) {
                                gKbc[(i * 49 + b) * C + ch] = gOut[(i * C + ch) * 49 + b];
                            }
                        }
                    }
                    assertArrayEquals(
                            tvGrad,
                            toNchw(RoiAlign.backwardNhwc(gKbc, N, H, W, C, ROIS, k, 7, 7, 0.25f, sr, al), N, C, H, W));
                }
            }
        }
    }
}
