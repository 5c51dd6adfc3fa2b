package dev.masklab.eval;

import java.util.Arrays;

/**
 * Highest-score-first stable ordering, as pycocotools' {@code np.argsort(-scores, kind='mergesort')}: equal scores keep
 * their input order, NaN scores go last. (Java's object sort is a stable TimSort; primitive sorts are not stable.)
 */
final class ScoreOrder {
    private ScoreOrder() {}

    static int[] descending(double[] scores) {
        int n = scores.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> compareDescending(scores[a], scores[b]));
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = idx[i];
        return o;
    }

    /** Order of -a vs -b ascending, with -0.0 == 0.0 and NaN after every number (numpy's order). */
    static int compareDescending(double a, double b) {
        boolean na = Double.isNaN(a);
        boolean nb = Double.isNaN(b);
        if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
        return a > b ? -1 : (a < b ? 1 : 0);
    }
}
