package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Viewport;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;

/**
 * Brush (W) and eraser (E): one press-drag-release is one stroke with the view-model's brush radius, painted into
 * (or erased from) the selected annotation's mask; the brush alone starts a new annotation when none is selected.
 */
public final class BrushTool implements Tool {
    private final ToolContext ctx;
    private final boolean add;
    /** The stroke so far, image pixels (x0, y0, x1, y1, ...). */
    private final List<Double> stroke = new ArrayList<>();

    private boolean stroking;
    private double pointerX = Double.NaN, pointerY = Double.NaN;

    /** @param add true for the brush, false for the eraser */
    public BrushTool(ToolContext ctx, boolean add) {
        this.ctx = ctx;
        this.add = add;
    }

    @Override
    public boolean press(ToolEvent e) {
        if (!e.primary() || !ctx.drawsShapes()) return false;
        stroke.clear();
        stroking = true;
        addPoint(e);
        return true;
    }

    @Override
    public void drag(ToolEvent e) {
        if (stroking) addPoint(e);
    }

    private void addPoint(ToolEvent e) {
        Viewport vp = ctx.viewport();
        pointerX = vp.toImageX(e.x());
        pointerY = vp.toImageY(e.y());
        stroke.add(pointerX);
        stroke.add(pointerY);
        ctx.repaint();
    }

    @Override
    public void release(ToolEvent e) {
        if (!stroking) return;
        stroking = false;
        double[] xy = new double[stroke.size()];
        for (int i = 0; i < xy.length; i++) xy[i] = stroke.get(i);
        stroke.clear();
        if (ctx.model().draw().paint(xy, add) < 0) ctx.repaint();
    }

    @Override
    public void move(ToolEvent e) {
        pointerX = e == null ? Double.NaN : ctx.viewport().toImageX(e.x());
        pointerY = e == null ? Double.NaN : ctx.viewport().toImageY(e.y());
        ctx.repaint();
    }

    @Override
    public void paint(GraphicsContext g) {
        Viewport vp = ctx.viewport();
        double z = vp.zoom();
        double r = ctx.model().tools().brushRadiusProperty().get() * z;
        Color c = add ? ToolPaint.drawColor(ctx) : Color.web("#ff5252");
        if (stroke.size() >= 2) {
            g.setStroke(c.deriveColor(0, 1, 1, 0.5));
            g.setLineWidth(2 * r);
            g.setLineCap(StrokeLineCap.ROUND);
            g.beginPath();
            g.moveTo(vp.toScreenX(stroke.get(0)), vp.toScreenY(stroke.get(1)));
            for (int i = 2; i < stroke.size(); i += 2)
                g.lineTo(vp.toScreenX(stroke.get(i)), vp.toScreenY(stroke.get(i + 1)));
            if (stroke.size() == 2) g.lineTo(vp.toScreenX(stroke.get(0)) + 0.01, vp.toScreenY(stroke.get(1)));
            g.stroke();
        }
        if (!Double.isNaN(pointerX)) {
            g.setStroke(c);
            g.setLineWidth(1.5);
            g.strokeOval(vp.toScreenX(pointerX) - r, vp.toScreenY(pointerY) - r, 2 * r, 2 * r);
        }
    }

    @Override
    public void cancel() {
        stroke.clear();
        stroking = false;
    }
}
