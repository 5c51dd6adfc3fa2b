package dev.masklab.app.evaluation;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import java.util.List;

/**
 * Feeds the Evaluation tab: the open dataset (as edited) and the loaded predictions whenever either changes, the
 * reviewed predictions left out, and each edited image for the live update.
 */
public final class EvaluationFeed {
    private final MainViewModel vm;
    private final EvaluationViewModel evaluation;
    /** What the Evaluation tab was last given (compared by identity). */
    private CocoDataset evaluatedDataset;

    private List<CocoResult> evaluatedResults;

    private EvaluationFeed(MainViewModel vm, EvaluationViewModel evaluation) {
        this.vm = vm;
        this.evaluation = evaluation;
    }

    /** Keeps {@code evaluation} fed from {@code vm} from now on. */
    public static void connect(MainViewModel vm, EvaluationViewModel evaluation) {
        EvaluationFeed feed = new EvaluationFeed(vm, evaluation);
        vm.datasetProperty().addListener((o, a, b) -> feed.update());
        vm.predictions().predictionsProperty().addListener((o, a, b) -> feed.update());
        vm.addEditListener(evaluation::imageEdited);
    }

    /** The Evaluation tab evaluates the open dataset (as edited) against the loaded predictions, when both are there. */
    private void update() {
        LoadedDataset ds = vm.getDataset();
        PredictionSet ps = vm.predictions().get();
        CocoDataset gt = ds == null ? null : ds.coco();
        List<CocoResult> results = ps == null ? null : ps.results();
        evaluation.comparison().imageRootProperty().set(ds == null ? null : ds.imageRoot());
        if (gt == evaluatedDataset && results == evaluatedResults) return; // e.g. Save as: the same data
        evaluatedDataset = gt;
        evaluatedResults = results;
        evaluation.setData(gt, results, r -> reviewed(ps, r));
    }

    /** Whether a result of the loaded predictions was accepted or rejected (so the evaluation leaves it out). */
    private boolean reviewed(PredictionSet ps, CocoResult r) {
        if (vm.editor() == null) return false;
        for (var p : ps.forImage(r.imageId()))
            if (p.id() == r.id()) return vm.editor().isReviewed(p);
        return false;
    }
}
