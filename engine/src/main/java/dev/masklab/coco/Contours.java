package dev.masklab.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * Mask to polygons by contour tracing: one polygon per 4-connected region, its outer boundary along the pixel edges.
 *
 * <p>Pixel (x, y) is the square [x, x+1] x [y, y+1] and polygon vertices are pixel corners; pycocotools' rasteriser
 * ({@link Rle#fromPolygons}) turns such a polygon back into exactly the region (checked in ContoursTest; shifting the
 * corners by up to half a pixel gives the same pixels). Holes cannot
 * be expressed by COCO polygons (they are a union) and are filled. Written by hand: no maintained Java library traces
 * contours without pulling in an imaging stack.
 *
 * <p>Memory: the mask is rasterised only over its bounding box (found from the runs), 5 bytes per pixel; a box of
 * more than {@link #MAX_RASTER_PIXELS} pixels is refused with an {@link IllegalArgumentException} rather than
 * exhausting the heap (callers name the annotation).
 */
public final class Contours {
    /** Largest mask bounding box traced, in pixels (about 335 MB of working memory). */
    public static final long MAX_RASTER_PIXELS = 1L << 26;

    private Contours() {}

    // directions: 0 = east, 1 = south, 2 = west, 3 = north (image coordinates, y down)
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    /** Outer boundaries of the mask's 4-connected regions, in region order (row-major first pixel). */
    public static List<double[]> polygons(Rle rle) {
        int[] box = box(rle);
        if (box == null) return List.of();
        int x0 = box[0];
        int y0 = box[1];
        int w = box[2] - x0 + 1;
        int h = box[3] - y0 + 1;
        if ((long) w * h > MAX_RASTER_PIXELS) {
            throw new IllegalArgumentException("mask spans " + w + "x" + h + " pixels, more than the "
                    + MAX_RASTER_PIXELS + " that tracing its contours may rasterise");
        }
        // m: 0 background, FG unvisited foreground, CURRENT the region being traced, DONE traced regions
        byte[] m = crop(rle, x0, y0, w, h);
        int[] queue = new int[w * h];
        List<double[]> out = new ArrayList<>();
        for (int start = 0; start < m.length; start++) {
            if (m[start] != FG) continue;
            // flood fill the 4-connected region
            int qh = 0;
            int qt = 0;
            queue[qt++] = start;
            m[start] = CURRENT;
            while (qh < qt) {
                int p = queue[qh++];
                int x = p % w;
                int y = p / w;
                if (x > 0) qt = visit(m, queue, qt, p - 1);
                if (x < w - 1) qt = visit(m, queue, qt, p + 1);
                if (y > 0) qt = visit(m, queue, qt, p - w);
                if (y < h - 1) qt = visit(m, queue, qt, p + w);
            }
            double[] xy = trace(m, start % w, start / w, w, h);
            for (int i = 0; i < xy.length; i += 2) {
                xy[i] += x0;
                xy[i + 1] += y0;
            }
            out.add(xy);
            for (int i = 0; i < qt; i++) m[queue[i]] = DONE;
        }
        return out;
    }

    private static final byte FG = 1;
    private static final byte CURRENT = 2;
    private static final byte DONE = 3;

    /** The mask's pixel bounding box {xmin, ymin, xmax, ymax} from its runs (column-major), or null when empty. */
    static int[] box(Rle rle) {
        int h = rle.h();
        int[] counts = rle.counts();
        long pos = 0;
        long xmin = Long.MAX_VALUE;
        long ymin = Long.MAX_VALUE;
        long xmax = -1;
        long ymax = -1;
        for (int i = 0; i < counts.length; i++) {
            long len = counts[i];
            if (i % 2 == 1 && len > 0) {
                long first = pos;
                long last = pos + len - 1;
                long xa = first / h;
                long xb = last / h;
                xmin = Math.min(xmin, xa);
                xmax = Math.max(xmax, xb);
                if (xa == xb) {
                    ymin = Math.min(ymin, first % h);
                    ymax = Math.max(ymax, last % h);
                } else {
                    ymin = 0;
                    ymax = h - 1;
                }
            }
            pos += len;
        }
        return xmax < 0 ? null : new int[] {(int) xmin, (int) ymin, (int) xmax, (int) ymax};
    }

    /** The mask inside the box at (x0, y0) of w x h pixels, row-major, FG for foreground. */
    private static byte[] crop(Rle rle, int x0, int y0, int w, int h) {
        int ih = rle.h();
        int[] counts = rle.counts();
        byte[] m = new byte[w * h];
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            long len = counts[i];
            if (i % 2 == 1) {
                for (long t = pos; t < pos + len; ) {
                    int x = (int) (t / ih);
                    int y = (int) (t % ih);
                    int n = (int) Math.min(pos + len - t, ih - y); // the run's part in column x
                    for (int k = 0; k < n; k++) m[(y + k - y0) * w + (x - x0)] = FG;
                    t += n;
                }
            }
            pos += len;
        }
        return m;
    }

    private static int visit(byte[] m, int[] queue, int qt, int q) {
        if (m[q] == FG) {
            m[q] = CURRENT;
            queue[qt++] = q;
        }
        return qt;
    }

    private static boolean in(byte[] m, int x, int y, int w, int h) {
        return x >= 0 && y >= 0 && x < w && y < h && m[y * w + x] == CURRENT;
    }

    /**
     * Walks the crack edges with the region on the right, from the top-left corner of its first pixel heading east.
     * At each corner: turn right if the pixel ahead-right is outside, else left if ahead-left is inside, else straight
     * (so diagonal neighbours count as separate, matching the 4-connected regions).
     */
    private static double[] trace(byte[] m, int x0, int y0, int w, int h) {
        List<int[]> corners = new ArrayList<>();
        int vx = x0;
        int vy = y0;
        int d = 0;
        do {
            vx += DX[d];
            vy += DY[d];
            // pixels around corner (vx, vy): NW (vx-1, vy-1), NE (vx, vy-1), SW (vx-1, vy), SE (vx, vy)
            boolean left;
            boolean right;
            switch (d) {
                case 0 -> {
                    left = in(m, vx, vy - 1, w, h);
                    right = in(m, vx, vy, w, h);
                }
                case 1 -> {
                    left = in(m, vx, vy, w, h);
                    right = in(m, vx - 1, vy, w, h);
                }
                case 2 -> {
                    left = in(m, vx - 1, vy, w, h);
                    right = in(m, vx - 1, vy - 1, w, h);
                }
                default -> {
                    left = in(m, vx - 1, vy - 1, w, h);
                    right = in(m, vx, vy - 1, w, h);
                }
            }
            int nd;
            if (!right) nd = (d + 1) % 4;
            else if (left) nd = (d + 3) % 4;
            else nd = d;
            if (nd != d) corners.add(new int[] {vx, vy});
            d = nd;
        } while (vx != x0 || vy != y0 || d != 0);
        double[] xy = new double[corners.size() * 2];
        for (int i = 0; i < corners.size(); i++) {
            xy[2 * i] = corners.get(i)[0];
            xy[2 * i + 1] = corners.get(i)[1];
        }
        return xy;
    }
}
