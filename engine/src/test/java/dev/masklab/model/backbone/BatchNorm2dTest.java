package dev.masklab.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.masklab.model.io.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training-mode batch norm against direct loops: output, running statistics and gradients. */
class BatchNorm2dTest {
    private static final int N = 2;
    private static final int C = 3;
    private static final int H = 4;
    private static final int W = 5;
    private static final double EPS = 1e-5;

    @Test
    void normalisesWithBatchStatisticsAndUpdatesRunningStatisticsLikePyTorch() {
        Random r = new Random(3);
        double[] x = random(r, N * C * H * W, 2.0, 0.7);
        double[] gamma = random(r, C, 1.0, 0.3);
        double[] beta = random(r, C, 0.0, 0.5);
        double[] rm = random(r, C, 0.1, 0.1);
        double[] rv = random(r, C, 1.0, 0.1);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = state(m, gamma, beta, rm, rv);
            BatchNorm2d bn = new BatchNorm2d(new StateDict(m, w, "test"), "bn", (float) EPS);
            NDArray input = m.create(x, new Shape(N, C, H, W));
            double[] y = bn.forward(input).toType(DataType.FLOAT64, false).toDoubleArray();

            double[][] stats = moments(x);
            for (int c = 0; c < C; c++) {
                double mean = stats[0][c];
                double var = stats[1][c];
                for (int i = 0; i < N; i++) {
                    for (int p = 0; p < H * W; p++) {
                        int k = (i * C + c) * H * W + p;
                        double expected = (x[k] - mean) / Math.sqrt(var + EPS) * gamma[c] + beta[c];
                        assertEquals(expected, y[k], 1e-9, "output " + k);
                    }
                }
                int count = N * H * W;
                // DJL hands torch its momentum as 1 - 0.9f in float: 0.100000024, hence 1e-7 rather than 1e-12
                assertEquals(
                        0.9 * rm[c] + 0.1 * mean, w.get("bn.running_mean").toDoubleArray()[c], 1e-7, "running mean");
                assertEquals(
                        0.9 * rv[c] + 0.1 * var * count / (count - 1),
                        w.get("bn.running_var").toDoubleArray()[c],
                        1e-7,
                        "running variance (unbiased)");
            }
        }
    }

    @Test
    void cumulativeMomentumGivesThePlainAverageOfTheBatchesStatistics() {
        Random r = new Random(9);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = state(m, ones(C), new double[C], random(r, C, 5.0, 1.0), random(r, C, 9.0, 1.0));
            BatchNorm2d bn = new BatchNorm2d(new StateDict(m, w, "test"), "bn", (float) EPS);
            int batches = 4;
            double[] meanSum = new double[C];
            double[] varSum = new double[C];
            try {
                for (int k = 0; k < batches; k++) {
                    double[] x = random(r, N * C * H * W, k - 1.5, 0.5 + k); // batches with different statistics
                    double[][] stats = moments(x);
                    for (int c = 0; c < C; c++) {
                        meanSum[c] += stats[0][c];
                        varSum[c] += stats[1][c] * (N * H * W) / (N * H * W - 1.0);
                    }
                    BatchNorm2d.momentumOverride(1f / (k + 1));
                    bn.forward(m.create(x, new Shape(N, C, H, W)));
                }
            } finally {
                BatchNorm2d.momentumOverride(null);
            }
            for (int c = 0; c < C; c++) {
                // the earlier running statistics (5, 9) are gone: the first batch had weight 1
                assertEquals(meanSum[c] / batches, w.get("bn.running_mean").toDoubleArray()[c], 1e-6, "mean " + c);
                assertEquals(varSum[c] / batches, w.get("bn.running_var").toDoubleArray()[c], 1e-5, "variance " + c);
            }
            // back to momentum 0.1 afterwards
            double before = w.get("bn.running_mean").toDoubleArray()[0];
            double[] x = random(r, N * C * H * W, 0, 1);
            bn.forward(m.create(x, new Shape(N, C, H, W)));
            assertEquals(
                    0.9 * before + 0.1 * moments(x)[0][0],
                    w.get("bn.running_mean").toDoubleArray()[0],
                    1e-6);
        }
    }

    @Test
    void gradientsWithRespectToInputWeightAndBiasMatchFiniteDifferences() {
        Random r = new Random(5);
        double[] x = random(r, N * C * H * W, 1.0, 1.0);
        double[] gamma = random(r, C, 1.0, 0.3);
        double[] beta = random(r, C, 0.0, 0.5);
        double[] g = random(r, N * C * H * W, 0.0, 1.0); // loss = sum(g * y)
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = state(m, gamma, beta, new double[C], ones(C));
            NDArray input = m.create(x, new Shape(N, C, H, W));
            input.setRequiresGradient(true);
            w.get("bn.weight").setRequiresGradient(true);
            w.get("bn.bias").setRequiresGradient(true);
            BatchNorm2d bn = new BatchNorm2d(new StateDict(m, w, "test"), "bn", (float) EPS);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = bn.forward(input)
                        .mul(m.create(g, new Shape(N, C, H, W)))
                        .sum();
                gc.backward(loss);
            }
            double[] dx = input.getGradient().toDoubleArray();
            double[] dGamma = w.get("bn.weight").getGradient().toDoubleArray();
            double[] dBeta = w.get("bn.bias").getGradient().toDoubleArray();
            double h = 1e-6;
            for (int k = 0; k < x.length; k += 7) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[k] += h;
                minus[k] -= h;
                double numeric = (loss(plus, gamma, beta, g) - loss(minus, gamma, beta, g)) / (2 * h);
                assertEquals(numeric, dx[k], 1e-6 * Math.max(1, Math.abs(numeric)), "d loss / d x[" + k + "]");
            }
            for (int c = 0; c < C; c++) {
                double[] gp = gamma.clone();
                double[] gm = gamma.clone();
                gp[c] += h;
                gm[c] -= h;
                assertEquals(
                        (loss(x, gp, beta, g) - loss(x, gm, beta, g)) / (2 * h), dGamma[c], 1e-6, "d loss / d weight");
                double[] bp = beta.clone();
                double[] bm = beta.clone();
                bp[c] += h;
                bm[c] -= h;
                assertEquals(
                        (loss(x, gamma, bp, g) - loss(x, gamma, bm, g)) / (2 * h), dBeta[c], 1e-6, "d loss / d bias");
            }
        }
    }

    /** sum(g * batchnorm(x)) computed directly. */
    private static double loss(double[] x, double[] gamma, double[] beta, double[] g) {
        double[][] stats = moments(x);
        double s = 0;
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                for (int p = 0; p < H * W; p++) {
                    int k = (i * C + c) * H * W + p;
                    s += g[k] * ((x[k] - stats[0][c]) / Math.sqrt(stats[1][c] + EPS) * gamma[c] + beta[c]);
                }
            }
        }
        return s;
    }

    /** Per-channel mean and biased variance over batch and space. */
    private static double[][] moments(double[] x) {
        double[][] out = new double[2][C];
        int count = N * H * W;
        for (int c = 0; c < C; c++) {
            double s = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < H * W; p++) {
                    s += x[(i * C + c) * H * W + p];
                }
            }
            double mean = s / count;
            double s2 = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < H * W; p++) {
                    double d = x[(i * C + c) * H * W + p] - mean;
                    s2 += d * d;
                }
            }
            out[0][c] = mean;
            out[1][c] = s2 / count;
        }
        return out;
    }

    private static Map<String, NDArray> state(NDManager m, double[] gamma, double[] beta, double[] rm, double[] rv) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("bn.weight", m.create(gamma));
        w.put("bn.bias", m.create(beta));
        w.put("bn.running_mean", m.create(rm));
        w.put("bn.running_var", m.create(rv));
        return w;
    }

    private static double[] random(Random r, int n, double mean, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + std * r.nextGaussian();
        }
        return v;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }
}
