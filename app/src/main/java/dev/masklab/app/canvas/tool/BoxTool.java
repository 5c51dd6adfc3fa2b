package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.main.MainViewModel;
import javafx.scene.canvas.GraphicsContext;

/**
 * Drag a box: press at one corner, drag, release at the other. The box tool (R) makes it a new annotation of the draw
 * category; the box prompt tool (I) asks the loaded model what is in it ({@link MainViewModel#promptBox}).
 */
public final class BoxTool implements Tool {
    /** What a dragged box becomes: corners in image pixels, in any order; false when nothing was made of it. */
    @FunctionalInterface
    public interface BoxTarget {
        boolean box(double x0, double y0, double x1, double y1);
    }

    private final ToolContext ctx;
    private final BoxTarget target;
    /** First corner and the pointer, image pixels; null when no box is being drawn. */
    private double[] start;

    private double pointerX = Double.NaN, pointerY = Double.NaN;

    /** The box tool: a new box annotation. */
    public BoxTool(ToolContext ctx) {
        this(ctx, (x0, y0, x1, y1) -> ctx.model().draw().addBox(x0, y0, x1, y1) >= 0);
    }

    /** A box dragged for {@code target} (the box prompt). */
    public BoxTool(ToolContext ctx, BoxTarget target) {
        this.ctx = ctx;
        this.target = target;
    }

    @Override
    public boolean press(ToolEvent e) {
        if (!e.primary() || !ctx.drawsShapes()) return false;
        Viewport vp = ctx.viewport();
        start = new double[] {vp.toImageX(e.x()), vp.toImageY(e.y())};
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
        if (!target.box(s[0], s[1], vp.toImageX(e.x()), vp.toImageY(e.y()))) ctx.repaint();
    }

    @Override
    public void paint(GraphicsContext g) {
        if (start == null || Double.isNaN(pointerX)) return;
        Viewport vp = ctx.viewport();
        g.setStroke(ToolPaint.drawColor(ctx));
        g.setLineWidth(2);
        g.setLineDashes(6, 4);
        double x0 = Math.min(start[0], pointerX), y0 = Math.min(start[1], pointerY);
        g.strokeRect(
                vp.toScreenX(x0),
                vp.toScreenY(y0),
                Math.abs(pointerX - start[0]) * vp.zoom(),
                Math.abs(pointerY - start[1]) * vp.zoom());
        g.setLineDashes((double[]) null);
    }

    @Override
    public void cancel() {
        start = null;
    }
}
