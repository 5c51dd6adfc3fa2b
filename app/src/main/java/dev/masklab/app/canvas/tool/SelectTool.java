package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Handle;
import dev.masklab.app.canvas.HitTester;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.edit.ShapeGeometry;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;
import javafx.scene.Cursor;

/**
 * Select and edit: a click selects the instance under the pointer; on the selected annotation a handle drag moves a
 * box corner, a polygon vertex or a keypoint, a drag inside it moves the whole annotation (one edit on release);
 * right-click on a keypoint cycles its visibility, elsewhere offers to place an unlabelled keypoint. On a selected
 * polygon a double-click on an edge inserts a vertex there, a double-click or right-click on a vertex deletes it (from
 * a triangle: the view-model offers to delete the part). Pressing a keypoint selects it (Delete, V, Shift+V act on it), pressing a vertex its part ("Delete part"). A drag that starts elsewhere pans (the canvas does that).
 */
public final class SelectTool implements Tool {
    /** A drag in progress: the handle (null: the whole annotation moves) and where the pointer is, in image pixels. */
    public record Grab(
            Instance instance, Handle handle, double fromX, double fromY, double x, double y, boolean moved) {
        /** This grab dragged to image point (x, y). */
        public Grab movedTo(double x, double y) {
            return new Grab(instance, handle, fromX, fromY, x, y, true);
        }
    }

    private final ToolContext ctx;
    private Grab grab;

    public SelectTool(ToolContext ctx) {
        this.ctx = ctx;
    }

    /** The drag in progress, or null (the handle layer draws its preview). */
    public Grab grab() {
        return grab;
    }

    @Override
    public boolean press(ToolEvent e) {
        grab = null;
        if (!e.primary()) return false;
        Viewport vp = ctx.viewport();
        Handle h = ctx.handleAt(e.x(), e.y());
        Instance s = ctx.editable();
        if (s != null)
            ctx.model().keypoints().selectKeypoint(h != null && h.kind() == Handle.Kind.KEYPOINT ? h.a() : -1);
        if (s != null)
            ctx.model()
                    .selection()
                    .selectedPartProperty()
                    .set(h != null && h.kind() == Handle.Kind.VERTEX ? h.a() : -1);
        if (h != null && s != null) {
            grab = new Grab(s, h, h.x(), h.y(), h.x(), h.y(), false);
            return true;
        }
        if (s != null && ctx.instanceAt(e.x(), e.y()) == s) {
            double ix = vp.toImageX(e.x()), iy = vp.toImageY(e.y());
            grab = new Grab(s, null, ix, iy, ix, iy, false);
            return true;
        }
        return false;
    }

    @Override
    public void drag(ToolEvent e) {
        if (grab == null || !e.afterDrag()) return;
        Viewport vp = ctx.viewport();
        grab = grab.movedTo(vp.toImageX(e.x()), vp.toImageY(e.y()));
        ctx.repaint();
    }

    @Override
    public void release(ToolEvent e) {
        Grab g = grab;
        grab = null;
        if (g == null || !g.moved()) return;
        MainViewModel m = ctx.model();
        Handle h = g.handle();
        if (h == null) {
            m.edits().translate(g.instance(), g.x() - g.fromX(), g.y() - g.fromY());
            return;
        }
        switch (h.kind()) {
            case KEYPOINT -> m.keypoints().moveKeypoint(g.instance(), h.a(), g.x(), g.y());
            case VERTEX -> m.edits().moveVertex(g.instance(), h.a(), h.b(), g.x(), g.y());
            case BOX_CORNER -> m.edits().moveBoxCorner(g.instance(), h.a(), g.x(), g.y());
        }
    }

    @Override
    public void click(ToolEvent e) {
        MainViewModel m = ctx.model();
        if (e.secondary()) {
            Handle h = ctx.handleAt(e.x(), e.y());
            Instance s = ctx.editable();
            if (h != null && h.kind() == Handle.Kind.KEYPOINT && s != null)
                m.keypoints().cycleKeypointVisibility(s, h.a());
            else if (h != null && h.kind() == Handle.Kind.VERTEX && s != null)
                m.edits().deleteVertex(s, h.a(), h.b());
            else if (h == null && !e.afterDrag() && s != null && s.hasKeypoints())
                ctx.showKeypointMenu(s, e.x(), e.y(), e.screenX(), e.screenY());
            return;
        }
        if (!e.primary() || e.afterDrag()) return;
        Instance s = ctx.editable();
        Handle h = ctx.handleAt(e.x(), e.y());
        int[] edge = h == null ? edgeAt(s, e.x(), e.y()) : null;
        if (e.clicks() == 2 && s != null) {
            if (h != null && h.kind() == Handle.Kind.VERTEX) m.edits().deleteVertex(s, h.a(), h.b());
            else if (edge != null)
                m.edits()
                        .insertVertex(
                                s,
                                edge[0],
                                edge[1],
                                ctx.viewport().toImageX(e.x()),
                                ctx.viewport().toImageY(e.y()));
            return;
        }
        // a click on a handle or on the outline of the selected polygon keeps the selection (a double-click edits it)
        if (h == null && edge == null) m.selection().selectedProperty().set(ctx.instanceAt(e.x(), e.y()));
    }

    /**
     * The edge of {@code annotation}'s polygons within {@link HitTester#HANDLE_RADIUS} screen pixels of (sx, sy), as
     * {part, edge} (edge i runs from vertex i to i + 1), or null.
     */
    private int[] edgeAt(Instance annotation, double sx, double sy) {
        if (annotation == null) return null;
        Viewport vp = ctx.viewport();
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        var polygons = ctx.model().edits().polygonsOf(annotation);
        int[] best = null;
        double bestD = HitTester.HANDLE_RADIUS;
        for (int p = 0; p < polygons.size(); p++) {
            double[] xy = polygons.get(p);
            if (xy.length < 6) continue;
            int i = ShapeGeometry.nearestEdge(xy, ix, iy);
            double[] q = ShapeGeometry.project(xy, i, ix, iy);
            double d = Math.hypot(vp.toScreenX(q[0]) - sx, vp.toScreenY(q[1]) - sy);
            if (d <= bestD) {
                bestD = d;
                best = new int[] {p, i};
            }
        }
        return best;
    }

    @Override
    public Cursor cursor(double sx, double sy) {
        return ctx.handleAt(sx, sy) != null ? Cursor.MOVE : null;
    }

    @Override
    public void cancel() {
        grab = null;
    }
}
