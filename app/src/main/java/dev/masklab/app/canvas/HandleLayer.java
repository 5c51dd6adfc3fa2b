package dev.masklab.app.canvas;

import dev.masklab.app.canvas.tool.SelectTool;
import dev.masklab.app.model.Instance;
import java.util.List;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/**
 * The edit handles of the selected annotation (polygon outlines with their vertices, box corners) and the preview of
 * a drag in progress ({@link SelectTool.Grab}): the moved vertex, the moved box, the whole annotation's box, the
 * keypoint's path.
 */
final class HandleLayer {
    private HandleLayer() {}

    /** {@code keypoint}: the selected keypoint of {@code s} (ringed), or -1. */
    static void draw(
            GraphicsContext g, Viewport vp, Instance s, List<double[]> polygons, SelectTool.Grab grab, int keypoint) {
        if (s == null) return;
        double z = vp.zoom();
        g.setLineDashes((double[]) null);
        Handle gh = grab != null && grab.instance() == s && grab.moved() ? grab.handle() : null;
        for (int p = 0; p < polygons.size(); p++) {
            double[] xy = polygons.get(p).clone();
            if (gh != null && gh.kind() == Handle.Kind.VERTEX && gh.a() == p) {
                xy[2 * gh.b()] = grab.x();
                xy[2 * gh.b() + 1] = grab.y();
            }
            int n = xy.length / 2;
            double[] xs = new double[n], ys = new double[n];
            for (int v = 0; v < n; v++) {
                xs[v] = vp.toScreenX(xy[2 * v]);
                ys[v] = vp.toScreenY(xy[2 * v + 1]);
            }
            g.setStroke(Color.WHITE);
            g.setLineWidth(1.5);
            g.strokePolygon(xs, ys, n);
            g.setFill(Color.WHITE);
            for (int v = 0; v < n; v++) g.fillOval(xs[v] - 3, ys[v] - 3, 6, 6);
        }
        double[] b = s.bbox();
        if (grab != null && grab.instance() == s && grab.moved() && gh == null) { // the whole annotation moves
            dashedRect(
                    g,
                    vp.toScreenX(b[0] + grab.x() - grab.fromX()),
                    vp.toScreenY(b[1] + grab.y() - grab.fromY()),
                    b[2] * z,
                    b[3] * z);
        }
        if (gh != null && gh.kind() == Handle.Kind.BOX_CORNER) {
            double[] d = HitTester.draggedBox(b, gh.a(), grab.x(), grab.y());
            b = new double[] {Math.min(d[0], d[0] + d[2]), Math.min(d[1], d[1] + d[3]), Math.abs(d[2]), Math.abs(d[3])};
            dashedRect(g, vp.toScreenX(b[0]), vp.toScreenY(b[1]), b[2] * z, b[3] * z);
        }
        if (b[2] > 0 && b[3] > 0) {
            double[][] corners = {{b[0], b[1]}, {b[0] + b[2], b[1]}, {b[0] + b[2], b[1] + b[3]}, {b[0], b[1] + b[3]}};
            for (double[] c : corners) {
                double x = vp.toScreenX(c[0]), y = vp.toScreenY(c[1]);
                g.setFill(Color.WHITE);
                g.fillRect(x - 4, y - 4, 8, 8);
                g.setStroke(Color.BLACK);
                g.setLineWidth(1);
                g.strokeRect(x - 4, y - 4, 8, 8);
            }
        }
        double[] kp = s.keypoints();
        if (gh == null && keypoint >= 0 && kp != null && 3 * keypoint + 2 < kp.length && kp[3 * keypoint + 2] > 0) {
            g.setStroke(Color.YELLOW);
            g.setLineWidth(2);
            g.strokeOval(vp.toScreenX(kp[3 * keypoint]) - 7, vp.toScreenY(kp[3 * keypoint + 1]) - 7, 14, 14);
        }
        if (gh != null && gh.kind() == Handle.Kind.KEYPOINT) {
            double x = vp.toScreenX(grab.x()), y = vp.toScreenY(grab.y());
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.strokeOval(x - 6, y - 6, 12, 12);
            g.strokeLine(vp.toScreenX(gh.x()), vp.toScreenY(gh.y()), x, y);
        }
    }

    private static void dashedRect(GraphicsContext g, double x, double y, double w, double h) {
        g.setStroke(Color.WHITE);
        g.setLineWidth(2);
        g.setLineDashes(4, 4);
        g.strokeRect(x, y, w, h);
        g.setLineDashes((double[]) null);
    }
}
