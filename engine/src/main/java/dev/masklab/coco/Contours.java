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
 */
public final class Contours {
    private Contours() {}

    // directions: 0 = east, 1 = south, 2 = west, 3 = north (image coordinates, y down)
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    /** Outer boundaries of the mask's 4-connected regions, in region order (row-major first pixel). */
    public static List<double[]> polygons(Rle rle) {
        int h = rle.h();
        int w = rle.w();
        byte[] m = rle.decode();
        int[] label = new int[h * w];
        int[] queue = new int[h * w];
        List<double[]> out = new ArrayList<>();
        int next = 0;
        for (int start = 0; start < m.length; start++) {
            if (m[start] == 0 || label[start] != 0) continue;
            int id = ++next;
            // flood fill the 4-connected region
            int qh = 0;
            int qt = 0;
            queue[qt++] = start;
            label[start] = id;
            while (qh < qt) {
                int p = queue[qh++];
                int x = p % w;
                int y = p / w;
                if (x > 0) qt = visit(m, label, queue, qt, p - 1, id);
                if (x < w - 1) qt = visit(m, label, queue, qt, p + 1, id);
                if (y > 0) qt = visit(m, label, queue, qt, p - w, id);
                if (y < h - 1) qt = visit(m, label, queue, qt, p + w, id);
            }
            out.add(trace(label, id, start % w, start / w, w, h));
        }
        return out;
    }

    private static int visit(byte[] m, int[] label, int[] queue, int qt, int q, int id) {
        if (m[q] != 0 && label[q] == 0) {
            label[q] = id;
            queue[qt++] = q;
        }
        return qt;
    }

    private static boolean in(int[] label, int id, int x, int y, int w, int h) {
        return x >= 0 && y >= 0 && x < w && y < h && label[y * w + x] == id;
    }

    /**
     * Walks the crack edges with the region on the right, from the top-left corner of its first pixel heading east.
     * At each corner: turn right if the pixel ahead-right is outside, else left if ahead-left is inside, else straight
     * (so diagonal neighbours count as separate, matching the 4-connected regions).
     */
    private static double[] trace(int[] label, int id, int x0, int y0, int w, int h) {
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
                    left = in(label, id, vx, vy - 1, w, h);
                    right = in(label, id, vx, vy, w, h);
                }
                case 1 -> {
                    left = in(label, id, vx, vy, w, h);
                    right = in(label, id, vx - 1, vy, w, h);
                }
                case 2 -> {
                    left = in(label, id, vx - 1, vy, w, h);
                    right = in(label, id, vx - 1, vy - 1, w, h);
                }
                default -> {
                    left = in(label, id, vx - 1, vy - 1, w, h);
                    right = in(label, id, vx, vy - 1, w, h);
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
