package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Handle;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;
import javafx.scene.Cursor;

/**
 * The keypoint tool (J): edits only the keypoints of the selected annotation. A press on one of its keypoints selects
 * it and a drag moves it (one edit on release); a right-click on a keypoint cycles its visibility; a click elsewhere
 * places the next keypoint not yet placed (the first with v = 0, named on the status line) there, visible. With no
 * annotation selected, or all its keypoints placed, a click selects the instance under the pointer.
 */
public final class KeypointTool implements Tool {
    private final ToolContext ctx;
    private SelectTool.Grab grab;

    public KeypointTool(ToolContext ctx) {
        this.ctx = ctx;
    }

    /** The keypoint drag in progress, or null (the handle layer draws its preview). */
    public SelectTool.Grab grab() {
        return grab;
    }

    @Override
    public boolean press(ToolEvent e) {
        grab = null;
        if (!e.primary()) return false;
        Instance s = ctx.editable();
        Handle h = keypointAt(e);
        if (s == null || h == null) return false;
        ctx.model().keypoints().selectKeypoint(h.a());
        grab = new SelectTool.Grab(s, h, h.x(), h.y(), h.x(), h.y(), false);
        return true;
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
        SelectTool.Grab g = grab;
        grab = null;
        if (g != null && g.moved())
            ctx.model().keypoints().moveKeypoint(g.instance(), g.handle().a(), g.x(), g.y());
    }

    @Override
    public void click(ToolEvent e) {
        MainViewModel m = ctx.model();
        Instance s = ctx.editable();
        Handle h = keypointAt(e);
        if (e.secondary()) {
            if (s != null && h != null) m.keypoints().cycleKeypointVisibility(s, h.a());
            return;
        }
        if (!e.primary() || e.afterDrag() || h != null) return;
        if (s != null && m.keypoints().nextUnplaced(s) >= 0) {
            Viewport vp = ctx.viewport();
            m.keypoints().placeNextKeypoint(s, vp.toImageX(e.x()), vp.toImageY(e.y()));
            return;
        }
        Instance under = ctx.instanceAt(e.x(), e.y());
        m.selection().selectedProperty().set(under);
        m.keypoints().tellNext(under);
    }

    /** The keypoint handle of the selected annotation at the event, or null. */
    private Handle keypointAt(ToolEvent e) {
        Handle h = ctx.editable() == null ? null : ctx.handleAt(e.x(), e.y());
        return h != null && h.kind() == Handle.Kind.KEYPOINT ? h : null;
    }

    @Override
    public Cursor cursor(double sx, double sy) {
        Handle h = ctx.editable() == null ? null : ctx.handleAt(sx, sy);
        return h != null && h.kind() == Handle.Kind.KEYPOINT ? Cursor.MOVE : Cursor.CROSSHAIR;
    }

    @Override
    public void cancel() {
        grab = null;
    }
}
