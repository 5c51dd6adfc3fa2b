package dev.masklab.app.evaluation;

import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import dev.masklab.eval.CategoryEval;
import dev.masklab.eval.ConfusionMatrix;
import dev.masklab.eval.ErrorCounts;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.ImageEvaluations;
import dev.masklab.eval.IncrementalEvaluation;
import dev.masklab.eval.IouType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Evaluation tab: evaluates the loaded predictions against the open dataset (the engine's
 * {@link IncrementalEvaluation}, pycocotools-exact) in the background through a {@link TaskExecutor}, with progress and
 * cancel, and exposes the summary (pycocotools' 12 lines, 10 for keypoints), the per-category scores, the COCO
 * precision/recall curves and the images sorted by their errors. Used on the FX thread (tests: a direct executor).
 */
public final class EvaluationViewModel {

    /** One summary line: pycocotools' text before {@code =} (e.g. {@code Average Precision (AP) @[ IoU=0.50 ...]}) and its value (-1: nothing to score). */
    public record SummaryRow(String name, double value) {}

    /**
     * One evaluated image with its errors at IoU 0.50 over all categories and its COCO AP (.50:.95, -1 when it has no
     * ground truth that counts).
     */
    public record ImageRow(long imageId, String fileName, int tp, int fp, int fn, double ap) {}

    /** How the image list is sorted: most false positives, most false negatives, or lowest AP first. */
    public enum ImageOrder {
        FALSE_POSITIVES(
                "Most false positives", Comparator.comparingInt(ImageRow::fp).reversed()),
        FALSE_NEGATIVES(
                "Most false negatives", Comparator.comparingInt(ImageRow::fn).reversed()),
        LOWEST_AP("Lowest AP", Comparator.comparingDouble(r -> r.ap() < 0 ? Double.MAX_VALUE : r.ap()));

        private final String label;
        private final Comparator<ImageRow> order;

        ImageOrder(String label, Comparator<ImageRow> order) {
            this.label = label;
            this.order = order.thenComparingLong(ImageRow::imageId);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The IoU of a precision/recall curve: COCO's .50, .75, or the mean over .50:.95. */
    public enum CurveIou {
        IOU_50("IoU 0.50", .5),
        IOU_75("IoU 0.75", .75),
        MEAN("IoU 0.50:0.95 (mean)", Double.NaN);

        private final String label;
        private final double threshold;

        CurveIou(String label, double threshold) {
            this.label = label;
            this.threshold = threshold;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What a finished evaluation hands to the FX thread. */
    private record Outcome(IncrementalEvaluation evaluation, List<ImageRow> images, ConfusionMatrix confusion) {}

    private final TaskExecutor tasks;
    private final ObjectProperty<IouType> iouType = new SimpleObjectProperty<>(this, "iouType", IouType.BBOX);
    private final ObjectProperty<ImageOrder> imageOrder =
            new SimpleObjectProperty<>(this, "imageOrder", ImageOrder.FALSE_POSITIVES);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyObjectWrapper<EvalResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final StringProperty status = new SimpleStringProperty(this, "status", "Not evaluated");
    private final ObservableList<IouType> iouTypes = FXCollections.observableArrayList(IouType.BBOX);
    private final ObservableList<SummaryRow> summary = FXCollections.observableArrayList();
    private final ObservableList<CategoryEval> categories = FXCollections.observableArrayList();
    private final ObservableList<ImageRow> images = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper hasData = new ReadOnlyBooleanWrapper(this, "hasData", false);
    private final ObjectProperty<Double> confusionIou = new SimpleObjectProperty<>(this, "confusionIou", .5);
    private final ReadOnlyObjectWrapper<ConfusionMatrix> confusion = new ReadOnlyObjectWrapper<>(this, "confusion");
    private final StringProperty lastEdit = new SimpleStringProperty(this, "lastEdit", "");
    private CocoDataset gt;
    private List<CocoResult> results;
    private Predicate<CocoResult> reviewed = r -> false;
    private Map<Long, List<CocoResult>> resultsByImage = Map.of();
    /** Images edited while an evaluation ran (it read the dataset before): updated once it ends. */
    private final Set<Long> editedWhileRunning = new LinkedHashSet<>();

    private IncrementalEvaluation evaluation;
    private Future<?> job;
    /** Counts started evaluations: the handlers of one that was replaced or cancelled do nothing. */
    private int generation;

    private final ComparisonViewModel comparison;

    public EvaluationViewModel(TaskExecutor tasks) {
        this.tasks = tasks;
        this.comparison = new ComparisonViewModel(tasks);
        imageOrder.addListener((o, a, b) -> images.sort(b.order));
    }

    /** "Compare with…": the loaded predictions against a second results file, on the same data as the evaluation. */
    public ComparisonViewModel comparison() {
        return comparison;
    }

    /** The IoU type the next {@link #evaluate} uses; one of {@link #iouTypes()}. */
    public ObjectProperty<IouType> iouTypeProperty() {
        return iouType;
    }

    /** The IoU types the data allows, set by {@link #setData}. */
    public ObservableList<IouType> iouTypes() {
        return iouTypes;
    }

    public ObjectProperty<ImageOrder> imageOrderProperty() {
        return imageOrder;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** The last finished evaluation's result, null before one or after the data changed. */
    public ReadOnlyObjectProperty<EvalResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** One line on what is shown: not evaluated, running, cancelled, failed, or what was evaluated. */
    public StringProperty statusProperty() {
        return status;
    }

    public ObservableList<SummaryRow> summary() {
        return summary;
    }

    /** Per-category scores (AP, AP50, AP75, APs/m/l, AR, ground-truth and detection counts), by category id. */
    public ObservableList<CategoryEval> categories() {
        return categories;
    }

    /** The evaluated images in {@link #imageOrderProperty()}'s order. */
    public ObservableList<ImageRow> images() {
        return images;
    }

    /** The last finished evaluation (matching kept), null when none. */
    public IncrementalEvaluation evaluation() {
        return evaluation;
    }

    /**
     * The IoU types {@code results} can be evaluated with against {@code gt}: bbox when every result has a box, segm
     * when every result has a mask, keypoints when a category has keypoints and every result has keypoints. An empty
     * list of results allows bbox only.
     */
    public static List<IouType> allowedTypes(CocoDataset gt, List<CocoResult> results) {
        List<IouType> out = new ArrayList<>();
        if (results.stream().allMatch(r -> r.bbox() != null && r.bbox().length == 4)) out.add(IouType.BBOX);
        if (!results.isEmpty() && results.stream().allMatch(r -> r.segmentation() != null)) out.add(IouType.SEGM);
        boolean kpCategories =
                gt.categories().stream().map(CocoCategory::keypoints).anyMatch(k -> k != null && !k.isEmpty());
        if (kpCategories && !results.isEmpty() && results.stream().allMatch(r -> r.keypoints() != null))
            out.add(IouType.KEYPOINTS);
        return out;
    }

    /**
     * New data to evaluate (null: none): clears what was shown and offers the IoU types the data allows, keeping the
     * chosen one when still allowed. Does not start an evaluation.
     */
    public void setData(CocoDataset gt, List<CocoResult> results) {
        setData(gt, results, r -> false);
    }

    /**
     * As {@link #setData(CocoDataset, List)}, with the predictions already reviewed: those accepted (now annotations)
     * or rejected are left out of the evaluation, as {@link #imageEdited} leaves them out.
     *
     * @param reviewed true for a result that was accepted or rejected (asked again at each evaluation and edit)
     */
    public void setData(CocoDataset gt, List<CocoResult> results, Predicate<CocoResult> reviewed) {
        cancel();
        this.gt = gt;
        this.results = results;
        this.reviewed = reviewed;
        resultsByImage =
                results == null ? Map.of() : results.stream().collect(Collectors.groupingBy(CocoResult::imageId));
        lastEdit.set("");
        comparison.setData(gt, results, reviewed);
        hasData.set(gt != null && results != null);
        clear();
        List<IouType> types = gt == null || results == null ? List.of(IouType.BBOX) : allowedTypes(gt, results);
        iouTypes.setAll(types.isEmpty() ? List.of(IouType.BBOX) : types);
        if (!iouTypes.contains(iouType.get())) iouType.set(iouTypes.getFirst());
        status.set(
                gt == null || results == null
                        ? "Open a dataset and its predictions to evaluate"
                        : "Not evaluated (" + results.size() + " predictions)");
    }

    /** Whether {@link #setData} gave a dataset and predictions to evaluate. */
    public ReadOnlyBooleanProperty hasDataProperty() {
        return hasData.getReadOnlyProperty();
    }

    /**
     * Evaluates the data of {@link #setData} (the dataset as it is now, with its edits); nothing without data.
     *
     * @return the running job, null without data
     */
    public Future<?> evaluate() {
        return gt == null || results == null
                ? null
                : evaluate(gt, results.stream().filter(reviewed.negate()).toList());
    }

    /**
     * Evaluates {@code results} against {@code gt} with the chosen IoU type in the background (a snapshot of the
     * dataset, so editing can go on); the rows are replaced when it ends. A running evaluation is cancelled first.
     *
     * @return the running job (cancel: {@link #cancel()})
     */
    public Future<?> evaluate(CocoDataset gt, List<CocoResult> results) {
        cancel();
        editedWhileRunning.clear();
        lastEdit.set("");
        int gen = ++generation;
        IouType type = iouType.get();
        double iouThr = confusionIou.get();
        CocoDataset snapshot = gt.shallowCopy();
        List<CocoResult> dts = List.copyOf(results);
        running.set(true);
        status.set("Evaluating " + type + "...");
        BackgroundTask<Outcome> task = BackgroundTask.of("Cannot evaluate " + type, p -> {
                    p.message("Evaluating " + type);
                    IncrementalEvaluation inc =
                            IncrementalEvaluation.start(snapshot, dts, EvalParams.defaults(type), (done, total) -> {
                                if (p.isCancelled()) throw new CancellationException("evaluation cancelled");
                                p.progress(done, total);
                            });
                    ConfusionMatrix cm = ConfusionMatrix.compute(snapshot, dts, type, iouThr, 0, (done, total) -> {
                        if (p.isCancelled()) throw new CancellationException("evaluation cancelled");
                    });
                    return new Outcome(inc, imageRows(snapshot, inc.images()), cm);
                })
                .onFinished(() -> {
                    if (gen == generation) running.set(false);
                })
                .onSuccess(o -> {
                    if (gen == generation) show(o, type, dts.size());
                })
                .onFailure(e -> {
                    if (gen != generation) return;
                    clear();
                    status.set(
                            e instanceof CancellationException
                                    ? "Evaluation cancelled"
                                    : "Cannot evaluate " + type + ": " + BackgroundTask.describe(e));
                });
        job = tasks.execute(task);
        return job;
    }

    /** The IoU (OKS) threshold of the next evaluation's {@link #confusionProperty() confusion matrix} (0.5). */
    public ObjectProperty<Double> confusionIouProperty() {
        return confusionIou;
    }

    /**
     * The class-agnostic confusion matrix (the engine's {@link ConfusionMatrix}, every prediction not reviewed, at
     * {@link #confusionIouProperty()}) of the last full evaluation; edits do not change it until the next Evaluate.
     */
    public ReadOnlyObjectProperty<ConfusionMatrix> confusionProperty() {
        return confusion.getReadOnlyProperty();
    }

    /** The AP change of the last edit ("" before one): image, AP before and after, the difference. */
    public StringProperty lastEditProperty() {
        return lastEdit;
    }

    /**
     * An image of the dataset of {@link #setData} was edited (accept, reject, delete, correct, undo, redo): evaluates
     * that image again ({@link IncrementalEvaluation#update}, its annotations as they are now and its predictions not
     * reviewed) and re-accumulates, on the calling thread; {@link #lastEditProperty()} tells the AP change. Nothing
     * before an evaluation; while one runs, the image is updated once it ends.
     */
    public void imageEdited(long imageId) {
        if (gt == null || results == null) return;
        if (running.get()) {
            editedWhileRunning.add(imageId);
            return;
        }
        if (evaluation == null) return;
        double before = evaluation.result().stats()[0];
        EvalResult r;
        try {
            r = evaluation.update(
                    imageId,
                    gt.annotationsOf(imageId),
                    resultsByImage.getOrDefault(imageId, List.of()).stream()
                            .filter(reviewed.negate())
                            .toList());
        } catch (IllegalArgumentException e) {
            status.set("Cannot update the evaluation: " + e.getMessage());
            return;
        }
        double after = r.stats()[0];
        showResult(r);
        int i = evaluation.images().imageIndex(imageId);
        ImageRow row =
                imageRow(gt, evaluation.images(), i, t50(evaluation.images().params()));
        for (int j = 0; j < images.size(); j++) {
            if (images.get(j).imageId() == imageId) images.set(j, row);
        }
        images.sort(imageOrder.get().order);
        lastEdit.set(String.format(
                Locale.ROOT, "Last edit (%s): AP %.3f -> %.3f (%+.3f)", row.fileName(), before, after, after - before));
    }

    /** Asks a running evaluation to stop; what was shown before stays cleared. */
    public void cancel() {
        generation++;
        if (job != null && !job.isDone()) {
            job.cancel(false);
            status.set("Evaluation cancelled");
        }
        job = null;
        running.set(false);
    }

    /**
     * COCO's interpolated precision at the 101 recall thresholds 0, 0.01, ..., 1 (area all, maxDets 100; -1 where no
     * selected category has ground truth) of category index {@code k} ({@link EvalResult#ALL_CATEGORIES}: the mean over
     * the categories) at {@code iou}; empty before an evaluation. The mean of the entries is the matching AP.
     */
    public double[] curve(int k, CurveIou iou) {
        EvalResult r = result.get();
        if (r == null) return new double[0];
        int t = iou == CurveIou.MEAN ? EvalResult.MEAN_IOU : r.iouThresholdIndex(iou.threshold);
        if (t < 0 && iou != CurveIou.MEAN) return new double[0];
        return r.precisionCurve(k, t);
    }

    /**
     * The detection behind the point of {@link #curve} at {@code recall} (snapped to the nearest of the 101 recall
     * thresholds, the points drawn): {@link CurvePoint#at} of the last evaluation as edited; for the mean over IoU
     * .50:.95 (no single matching) the nearest choice, IoU .50. Null before an evaluation or where no detection is.
     */
    public CurvePoint curvePoint(int k, CurveIou iou, double recall) {
        EvalResult r = result.get();
        if (r == null || evaluation == null) return null;
        int t = r.iouThresholdIndex(iou == CurveIou.MEAN ? .5 : iou.threshold);
        if (t < 0) return null;
        double snapped = Math.clamp(Math.round(recall * 100) / 100.0, 0, 1);
        return CurvePoint.at(evaluation.images(), k, t, snapped);
    }

    /** The recall thresholds of {@link #curve} (101 values from 0 to 1), empty before an evaluation. */
    public double[] recallThresholds() {
        EvalResult r = result.get();
        return r == null ? new double[0] : r.params().recThrs();
    }

    private void clear() {
        evaluation = null;
        result.set(null);
        summary.clear();
        categories.clear();
        confusion.set(null);
        images.clear();
    }

    private void show(Outcome o, IouType type, int detections) {
        evaluation = o.evaluation();
        EvalResult r = evaluation.result();
        showResult(r);
        confusion.set(o.confusion());
        List<ImageRow> sorted = new ArrayList<>(o.images());
        sorted.sort(imageOrder.get().order);
        images.setAll(sorted);
        status.set(String.format(
                Locale.ROOT,
                "%s: AP %.3f over %d images, %d predictions",
                type,
                r.stats()[0],
                o.images().size(),
                detections));
        List<Long> edited = List.copyOf(editedWhileRunning);
        editedWhileRunning.clear();
        for (long id : edited) imageEdited(id);
    }

    /** The summary and per-category rows of {@code r}. */
    private void showResult(EvalResult r) {
        double[] stats = r.stats();
        List<String> lines = r.summaryLines();
        List<SummaryRow> rows = new ArrayList<>(stats.length);
        for (int i = 0; i < stats.length; i++) {
            String line = lines.get(i);
            int eq = line.lastIndexOf(" = ");
            rows.add(new SummaryRow((eq < 0 ? line : line.substring(0, eq)).strip(), stats[i]));
        }
        summary.setAll(rows);
        categories.setAll(r.perCategory());
        result.set(r);
    }

    /** Per-image errors at IoU .50 and AP, in image-id order. */
    private static List<ImageRow> imageRows(CocoDataset gt, ImageEvaluations ev) {
        int t50 = t50(ev.params());
        double[] aps = ev.imageAps();
        long[] ids = ev.imgIds();
        List<ImageRow> rows = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) rows.add(imageRow(gt, ev, i, t50, aps[i]));
        return rows;
    }

    private static ImageRow imageRow(CocoDataset gt, ImageEvaluations ev, int i, int t) {
        return imageRow(gt, ev, i, t, ev.imageAp(i));
    }

    private static ImageRow imageRow(CocoDataset gt, ImageEvaluations ev, int i, int t, double ap) {
        long id = ev.imgIds()[i];
        ErrorCounts c = ev.counts(i, t);
        CocoImage img = gt.image(id);
        return new ImageRow(id, img == null ? String.valueOf(id) : img.fileName(), c.tp(), c.fp(), c.fn(), ap);
    }

    /** The index of IoU threshold .50 (the first threshold when .50 is not evaluated). */
    private static int t50(EvalParams params) {
        double[] thrs = params.iouThrs();
        for (int i = 0; i < thrs.length; i++) if (thrs[i] == .5) return i;
        return 0;
    }
}
