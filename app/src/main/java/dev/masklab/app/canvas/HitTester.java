package dev.masklab.app.canvas;

import dev.masklab.app.model.Instance;
import java.util.ArrayList;
import java.util.List;

/**
 * Hit testing of edit handles (labelme keeps it apart from rendering and geometry): which handles the selected
 * annotation offers, and which one a screen point grabs. Instance picking by mask pixel lives with the overlay
 * ({@link MaskRasterizer.Overlay#instanceAt}).
 */
public final class HitTester {
    /** How near (screen pixels) a point must be to grab a handle. */
    public static final double HANDLE_RADIUS = 7;

    private HitTester() {}

    /**
     * Handles of {@code s} in image pixels: keypoints first (they sit on top, only when {@code keypointsShown}), then
     * polygon vertices ({@code polygons}, x0, y0, x1, y1, ...), then box corners.
     */
    public static List<Handle> handles(Instance s, List<double[]> polygons, boolean keypointsShown) {
        if (s == null) return List.of();
        List<Handle> out = new ArrayList<>();
        if (s.hasKeypoints() && keypointsShown) {
            double[] k = s.keypoints();
            for (int i = 0; i + 2 < k.length; i += 3)
                if (k[i + 2] > 0) out.add(new Handle(Handle.Kind.KEYPOINT, i / 3, 0, k[i], k[i + 1]));
        }
        for (int p = 0; p < polygons.size(); p++) {
            double[] xy = polygons.get(p);
            for (int v = 0; 2 * v + 1 < xy.length; v++)
                out.add(new Handle(Handle.Kind.VERTEX, p, v, xy[2 * v], xy[2 * v + 1]));
        }
        double[] b = s.bbox();
        if (b[2] > 0 && b[3] > 0) {
            out.add(new Handle(Handle.Kind.BOX_CORNER, 0, 0, b[0], b[1]));
            out.add(new Handle(Handle.Kind.BOX_CORNER, 1, 0, b[0] + b[2], b[1]));
            out.add(new Handle(Handle.Kind.BOX_CORNER, 2, 0, b[0] + b[2], b[1] + b[3]));
            out.add(new Handle(Handle.Kind.BOX_CORNER, 3, 0, b[0], b[1] + b[3]));
        }
        return out;
    }

    /**
     * The handle nearest to screen point (sx, sy) within {@link #HANDLE_RADIUS}, or null; at equal distance the earlier
     * in {@code handles} wins (a vertex on a box corner moves the vertex).
     */
    public static Handle handleAt(List<Handle> handles, Viewport vp, double sx, double sy) {
        Handle best = null;
        double bestD = HANDLE_RADIUS * HANDLE_RADIUS + 1e-9;
        for (Handle h : handles) {
            double dx = vp.toScreenX(h.x()) - sx, dy = vp.toScreenY(h.y()) - sy;
            double d = dx * dx + dy * dy;
            if (d < bestD) {
                best = h;
                bestD = d;
            }
        }
        return best;
    }

    /** The box with corner {@code corner} moved to (x, y) and the opposite corner fixed (x, y, w, h; w, h may be &lt; 0). */
    public static double[] draggedBox(double[] b, int corner, double x, double y) {
        double ox = corner == 0 || corner == 3 ? b[0] + b[2] : b[0];
        double oy = corner == 0 || corner == 1 ? b[1] + b[3] : b[1];
        return new double[] {ox, oy, x - ox, y - oy};
    }
}
