package dev.masklab.app.prediction;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoResult;
import java.util.OptionalLong;

/**
 * Prompts to the loaded model (#16 part 2): a box drawn with the box prompt tool is asked of the {@link BoxPrompter},
 * and its answer joins the predictions as a pending prediction, selected for review.
 */
public final class PromptCommands {
    private final MainViewModel vm;

    public PromptCommands(MainViewModel vm) {
        this.vm = vm;
    }

    /**
     * The box prompt (#16 part 2): asks the loaded model what is in the box with corners (x0, y0), (x1, y1) (image
     * pixels of the current image, any order; clipped to the image); the category chosen in the tool bar is asked for
     * (the prompter falls back to the box head's class when the model does not have it). The answer arrives later as
     * a pending prediction ({@link #addPromptResult}). False when nothing was asked (no model, no image, a box under
     * one pixel).
     */
    public boolean promptBox(double x0, double y0, double x1, double y1) {
        ImageEntry cur = vm.navigation().getCurrentImage();
        if (!vm.sync().editable() || cur == null) return false;
        BoxPrompter p = vm.tools().boxPrompterProperty().get();
        if (p == null) {
            vm.messageProperty().set("No model loaded: run a model first (Model > Run model), then draw the box again");
            return false;
        }
        double xa = Math.max(0, Math.min(x0, x1)), xb = Math.min(cur.width(), Math.max(x0, x1));
        double ya = Math.max(0, Math.min(y0, y1)), yb = Math.min(cur.height(), Math.max(y0, y1));
        if (xb - xa < 1 || yb - ya < 1) return false;
        CategoryRow c = vm.tools().drawCategoryProperty().get();
        vm.messageProperty().set("Asking the model about the box…");
        p.prompt(
                cur,
                new double[] {xa, ya, xb - xa, yb - ya},
                c == null ? OptionalLong.empty() : OptionalLong.of(c.id()),
                this::addPromptResult);
        return true;
    }

    /**
     * A box prompt's answer joins the predictions as a pending prediction (shown whatever its score), and becomes
     * selected when its image is shown: Enter accepts it, Delete drops it.
     */
    public Instance addPromptResult(CocoResult r) {
        PredictionSet ps = vm.predictions().get() == null
                ? PredictionSet.empty()
                : vm.predictions().get();
        Instance p = CocoAdapter.prediction(r, ps.nextId());
        vm.predictions().addPrompted(p);
        vm.predictions().setPredictions(ps.with(p, r));
        ImageEntry cur = vm.navigation().getCurrentImage();
        if (cur != null && cur.id() == p.imageId())
            vm.selection().selectedProperty().set(p);
        vm.messageProperty().set("Model: " + vm.categories().describe(p) + " in the box (Enter accepts, Delete drops)");
        return p;
    }

    /** Takes a prompt's answer out of the predictions while it is pending (the point prompt's next candidate). */
    public void dropPromptResult(Instance p) {
        PredictionSet ps = vm.predictions().get();
        if (ps == null || vm.review().reviewed(p) || !vm.predictions().removePrompted(p)) return;
        if (vm.selection().selectedProperty().get() == p)
            vm.selection().selectedProperty().set(null);
        vm.predictions().setPredictions(ps.without(p));
    }
}
