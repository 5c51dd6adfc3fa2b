package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** OKS on hand-made keypoints, expected values from the formula exp(-d^2 / (2 area (2 sigma)^2)). */
class OksTest {
    private static final double[] S = EvalParams.COCO_KEYPOINT_SIGMAS;

    @Test
    void meanOverVisibleKeypoints() {
        double[] gt = new double[51];
        double[] dt = new double[51];
        gt[0] = 10;
        gt[1] = 20;
        gt[2] = 2; // nose, visible
        gt[15] = 30;
        gt[16] = 40;
        gt[17] = 1; // keypoint 5 (left shoulder), labelled
        gt[18] = 99;
        gt[19] = 99;
        gt[20] = 0; // keypoint 6 not labelled: not counted
        dt[0] = 11;
        dt[1] = 20; // 1 px off
        dt[15] = 30;
        dt[16] = 40; // exact
        dt[18] = 0;
        dt[19] = 0; // far, but not labelled in the gt
        double area = 100;
        double e0 = 1.0 / ((2 * S[0]) * (2 * S[0])) / area / 2;
        double expected = (Math.exp(-e0) + 1) / 2;
        double[][] o = Oks.compute(
                new double[][] {dt}, new double[][] {gt}, new double[][] {{0, 0, 10, 10}}, new double[] {area}, S);
        assertEquals(expected, o[0][0], 1e-15);
    }

    @Test
    void withoutLabelledKeypointsDistanceIsToTheGrownBox() {
        double[] gt = new double[51]; // all v = 0; box (10, 10, 5, 5) grows to [5, 20] x [5, 20]
        double[] inside = new double[51];
        double[] right = new double[51];
        for (int i = 0; i < 17; i++) {
            inside[3 * i] = 6 + i * 0.5;
            inside[3 * i + 1] = 19;
            right[3 * i] = 23; // 3 px right of x1 = 20
            right[3 * i + 1] = 10;
        }
        double area = 25;
        double sum = 0;
        for (int i = 0; i < 17; i++) sum += Math.exp(-(9.0 / ((2 * S[i]) * (2 * S[i])) / area / 2));
        double[][] o = Oks.compute(
                new double[][] {inside, right},
                new double[][] {gt},
                new double[][] {{10, 10, 5, 5}},
                new double[] {area},
                S);
        assertEquals(1.0, o[0][0], 1e-15);
        assertEquals(sum / 17, o[1][0], 1e-15);
    }

    @Test
    void pairwiseSumMatchesNumpyOrder() {
        double[] a = new double[17];
        for (int i = 0; i < 17; i++) a[i] = 1.0 / (i + 3);
        double[] r = new double[8];
        System.arraycopy(a, 0, r, 0, 8);
        for (int j = 0; j < 8; j++) r[j] += a[8 + j];
        double expected = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])) + a[16];
        assertEquals(expected, Oks.pairwiseSum(a, 17), 0);
    }
}
