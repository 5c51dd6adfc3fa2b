package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Geometry of annotation shapes used by the edits: extents, the box stored as a polygon, scaling polygons and masks to
 * a box, nearest edges, and whether a brush stroke touches a mask. Coordinates are image pixels, pixel (x, y) covering
 * [x, x+1] x [y, y+1]; boxes are (x, y, w, h); masks are ROW-major byte arrays of 0 / 1.
 */
public final class ShapeGeometry {
    private ShapeGeometry() {}

    /** Extent (x, y, w, h) of the polygons' vertices: COCO's bbox of a polygon annotation. */
    public static double[] extent(List<double[]> polygons) {
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] p : polygons) {
            for (int i = 0; i + 1 < p.length; i += 2) {
                x0 = Math.min(x0, p[i]);
                x1 = Math.max(x1, p[i]);
                y0 = Math.min(y0, p[i + 1]);
                y1 = Math.max(y1, p[i + 1]);
            }
        }
        return new double[] {x0, y0, x1 - x0, y1 - y0};
    }

    /**
     * True when the annotation's segmentation is one polygon of 4 vertices forming an axis-aligned rectangle of
     * positive size (a box drawn as a polygon): its corners then move as a box's do.
     */
    public static boolean isBoxPolygon(CocoAnnotation a) {
        if (!(a.segmentation() instanceof Segmentation.Polygons p) || p.size() != 1) return false;
        double[] q = p.polygonsView().getFirst();
        if (q.length != 8) return false;
        for (int i = 0; i < 4; i++) {
            int j = (i + 1) % 4;
            boolean horizontal = q[2 * i + 1] == q[2 * j + 1] && q[2 * i] != q[2 * j];
            boolean vertical = q[2 * i] == q[2 * j] && q[2 * i + 1] != q[2 * j + 1];
            // sides alternate: horizontal, vertical, horizontal, vertical (starting with either)
            boolean wantHorizontal = (i % 2 == 0) == (q[1] == q[3]);
            if (!(wantHorizontal ? horizontal : vertical)) return false;
        }
        return true;
    }

    /** Maps x, y pairs from box {@code from} onto box {@code to} (a zero-size side maps to the middle of it). */
    static double[] scale(double[] xy, double[] from, double[] to) {
        double[] out = new double[xy.length];
        for (int i = 0; i + 1 < xy.length; i += 2) {
            out[i] = map(xy[i], from[0], from[2], to[0], to[2]);
            out[i + 1] = map(xy[i + 1], from[1], from[3], to[1], to[3]);
        }
        return out;
    }

    static double map(double v, double from0, double fromSize, double to0, double toSize) {
        // as a fraction first, so that the extent's ends map exactly onto the box's (t = 0 and t = 1)
        return fromSize == 0 ? to0 + toSize / 2 : to0 + (v - from0) / fromSize * toSize;
    }

    /** {@link #scale} for each polygon. */
    static List<double[]> scale(List<double[]> polygons, double[] from, double[] to) {
        List<double[]> out = new ArrayList<>(polygons.size());
        for (double[] p : polygons) out.add(scale(p, from, to));
        return out;
    }

    /**
     * The mask's pixels in the whole-pixel box {@code from} resampled (nearest neighbour) into the whole-pixel box
     * {@code to}: target pixel (x, y) takes source pixel (fx + floor((x - tx + 0.5) fw / tw), fy + floor((y - ty +
     * 0.5) fh / th)). Pixels outside {@code to} are 0. Boxes are integers (x, y, w, h) with w, h &gt;= 1 and lie in
     * the mask.
     */
    static Rle resampleNearest(Rle mask, int[] from, int[] to) {
        int h = mask.h(), w = mask.w();
        byte[] src = mask.decode();
        byte[] dst = new byte[h * w];
        for (int y = to[1]; y < to[1] + to[3]; y++) {
            int sy = from[1] + (int) Math.floor((y - to[1] + 0.5) * from[3] / to[3]);
            for (int x = to[0]; x < to[0] + to[2]; x++) {
                int sx = from[0] + (int) Math.floor((x - to[0] + 0.5) * from[2] / to[2]);
                dst[y * w + x] = src[sy * w + sx];
            }
        }
        return Rle.encode(dst, h, w);
    }

    /** True when a pixel of {@code stroke} is set in {@code mask} or next to one (8-neighbourhood). */
    static boolean touches(byte[] mask, byte[] stroke, int w, int h) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (stroke[y * w + x] == 0) continue;
                for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
                    for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
                        if (mask[yy * w + xx] != 0) return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Index of the edge of the closed polygon nearest to (x, y) (edge i runs from vertex i to vertex i + 1, the last
     * one back to vertex 0), for inserting a vertex where the user clicks.
     */
    public static int nearestEdge(double[] xy, double x, double y) {
        int n = xy.length / 2, best = -1;
        double bestD = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            double[] p = project(xy, i, x, y);
            double d = Math.hypot(p[0] - x, p[1] - y);
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    /** The point of edge {@code i} of the closed polygon nearest to (x, y). */
    public static double[] project(double[] xy, int i, double x, double y) {
        int n = xy.length / 2, j = (i + 1) % n;
        double ax = xy[2 * i], ay = xy[2 * i + 1], dx = xy[2 * j] - ax, dy = xy[2 * j + 1] - ay;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
        return new double[] {ax + t * dx, ay + t * dy};
    }
}
