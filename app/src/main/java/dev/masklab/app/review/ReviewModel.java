package dev.masklab.app.review;

import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoResult;
import dev.masklab.review.PredictionKey;
import dev.masklab.review.ReviewQueue;
import dev.masklab.review.ReviewState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Reviewing predictions: accept (one, all shown, or as another category), reject, walk the shown instances with
 * Tab / Shift+Tab, walk the pending predictions across images (the engine's {@link ReviewQueue}), and how far the
 * review has come. Each decision is one undoable edit of the document's {@link AnnotationEditor}.
 */
public final class ReviewModel {
    private final MainViewModel vm;
    private final ReadOnlyStringWrapper reviewProgress = new ReadOnlyStringWrapper(this, "reviewProgress", "");
    /** The review queue last walked, for the predictions, order and threshold it was made for (null: none yet). */
    private ReviewQueue queue;

    private PredictionSet queueSet;
    private ReviewQueue.Order queueOrder;
    private double queueThreshold;

    public ReviewModel(MainViewModel vm) {
        this.vm = vm;
    }

    /** True when {@code prediction} was accepted or rejected (in this session or an earlier one). */
    public boolean reviewed(Instance prediction) {
        AnnotationEditor editor = vm.editor();
        return editor != null && editor.isReviewed(prediction);
    }

    /**
     * How far the review of the loaded predictions at or above the threshold has come, as "312 of 1,240 reviewed"
     * (decisions of earlier sessions count); "" when no predictions are loaded.
     */
    public ReadOnlyStringProperty reviewProgressProperty() {
        return reviewProgress.getReadOnlyProperty();
    }

    /** Counts the decided predictions at or above the threshold again. */
    public void refreshProgress() {
        PredictionSet ps = vm.predictions().get();
        int decided = 0;
        int all = 0;
        if (ps != null) {
            double t = vm.predictions().scoreThresholdProperty().get();
            for (List<Instance> l : ps.byImage().values())
                for (Instance p : l) {
                    if (p.score() < t) continue;
                    all++;
                    if (reviewed(p)) decided++;
                }
        }
        reviewProgress.set(ps == null ? "" : new ReviewState.Progress(decided, all).toString());
    }

    /**
     * The review queue: goes to the next pending prediction across all images (at or above the threshold) after the
     * selected one and selects it, image by image ({@code lowestFirst} false) or lowest confidence first; wraps
     * around. False, with a message, when nothing is pending.
     */
    public boolean nextPending(boolean lowestFirst) {
        PredictionSet ps = vm.predictions().get();
        if (ps == null || vm.editor() == null) return false;
        ReviewQueue.Order order = lowestFirst ? ReviewQueue.Order.LOWEST_SCORE_FIRST : ReviewQueue.Order.BY_IMAGE;
        double t = vm.predictions().scoreThresholdProperty().get();
        List<ImageEntry> images = vm.navigation().images();
        if (queue == null || queueSet != ps || queueOrder != order || queueThreshold != t) {
            List<Long> imageOrder = new ArrayList<>(images.size());
            for (ImageEntry e : images) imageOrder.add(e.id());
            queue = new ReviewQueue(ps.results(), order, t, imageOrder);
            queueSet = ps;
            queueOrder = order;
            queueThreshold = t;
        }
        Instance sel = vm.selection().getSelected();
        CocoResult current = null;
        if (sel != null && sel.key() != null) {
            for (CocoResult r : ps.results()) {
                if (r.imageId() == sel.imageId() && sel.key().equals(PredictionKey.of(r))) {
                    current = r;
                    break;
                }
            }
        }
        ReviewState state = vm.editor().review();
        Optional<Instance> next =
                queue.next(state, current).flatMap(ps::instanceOf).filter(i -> !reviewed(i));
        if (next.isEmpty()) {
            vm.messageProperty().set("Nothing left to review: " + queue.progress(state));
            return false;
        }
        Instance p = next.get();
        int idx = vm.navigation().indexOf(p.imageId());
        if (idx < 0) return false;
        if (vm.navigation().getCurrentImage() != images.get(idx))
            vm.navigation().currentImageProperty().set(images.get(idx));
        vm.selection().selectedProperty().set(p);
        vm.messageProperty()
                .set(describe(p) + " on " + images.get(idx).fileName() + " (" + queue.progress(state) + ")");
        return true;
    }

    private String describe(Instance inst) {
        return vm.categories().describe(inst);
    }

    private List<Instance> shownPredictions() {
        return vm.shown().shownPredictionsProperty().get();
    }

    /**
     * Accepts the selected prediction as a ground-truth annotation; the next shown prediction becomes selected (the
     * new annotation when none is left). False when no prediction is selected.
     */
    public boolean acceptSelected() {
        Instance p = vm.selection().getSelected();
        if (!vm.sync().editable() || p == null || !p.prediction()) return false;
        int at = shownPredictions().indexOf(p);
        long id = vm.editor().accept(p, "Accept " + describe(p));
        vm.sync().afterEdit(p.imageId(), id, true, "Accepted " + describe(p) + " as annotation #" + id);
        selectSameIndex(shownPredictions(), at);
        return true;
    }

    /**
     * Accepts the selected prediction as category {@code categoryId} (one undo; {@code AnnotationEditor.accept}), then
     * selects the next prediction as {@link #acceptSelected()} does.
     */
    public boolean acceptSelectedAs(int categoryId) {
        Instance p = vm.selection().getSelected();
        if (!vm.sync().editable()
                || p == null
                || !p.prediction()
                || vm.categories().category(categoryId) == null) return false;
        String name = vm.categories().categoryName(categoryId);
        int at = shownPredictions().indexOf(p);
        long id = vm.editor().accept(p, categoryId, "Accept " + describe(p) + " as " + name);
        vm.sync().afterEdit(p.imageId(), id, true, "Accepted " + describe(p) + " as " + name + " #" + id);
        selectSameIndex(shownPredictions(), at);
        return true;
    }

    /**
     * Asks (through the dialogs) for the category of the selected prediction, the predicted one preselected, and
     * accepts it as that; false when cancelled or no prediction is selected.
     */
    public boolean acceptSelectedAsChosen() {
        Instance p = vm.selection().getSelected();
        List<CategoryRow> categories = vm.categories().rows();
        if (!vm.sync().editable() || p == null || !p.prediction() || categories.isEmpty()) return false;
        CategoryRow initial = vm.categories().category(p.categoryId());
        var chosen = vm.document()
                .dialogs()
                .choose(
                        "Accept " + describe(p) + " as",
                        "Category:",
                        List.copyOf(categories),
                        initial != null ? initial : categories.getFirst());
        return chosen.isPresent() && acceptSelectedAs(chosen.get().id());
    }

    /** Accepts every shown prediction of the current image (at or above the threshold, in visible categories). */
    public int acceptAllShown() {
        if (!vm.sync().editable()) return 0;
        List<Instance> shown = shownPredictions();
        if (shown.isEmpty()) return 0;
        int n = vm.editor()
                .acceptAll(shown, "Accept " + shown.size() + " predictions")
                .size();
        ImageEntry cur = vm.navigation().getCurrentImage();
        if (cur != null)
            vm.sync().afterEdit(cur.id(), -1, false, "Accepted " + n + " predictions (one undo takes them back)");
        return n;
    }

    /**
     * Rejects the selected prediction (hidden; the file does not change); the next shown prediction becomes selected.
     * False when no prediction is selected.
     */
    public boolean rejectSelected() {
        Instance p = vm.selection().getSelected();
        if (!vm.sync().editable() || p == null || !p.prediction()) return false;
        int at = shownPredictions().indexOf(p);
        vm.editor().reject(p, "Reject " + describe(p));
        vm.sync().afterEdit(p.imageId(), -1, false, "Rejected " + describe(p));
        selectSameIndex(shownPredictions(), at);
        return true;
    }

    /** Reviewing with the keyboard: the instance now at the reviewed one's place is selected next. */
    public void selectSameIndex(List<Instance> list, int at) {
        Instance next = ReviewOrder.afterReview(list, at);
        if (next != null) vm.selection().selectedProperty().set(next);
    }

    /**
     * Selects the next instance (Tab): among predictions when a prediction or nothing is selected and some are shown,
     * else among annotations; wraps around.
     */
    public void selectNext() {
        stepSelection(1);
    }

    /** Selects the previous instance (Shift+Tab), as {@link #selectNext()} does backwards. */
    public void selectPrevious() {
        stepSelection(-1);
    }

    private void stepSelection(int d) {
        Instance s = vm.selection().getSelected();
        Instance next = ReviewOrder.step(
                s,
                ReviewOrder.walked(
                        s,
                        shownPredictions(),
                        vm.shown().shownGroundTruthProperty().get()),
                d);
        if (next != null) vm.selection().selectedProperty().set(next);
    }
}
