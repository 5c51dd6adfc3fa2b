package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.model.ParityReferences;

/** Parity assertions shared by the RoI-head tests. */
public final class ParityAssert {
    static final double REL_TOL = 1e-4;
    static final double BOX_TOL_PX = 1e-3;

    private ParityAssert() {}

    /** max|diff| <= 1e-4 * max|ref|; prints the measured error; returns it. */
    public static double assertClose(String what, float[] actual, float[] ref) {
        assertEquals(ref.length, actual.length, what + ": element count");
        double d = ParityReferences.maxAbsDiff(actual, ref);
        double s = ParityReferences.maxAbs(ref);
        System.out.printf("parity %-45s max|diff| %.3e  max|ref| %.3e  rel %.3e%n", what, d, s, s == 0 ? d : d / s);
        assertTrue(d <= REL_TOL * s, what + ": max|diff| " + d + " > 1e-4 * " + s);
        return d;
    }

    /**
     * Ordered detections: same count, and position by position the same label and box within 1e-3 px, except that
     * detections whose reference scores are exactly equal may come in any order among themselves.
     *
     * @return the permutation: for each reference position, the matching actual position
     */
    public static int[] assertDetections(
            String what,
            float[] boxes,
            float[] scores,
            int[] labels,
            float[] refBoxes,
            float[] refScores,
            int[] refLabels) {
        return assertDetections(what, boxes, scores, labels, refBoxes, refScores, refLabels, BOX_TOL_PX);
    }

    /** {@link #assertDetections} with a box tolerance in pixels. */
    public static int[] assertDetections(
            String what,
            float[] boxes,
            float[] scores,
            int[] labels,
            float[] refBoxes,
            float[] refScores,
            int[] refLabels,
            double boxTolPx) {
        int n = refScores.length;
        assertEquals(n, scores.length, what + ": detection count");
        int[] perm = new int[n];
        boolean[] used = new boolean[n];
        double maxBox = 0;
        double maxScore = 0;
        for (int i = 0; i < n; i++) {
            // the run of exactly tied reference scores containing i
            int from = i;
            while (from > 0 && refScores[from - 1] == refScores[i]) {
                from--;
            }
            int to = i;
            while (to + 1 < n && refScores[to + 1] == refScores[i]) {
                to++;
            }
            int found = -1;
            for (int j = from; j <= to && found < 0; j++) {
                if (!used[j] && labels[j] == refLabels[i] && boxDiff(boxes, j, refBoxes, i) <= boxTolPx) {
                    found = j;
                }
            }
            if (found < 0) {
                assertEquals(refLabels[i], labels[i], what + ": label of detection " + i);
                assertArrayEquals(
                        slice(refBoxes, i), slice(boxes, i), (float) boxTolPx, what + ": box of detection " + i);
            }
            used[found] = true;
            perm[i] = found;
            maxBox = Math.max(maxBox, boxDiff(boxes, found, refBoxes, i));
            maxScore = Math.max(maxScore, Math.abs(scores[found] - refScores[i]));
        }
        System.out.printf(
                "parity %-45s %d detections, max box diff %.3e px, max score diff %.3e%n", what, n, maxBox, maxScore);
        assertTrue(maxScore <= REL_TOL * ParityReferences.maxAbs(refScores), what + ": score diff " + maxScore);
        return perm;
    }

    /**
     * Keypoints (N x K x 3) and scores (N x K): scores within 1e-4 relative; each location within 1e-2 px unless the
     * arg-max flipped between two heatmap peaks whose values differ by less than the score tolerance (then both
     * locations are equally right within float noise); at most {@code maxFlipFraction} of the keypoints may flip.
     */
    public static void assertKeypoints(
            String what, float[] kp, float[] scores, float[] refKp, float[] refScores, double maxFlipFraction) {
        assertEquals(refKp.length, kp.length, what + ": keypoint count");
        double scoreTol = REL_TOL * ParityReferences.maxAbs(refScores);
        double maxScore = ParityReferences.maxAbsDiff(scores, refScores);
        int flips = 0;
        double maxLoc = 0;
        for (int i = 0; i < refScores.length; i++) {
            double d = Math.max(Math.abs(kp[3 * i] - refKp[3 * i]), Math.abs(kp[3 * i + 1] - refKp[3 * i + 1]));
            if (d > 1e-2) {
                flips++;
            } else {
                maxLoc = Math.max(maxLoc, d);
            }
        }
        System.out.printf(
                "parity %-45s max loc diff %.3e px (%d arg-max flips of %d), max score diff %.3e%n",
                what, maxLoc, flips, refScores.length, maxScore);
        assertTrue(maxScore <= scoreTol, what + ": keypoint score diff " + maxScore + " > " + scoreTol);
        assertTrue(flips <= maxFlipFraction * refScores.length, what + ": " + flips + " keypoints moved");
    }

    static double boxDiff(float[] a, int i, float[] b, int j) {
        double m = 0;
        for (int k = 0; k < 4; k++) {
            m = Math.max(m, Math.abs(a[4 * i + k] - b[4 * j + k]));
        }
        return m;
    }

    static float[] slice(float[] a, int i) {
        return new float[] {a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]};
    }
}
