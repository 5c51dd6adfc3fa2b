package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.HitTester;
import dev.masklab.app.canvas.Viewport;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;

/**
 * Draw a polygon (P): each click adds a point; a double-click, a click on the first point or Enter closes it (at
 * least 3 points) as a new annotation of the draw category; Backspace / Delete removes the last point, Escape drops
 * it. A drag pans.
 */
public final class PolygonTool implements Tool {
    private final ToolContext ctx;
    /** Points so far, image pixels (x0, y0, x1, y1, ...). */
    private final List<Double> points = new ArrayList<>();

    private double pointerX = Double.NaN, pointerY = Double.NaN;

    public PolygonTool(ToolContext ctx) {
        this.ctx = ctx;
    }

    /** True while a polygon is being drawn (its keys go to {@link #key}). */
    public boolean isDrawing() {
        return !points.isEmpty();
    }

    @Override
    public void click(ToolEvent e) {
        if (!e.primary() || !ctx.drawsShapes() || e.afterDrag()) return;
        Viewport vp = ctx.viewport();
        int n = points.size() / 2;
        boolean nearFirst = n >= 3
                && Math.hypot(vp.toScreenX(points.get(0)) - e.x(), vp.toScreenY(points.get(1)) - e.y())
                        <= HitTester.HANDLE_RADIUS + 1;
        if (e.clicks() >= 2 || nearFirst) {
            finish();
            return;
        }
        points.add(vp.toImageX(e.x()));
        points.add(vp.toImageY(e.y()));
        ctx.repaint();
    }

    @Override
    public void move(ToolEvent e) {
        pointerX = e == null ? Double.NaN : ctx.viewport().toImageX(e.x());
        pointerY = e == null ? Double.NaN : ctx.viewport().toImageY(e.y());
        if (!points.isEmpty() || e == null) ctx.repaint();
    }

    private void finish() {
        if (points.size() >= 6) {
            double[] xy = new double[points.size()];
            for (int i = 0; i < xy.length; i++) xy[i] = points.get(i);
            points.clear();
            ctx.model().draw().closePolygon(xy);
        } else {
            ctx.model().messageProperty().set("A polygon needs at least 3 points");
        }
        ctx.repaint();
    }

    @Override
    public boolean key(KeyCode code) {
        if (points.isEmpty()) return false;
        switch (code) {
            case ENTER -> finish();
            case ESCAPE -> cancel();
            case BACK_SPACE, DELETE -> {
                points.removeLast();
                points.removeLast();
                ctx.repaint();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public void paint(GraphicsContext g) {
        if (points.isEmpty()) return;
        Viewport vp = ctx.viewport();
        g.setStroke(ToolPaint.drawColor(ctx));
        g.setLineWidth(2);
        g.setLineDashes((double[]) null);
        int n = points.size() / 2;
        for (int i = 1; i <= n; i++) {
            boolean toPointer = i == n;
            if (toPointer && Double.isNaN(pointerX)) break;
            double ax = points.get(2 * i - 2), ay = points.get(2 * i - 1);
            double bx = toPointer ? pointerX : points.get(2 * i), by = toPointer ? pointerY : points.get(2 * i + 1);
            g.strokeLine(vp.toScreenX(ax), vp.toScreenY(ay), vp.toScreenX(bx), vp.toScreenY(by));
        }
        g.setFill(Color.WHITE);
        for (int i = 0; i < n; i++) {
            double r = i == 0 ? 5 : 3;
            g.fillOval(vp.toScreenX(points.get(2 * i)) - r, vp.toScreenY(points.get(2 * i + 1)) - r, 2 * r, 2 * r);
        }
    }

    @Override
    public void cancel() {
        points.clear();
        ctx.repaint();
    }
}
