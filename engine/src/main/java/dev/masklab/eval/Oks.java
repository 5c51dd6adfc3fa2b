package dev.masklab.eval;

/**
 * Object keypoint similarity, pycocotools' {@code computeOks}: for a ground truth with labelled keypoints (v > 0) the
 * mean over those keypoints of exp(-d^2 / (2 * area * (2 sigma)^2)); for one without, the same over all keypoints with
 * d the distance to the ground truth's box grown by its size on every side.
 */
public final class Oks {
    private Oks() {}

    /**
     * @param dt     detections' keypoints, each {x1, y1, v1, ...} with 3 * sigmas.length values
     * @param gt     ground truths' keypoints, same layout
     * @param gtBox  ground truths' boxes (x, y, w, h)
     * @param gtArea ground truths' areas
     * @param sigmas per-keypoint sigmas
     * @return [dt][gt] similarities; an empty matrix (no rows) when either side is empty, as pycocotools
     */
    public static double[][] compute(double[][] dt, double[][] gt, double[][] gtBox, double[] gtArea, double[] sigmas) {
        int k = sigmas.length;
        if (dt.length == 0 || gt.length == 0) return new double[dt.length][gt.length];
        double[] vars = new double[k];
        for (int i = 0; i < k; i++) vars[i] = (sigmas[i] * 2) * (sigmas[i] * 2);
        double[][] out = new double[dt.length][gt.length];
        double[] e = new double[k];
        double eps = Math.ulp(1.0); // np.spacing(1)
        for (int j = 0; j < gt.length; j++) {
            double[] g = gt[j];
            checkLength(g, k, "ground truth");
            int k1 = 0;
            for (int i = 0; i < k; i++) if (g[3 * i + 2] > 0) k1++;
            double[] bb = gtBox[j];
            double x0 = bb[0] - bb[2];
            double x1 = bb[0] + bb[2] * 2;
            double y0 = bb[1] - bb[3];
            double y1 = bb[1] + bb[3] * 2;
            double area = gtArea[j] + eps;
            for (int d = 0; d < dt.length; d++) {
                double[] p = dt[d];
                checkLength(p, k, "detection");
                int n = 0;
                for (int i = 0; i < k; i++) {
                    double xd = p[3 * i];
                    double yd = p[3 * i + 1];
                    double dx;
                    double dy;
                    if (k1 > 0) {
                        if (!(g[3 * i + 2] > 0)) continue;
                        dx = xd - g[3 * i];
                        dy = yd - g[3 * i + 1];
                    } else {
                        dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
                        dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
                    }
                    e[n++] = Math.exp(-((dx * dx + dy * dy) / vars[i] / area / 2));
                }
                out[d][j] = pairwiseSum(e, n) / n;
            }
        }
        return out;
    }

    private static void checkLength(double[] kp, int k, String what) {
        if (kp.length != 3 * k) {
            throw new IllegalArgumentException(
                    "a " + what + " has " + kp.length / 3 + " keypoints where " + k + " were expected");
        }
    }

    /** numpy's summation order for float64 arrays (8 partial sums from 8 values on), so sums agree bit for bit. */
    static double pairwiseSum(double[] a, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n > 128) {
            int half = n / 2;
            half -= half % 8;
            double[] rest = new double[n - half];
            System.arraycopy(a, half, rest, 0, n - half);
            return pairwiseSum(a, half) + pairwiseSum(rest, n - half);
        }
        double[] r = new double[8];
        System.arraycopy(a, 0, r, 0, 8);
        int i;
        for (i = 8; i < n - (n % 8); i += 8) {
            for (int j = 0; j < 8; j++) r[j] += a[i + j];
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i];
        return res;
    }
}
