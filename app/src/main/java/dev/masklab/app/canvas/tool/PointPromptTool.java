package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.prediction.PointPrompter;
import dev.masklab.coco.CocoResult;
import java.util.List;
import java.util.Locale;
import javafx.scene.canvas.GraphicsContext;

/**
 * The point prompt (#16 part 3): click on an object and the loaded model's detection whose mask contains the point
 * with the highest score (from the image's full prediction, even below the display threshold) becomes the pending
 * prediction (selected: Enter accepts it, Delete drops it); a second click at about the same point replaces it with
 * the next candidate (after the last: the first again); a click elsewhere asks anew (an earlier pending candidate
 * stays, as a box prompt's answer does). The model answers in the background through the view-model's
 * {@link PointPrompter}; an answer to a click that a later click or another image or tool superseded is dropped.
 */
public final class PointPromptTool implements Tool {
    /**
     * Two clicks this close (screen pixels) are "the same point": a hand does not click the same pixel twice, and at
     * any zoom the second click means the same spot to the user.
     */
    static final double SAME_POINT_PX = 4;

    private final ToolContext ctx;
    /** The last click asked about: image id and point in image pixels; imageId -1 when none. */
    private long imageId = -1;

    private double x, y;
    /** The candidates at that point, best first (empty until answered, or when nothing is there). */
    private List<CocoResult> candidates = List.of();

    private int index;
    /** The pending prediction showing candidate {@link #index} (null when none was shown). */
    private Instance shown;
    /** Numbers the questions: an answer to an older one is dropped. */
    private long question;

    private boolean answered;

    public PointPromptTool(ToolContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void click(ToolEvent e) {
        if (!e.primary() || e.afterDrag() || !ctx.drawsShapes()) return;
        MainViewModel vm = ctx.model();
        ImageEntry cur = vm.navigation().getCurrentImage();
        Viewport vp = ctx.viewport();
        double ix = vp.toImageX(e.x()), iy = vp.toImageY(e.y());
        if (cur == null || ix < 0 || iy < 0 || ix >= cur.width() || iy >= cur.height()) return;
        if (cur.id() == imageId && Math.hypot(ix - x, iy - y) * vp.zoom() <= SAME_POINT_PX) {
            if (!answered) return; // the model is still answering this point
            if (candidates.size() > 1) show((index + 1) % candidates.size());
            else say();
            return;
        }
        PointPrompter p = vm.tools().pointPrompterProperty().get();
        if (p == null) {
            vm.messageProperty().set("No model loaded: run a model first (Model > Run model), then click again");
            return;
        }
        imageId = cur.id();
        x = ix;
        y = iy;
        candidates = List.of();
        index = 0;
        shown = null;
        answered = false;
        long q = ++question;
        vm.messageProperty().set("Asking the model what is there…");
        ctx.repaint();
        p.candidates(cur, ix, iy, list -> answer(q, list));
    }

    /** The model's candidates for question {@code q}. */
    private void answer(long q, List<CocoResult> list) {
        if (q != question) return;
        answered = true;
        candidates = List.copyOf(list);
        if (candidates.isEmpty()) say();
        else show(0);
        ctx.repaint();
    }

    /** Candidate {@code i} becomes the pending prediction in place of the one shown (when still pending). */
    private void show(int i) {
        MainViewModel vm = ctx.model();
        if (shown != null) vm.prompts().dropPromptResult(shown);
        index = i;
        shown = vm.prompts().addPromptResult(candidates.get(i));
        say();
    }

    private void say() {
        MainViewModel vm = ctx.model();
        vm.messageProperty()
                .set(status(
                        candidates, index, shown == null ? "" : vm.categories().describe(shown)));
    }

    /** The status line: "Candidate 2 of 5 (score 0.43): …", or that nothing is there. */
    static String status(List<CocoResult> candidates, int index, String what) {
        if (candidates.isEmpty()) return "No object here (the model found nothing at this point)";
        return String.format(
                Locale.ROOT,
                "Candidate %d of %d (score %.2f): %s; Enter accepts, Delete drops%s",
                index + 1,
                candidates.size(),
                candidates.get(index).score(),
                what,
                candidates.size() > 1 ? ", click again for the next" : "");
    }

    /** A small cross at the point asked about (while its image is shown). */
    @Override
    public void paint(GraphicsContext g) {
        ImageEntry cur = ctx.model().navigation().getCurrentImage();
        if (cur == null || cur.id() != imageId) return;
        Viewport vp = ctx.viewport();
        double sx = vp.toScreenX(x), sy = vp.toScreenY(y);
        g.setStroke(ToolPaint.drawColor(ctx));
        g.setLineWidth(2);
        g.strokeLine(sx - 6, sy, sx + 6, sy);
        g.strokeLine(sx, sy - 6, sx, sy + 6);
    }

    /** Another tool or image: the next click asks anew, and an answer still coming is dropped. */
    @Override
    public void cancel() {
        question++;
        imageId = -1;
        candidates = List.of();
        shown = null;
        answered = false;
    }
}
