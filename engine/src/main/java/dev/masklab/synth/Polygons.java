package dev.masklab.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Polygon construction and clipping for the synthetic generator. Polygons are flat {@code x0,y0,x1,y1,...} arrays in
 * pixel coordinates, the layout of COCO's polygon segmentation. Written here because it is a few lines of geometry
 * (regular polygons, stars, capsules, Sutherland-Hodgman clipping against the image rectangle).
 */
final class Polygons {
    private Polygons() {}

    /** Regular n-gon (or ellipse approximation) centred at (cx, cy), radii rx/ry, rotated by {@code angle}. */
    static double[] regular(double cx, double cy, double rx, double ry, int n, double angle) {
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double x = rx * StrictMath.cos(a), y = ry * StrictMath.sin(a);
            xy[2 * i] = cx + x * StrictMath.cos(angle) - y * StrictMath.sin(angle);
            xy[2 * i + 1] = cy + x * StrictMath.sin(angle) + y * StrictMath.cos(angle);
        }
        return xy;
    }

    /** Star with {@code points} tips, outer radius r and inner radius r*innerRatio. */
    static double[] star(double cx, double cy, double r, double innerRatio, int points, double angle) {
        int n = 2 * points;
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double a = angle + Math.PI * i / points;
            double rr = (i % 2 == 0) ? r : r * innerRatio;
            xy[2 * i] = cx + rr * StrictMath.cos(a);
            xy[2 * i + 1] = cy + rr * StrictMath.sin(a);
        }
        return xy;
    }

    /** Stadium ("capsule") around the segment (x0,y0)-(x1,y1) with half-width r: both end points lie inside. */
    static double[] capsule(double x0, double y0, double x1, double y1, double r, int capVertices) {
        double dx = x1 - x0, dy = y1 - y0, len = StrictMath.hypot(dx, dy);
        double base = len < 1e-9 ? 0 : StrictMath.atan2(dy, dx);
        double[] xy = new double[4 * (capVertices + 1)];
        int k = 0;
        // cap around (x1,y1) from base-90deg to base+90deg, then cap around (x0,y0) from base+90deg to base+270deg
        for (int i = 0; i <= capVertices; i++) {
            double a = base - Math.PI / 2 + Math.PI * i / capVertices;
            xy[k++] = x1 + r * StrictMath.cos(a);
            xy[k++] = y1 + r * StrictMath.sin(a);
        }
        for (int i = 0; i <= capVertices; i++) {
            double a = base + Math.PI / 2 + Math.PI * i / capVertices;
            xy[k++] = x0 + r * StrictMath.cos(a);
            xy[k++] = y0 + r * StrictMath.sin(a);
        }
        return xy;
    }

    /** Rounds every coordinate to 2 decimals (what is written to JSON is then exactly what is drawn). */
    static double[] round2(double[] xy) {
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i++) out[i] = Math.round(xy[i] * 100.0) / 100.0;
        return out;
    }

    /** Absolute shoelace area. */
    static double area(double[] xy) {
        int n = xy.length / 2;
        double s = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            s += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }
        return Math.abs(s) / 2;
    }

    /**
     * Clips a polygon to the rectangle [0,w]x[0,h] (Sutherland-Hodgman; exact for any simple polygon against a convex
     * window, concave parts may leave zero-width bridges along the border, which enclose no area). Returns null when
     * less than a triangle of positive area remains.
     */
    static double[] clip(double[] xy, double w, double h) {
        boolean inside = true;
        for (int i = 0; i < xy.length; i += 2) {
            if (xy[i] < 0 || xy[i] > w || xy[i + 1] < 0 || xy[i + 1] > h) {
                inside = false;
                break;
            }
        }
        if (inside) return xy;
        double[] p = xy;
        p = clipEdge(p, 0, 0, false);
        p = clipEdge(p, 0, w, true);
        p = clipEdge(p, 1, 0, false);
        p = clipEdge(p, 1, h, true);
        p = dropDuplicates(p);
        if (p.length < 6 || area(p) < 0.5) return null;
        return p;
    }

    /** Keeps the half plane coord[axis] >= bound (upper=false) or <= bound (upper=true). */
    private static double[] clipEdge(double[] p, int axis, double bound, boolean upper) {
        int n = p.length / 2;
        if (n == 0) return p;
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] cur = {p[2 * i], p[2 * i + 1]};
            int j = (i + n - 1) % n;
            double[] prev = {p[2 * j], p[2 * j + 1]};
            boolean curIn = upper ? cur[axis] <= bound : cur[axis] >= bound;
            boolean prevIn = upper ? prev[axis] <= bound : prev[axis] >= bound;
            if (curIn) {
                if (!prevIn) out.add(intersect(prev, cur, axis, bound));
                out.add(cur);
            } else if (prevIn) {
                out.add(intersect(prev, cur, axis, bound));
            }
        }
        double[] r = new double[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            r[2 * i] = out.get(i)[0];
            r[2 * i + 1] = out.get(i)[1];
        }
        return r;
    }

    private static double[] intersect(double[] a, double[] b, int axis, double bound) {
        double t = (bound - a[axis]) / (b[axis] - a[axis]);
        double[] r = {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])};
        r[axis] = bound;
        return r;
    }

    private static double[] dropDuplicates(double[] p) {
        int n = p.length / 2;
        double[] r = new double[p.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double x = p[2 * i], y = p[2 * i + 1];
            if (k >= 2 && Math.abs(r[k - 2] - x) < 1e-9 && Math.abs(r[k - 1] - y) < 1e-9) continue;
            r[k++] = x;
            r[k++] = y;
        }
        if (k >= 4 && Math.abs(r[0] - r[k - 2]) < 1e-9 && Math.abs(r[1] - r[k - 1]) < 1e-9) k -= 2;
        return java.util.Arrays.copyOf(r, k);
    }

    /** Applies x' = a*x + b*y + tx, y' = c*x + d*y + ty to every vertex. */
    static double[] affine(double[] xy, double a, double b, double c, double d, double tx, double ty) {
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = a * xy[i] + b * xy[i + 1] + tx;
            out[i + 1] = c * xy[i] + d * xy[i + 1] + ty;
        }
        return out;
    }
}
