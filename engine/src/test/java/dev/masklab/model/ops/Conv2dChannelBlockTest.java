package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvTranspose2d#conv2d}, the stride-1 convolution with channels padded to the oneDNN block, against a direct
 * loop in double precision: outputs and the gradients for input, weight and bias, for channel counts that are not
 * multiples of 16 (where libtorch 2.5.1's own convolution goes wrong on some CPUs) and for ones that are.
 */
class Conv2dChannelBlockTest {
    @Test
    void paddedChannelsGiveExactValuesAndGradients() {
        int[][] configs = {{3, 1, 17, 17}, {2, 1, 512, 17}, {4, 2, 24, 8}, {3, 0, 3, 4}, {3, 1, 32, 16}, {1, 0, 17, 5}};
        Random r = new Random(7);
        int n = 2;
        int h = 7;
        int w = 6;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] c : configs) {
                int k = c[0];
                int p = c[1];
                int cin = c[2];
                int cout = c[3];
                String what = "k" + k + " p" + p + " cin" + cin + " cout" + cout;
                float[] x = ConvTranspose2dTest.random(r, n * cin * h * w);
                float[] wt = ConvTranspose2dTest.random(r, cout * cin * k * k);
                float[] b = ConvTranspose2dTest.random(r, cout);
                int oh = h + 2 * p - k + 1;
                int ow = w + 2 * p - k + 1;
                float[] g = ConvTranspose2dTest.random(r, n * cout * oh * ow);
                double[] out = new double[g.length];
                double[] dx = new double[x.length];
                double[] dw = new double[wt.length];
                double[] db = new double[cout];
                for (int i = 0; i < n; i++) {
                    for (int co = 0; co < cout; co++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                int o = ((i * cout + co) * oh + oy) * ow + ox;
                                out[o] = b[co];
                                db[co] += g[o];
                                for (int ci = 0; ci < cin; ci++) {
                                    for (int a = 0; a < k; a++) {
                                        for (int e = 0; e < k; e++) {
                                            int iy = oy - p + a;
                                            int ix = ox - p + e;
                                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                                continue;
                                            }
                                            int xi = ((i * cin + ci) * h + iy) * w + ix;
                                            int wi = ((co * cin + ci) * k + a) * k + e;
                                            out[o] += (double) x[xi] * wt[wi];
                                            dx[xi] += (double) g[o] * wt[wi];
                                            dw[wi] += (double) g[o] * x[xi];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                NDArray xa = m.create(x, new Shape(n, cin, h, w));
                NDArray wa = m.create(wt, new Shape(cout, cin, k, k));
                NDArray ba = m.create(b);
                xa.setRequiresGradient(true);
                wa.setRequiresGradient(true);
                ba.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray o = ConvTranspose2d.conv2d(xa, wa, ba, p, p);
                    assertEquals(new Shape(n, cout, oh, ow), o.getShape(), what);
                    ConvTranspose2dTest.assertClose(out, o.toFloatArray(), what + " out");
                    gc.backward(o.mul(m.create(g, o.getShape())).sum());
                }
                ConvTranspose2dTest.assertClose(dx, xa.getGradient().toFloatArray(), what + " dx");
                ConvTranspose2dTest.assertClose(dw, wa.getGradient().toFloatArray(), what + " dw");
                ConvTranspose2dTest.assertClose(db, ba.getGradient().toFloatArray(), what + " db");
            }
        }
    }
}
