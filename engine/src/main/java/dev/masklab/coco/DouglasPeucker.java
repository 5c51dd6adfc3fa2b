package dev.masklab.coco;

/**
 * Douglas-Peucker simplification of a closed polygon: removes vertices while every removed vertex stays within
 * {@code tolerance} (Euclidean distance, same unit as the coordinates) of the segment that replaces it.
 *
 * <p>The ring is split at vertex 0 and the vertex farthest from it; each half is simplified recursively (iteratively
 * here, so long contours cannot overflow the stack). At least 3 vertices are kept (a polygon, not a line): when the
 * tolerance would leave 2, the vertex farthest from the segment between them is kept as well. Output vertices are a
 * subsequence of the input, in input order.
 */
public final class DouglasPeucker {
    private DouglasPeucker() {}

    /**
     * @param xy        closed polygon [x0, y0, x1, y1, ...] (the last vertex connects back to the first; not repeated)
     * @param tolerance largest allowed distance of a removed vertex to the simplified outline; 0 removes only
     *                  vertices lying exactly on the segment between their kept neighbours
     * @return the kept vertices (a new array; a copy of {@code xy} when it has 3 vertices or fewer)
     * @throws IllegalArgumentException when the tolerance is negative or NaN
     */
    public static double[] simplifyClosed(double[] xy, double tolerance) {
        int[] kept = keptIndices(xy, tolerance);
        double[] out = new double[2 * kept.length];
        for (int i = 0; i < kept.length; i++) {
            out[2 * i] = xy[2 * kept[i]];
            out[2 * i + 1] = xy[2 * kept[i] + 1];
        }
        return out;
    }

    /** As {@link #simplifyClosed}, the indices (ascending) of the vertices kept. */
    public static int[] keptIndices(double[] xy, double tolerance) {
        if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, not " + tolerance);
        int n = xy.length / 2;
        if (n <= 3) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int far = 0;
        double best = -1;
        for (int i = 1; i < n; i++) {
            double d = Math.hypot(xy[2 * i] - xy[0], xy[2 * i + 1] - xy[1]);
            if (d > best) {
                best = d;
                far = i;
            }
        }
        boolean[] keep = new boolean[n + 1]; // index n stands for vertex 0 closing the ring
        keep[0] = keep[far] = keep[n] = true;
        int[] stack = new int[2 * (n + 1)];
        int sp = 0;
        stack[sp++] = 0;
        stack[sp++] = far;
        stack[sp++] = far;
        stack[sp++] = n;
        while (sp > 0) {
            int b = stack[--sp];
            int a = stack[--sp];
            int idx = -1;
            double dmax = tolerance;
            for (int i = a + 1; i < b; i++) {
                double d = distance(xy, i % n, a % n, b % n);
                if (d > dmax) {
                    dmax = d;
                    idx = i;
                }
            }
            if (idx >= 0) {
                keep[idx] = true;
                stack[sp++] = a;
                stack[sp++] = idx;
                stack[sp++] = idx;
                stack[sp++] = b;
            }
        }
        int kept = 0;
        for (int i = 0; i < n; i++) if (keep[i]) kept++;
        if (kept < 3) { // only 0 and far: keep the vertex farthest from their segment too
            int idx = -1;
            double dmax = -1;
            for (int i = 1; i < n; i++) {
                if (i == far) continue;
                double d = distance(xy, i, 0, far);
                if (d > dmax) {
                    dmax = d;
                    idx = i;
                }
            }
            keep[idx] = true;
            kept++;
        }
        int[] out = new int[kept];
        int k = 0;
        for (int i = 0; i < n; i++) if (keep[i]) out[k++] = i;
        return out;
    }

    /** Distance of vertex p to the segment from vertex a to vertex b. */
    private static double distance(double[] xy, int p, int a, int b) {
        double px = xy[2 * p], py = xy[2 * p + 1];
        double ax = xy[2 * a], ay = xy[2 * a + 1];
        double dx = xy[2 * b] - ax, dy = xy[2 * b + 1] - ay;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        return Math.hypot(px - ax - t * dx, py - ay - t * dy);
    }
}
