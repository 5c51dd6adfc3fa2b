package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Viewport;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/** Draw a box: press at one corner, drag, release at the other; a new annotation of the draw category (R). */
public final class BoxTool implements Tool {
    private final ToolContext ctx;
    /** First corner and the pointer, image pixels; null when no box is being drawn. */
    private double[] start;
    private double pointerX = Double.NaN, pointerY = Double.NaN;

    public BoxTool(ToolContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public boolean press(ToolEvent e) {
        if (!e.primary() || !ctx.drawsShapes()) return false;
        Viewport vp = ctx.viewport();
        start = new double[]{vp.toImageX(e.x()), vp.toImageY(e.y())};
        pointerX = start[0];
        pointerY = start[1];
        ctx.repaint();
        return true;
    }

    @Override
    public void drag(ToolEvent e) {
        move(e);
    }

    @Override
    public void move(ToolEvent e) {
        pointerX = e == null ? Double.NaN : ctx.viewport().toImageX(e.x());
        pointerY = e == null ? Double.NaN : ctx.viewport().toImageY(e.y());
        if (start != null) ctx.repaint();
    }

    @Override
    public void release(ToolEvent e) {
        if (start == null) return;
        double[] s = start;
        start = null;
        Viewport vp = ctx.viewport();
        if (ctx.model().addBox(s[0], s[1], vp.toImageX(e.x()), vp.toImageY(e.y())) < 0) ctx.repaint();
    }

    @Override
    public void paint(GraphicsContext g) {
        if (start == null || Double.isNaN(pointerX)) return;
        Viewport vp = ctx.viewport();
        g.setStroke(ToolPaint.drawColor(ctx));
        g.setLineWidth(2);
        g.setLineDashes(6, 4);
        double x0 = Math.min(start[0], pointerX), y0 = Math.min(start[1], pointerY);
        g.strokeRect(vp.toScreenX(x0), vp.toScreenY(y0), Math.abs(pointerX - start[0]) * vp.zoom(),
                Math.abs(pointerY - start[1]) * vp.zoom());
        g.setLineDashes((double[]) null);
    }

    @Override
    public void cancel() {
        start = null;
    }
}
