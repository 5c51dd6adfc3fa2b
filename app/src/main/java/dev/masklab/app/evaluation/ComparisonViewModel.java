package dev.masklab.app.evaluation;

import dev.masklab.app.document.ImageRootResolver;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.IouType;
import dev.masklab.eval.ResultsComparison;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * "Compare with…" of the Evaluation tab: the loaded predictions (A, without the reviewed ones, as the evaluation
 * takes them) and a second results file (B) evaluated against the open dataset by the engine's
 * {@link ResultsComparison} in the background (progress, cancel); per-category AP of both with B - A, the images where
 * they disagree most, and the chosen image's detections of A and B at the score threshold for the side-by-side view.
 * Used on the FX thread.
 */
public final class ComparisonViewModel {
    private final TaskExecutor tasks;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final StringProperty status = new SimpleStringProperty(this, "status", "Nothing compared");
    private final ObservableList<ResultsComparison.CategoryComparison> categories = FXCollections.observableArrayList();
    private final ObservableList<ResultsComparison.ImageComparison> images = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<ResultsComparison> comparison = new ReadOnlyObjectWrapper<>(this, "comparison");
    private final ObjectProperty<Long> selectedImage = new SimpleObjectProperty<>(this, "selectedImage");
    private final DoubleProperty scoreThreshold = new SimpleDoubleProperty(this, "scoreThreshold", 0.5);
    private final ObjectProperty<Path> imageRoot = new SimpleObjectProperty<>(this, "imageRoot");
    private final StringProperty nameB = new SimpleStringProperty(this, "nameB", "B");
    private CocoDataset gt;
    private List<CocoResult> resultsA;
    private Predicate<CocoResult> reviewed = r -> false;
    private Map<Long, List<CocoResult>> byImageA = Map.of();
    private Map<Long, List<CocoResult>> byImageB = Map.of();
    private Future<?> job;
    private int generation;

    public ComparisonViewModel(TaskExecutor tasks) {
        this.tasks = tasks;
    }

    /**
     * The dataset and the loaded predictions (A; null: none); clears what was compared.
     *
     * @param reviewed true for a prediction accepted or rejected, left out of A as the evaluation leaves it out
     */
    public void setData(CocoDataset gt, List<CocoResult> resultsA, Predicate<CocoResult> reviewed) {
        cancel();
        this.gt = gt;
        this.resultsA = resultsA;
        this.reviewed = reviewed;
        clear();
        status.set(
                gt == null || resultsA == null ? "Open a dataset and its predictions to compare" : "Nothing compared");
    }

    /** Whether there is a dataset and predictions to compare with another results file. */
    public boolean hasData() {
        return gt != null && resultsA != null;
    }

    /**
     * Reads {@code fileB} as results of the open dataset (pycocotools' loadRes rules) and compares it with the loaded
     * predictions at {@code type} in the background; a running comparison is cancelled first. A bad file ends as one
     * status line naming it.
     *
     * @return the running job, null without data
     */
    public Future<?> compare(Path fileB, IouType type) {
        if (!hasData()) return null;
        cancel();
        int gen = ++generation;
        CocoDataset snapshot = gt.shallowCopy();
        List<CocoResult> a = resultsA.stream().filter(reviewed.negate()).toList();
        String name = fileB.getFileName().toString();
        running.set(true);
        status.set("Comparing with " + name + " (" + type + ")...");
        record Outcome(ResultsComparison comparison, List<CocoResult> b) {}
        BackgroundTask<Outcome> task = BackgroundTask.of("Cannot compare with " + name, p -> {
                    p.message("Reading " + name);
                    List<CocoResult> b = CocoResults.read(fileB, snapshot);
                    p.message("Comparing with " + name);
                    ResultsComparison c =
                            ResultsComparison.compare(snapshot, a, b, EvalParams.defaults(type), (done, total) -> {
                                if (p.isCancelled()) throw new CancellationException("comparison cancelled");
                                p.progress(done, total);
                            });
                    return new Outcome(c, b);
                })
                .onFinished(() -> {
                    if (gen == generation) running.set(false);
                })
                .onSuccess(o -> {
                    if (gen != generation) return;
                    nameB.set(name);
                    show(o.comparison(), a, o.b(), type);
                })
                .onFailure(e -> {
                    if (gen != generation) return;
                    clear();
                    status.set(
                            e instanceof CancellationException
                                    ? "Comparison cancelled"
                                    : "Cannot compare with " + name + ": " + BackgroundTask.describe(e));
                });
        job = tasks.execute(task);
        return job;
    }

    /** Asks a running comparison to stop. */
    public void cancel() {
        generation++;
        if (job != null && !job.isDone()) {
            job.cancel(false);
            status.set("Comparison cancelled");
        }
        job = null;
        running.set(false);
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** Per category: A's and B's scores and B - A. */
    public ObservableList<ResultsComparison.CategoryComparison> categories() {
        return categories;
    }

    /** Every image, most disagreement first. */
    public ObservableList<ResultsComparison.ImageComparison> images() {
        return images;
    }

    /** The last finished comparison, null before one. */
    public ReadOnlyObjectProperty<ResultsComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    /** The image shown side by side (null: none); set when an image of {@link #images()} is chosen. */
    public ObjectProperty<Long> selectedImageProperty() {
        return selectedImage;
    }

    /** Detections below it are not shown side by side (the window binds it to its score threshold). */
    public DoubleProperty scoreThresholdProperty() {
        return scoreThreshold;
    }

    /** The folder the dataset's image files are resolved against (null: unknown). */
    public ObjectProperty<Path> imageRootProperty() {
        return imageRoot;
    }

    /** B's file name. */
    public StringProperty nameBProperty() {
        return nameB;
    }

    /** An image of the compared dataset, null when it is not one. */
    public CocoImage image(long imageId) {
        return gt == null ? null : gt.image(imageId);
    }

    /** A category of the compared dataset, null when it is not one. */
    public CocoCategory category(long id) {
        return gt == null ? null : gt.category(id);
    }

    /** The dataset's category ids in file order (empty without data). */
    public List<Long> categoryIds() {
        return gt == null
                ? List.of()
                : gt.categories().stream().map(CocoCategory::id).toList();
    }

    /** The image's file, null when unknown. */
    public Path imageFile(long imageId) {
        CocoImage img = image(imageId);
        Path root = imageRoot.get();
        return img == null || root == null ? null : ImageRootResolver.resolveFile(root, img.fileName());
    }

    /** The image's file name (its id when unknown). */
    public String fileName(long imageId) {
        CocoImage img = image(imageId);
        return img == null ? Long.toString(imageId) : img.fileName();
    }

    /** A's (left) or B's (right) detections of an image at or above the score threshold, highest score first. */
    public List<CocoResult> shown(long imageId, boolean left) {
        double thr = scoreThreshold.get();
        return (left ? byImageA : byImageB)
                .getOrDefault(imageId, List.of()).stream()
                        .filter(r -> r.score() >= thr)
                        .sorted((x, y) -> Double.compare(y.score(), x.score()))
                        .toList();
    }

    private void clear() {
        categories.clear();
        images.clear();
        comparison.set(null);
        byImageA = Map.of();
        byImageB = Map.of();
        selectedImage.set(null);
    }

    private void show(ResultsComparison c, List<CocoResult> a, List<CocoResult> b, IouType type) {
        byImageA = a.stream().collect(Collectors.groupingBy(CocoResult::imageId));
        byImageB = b.stream().collect(Collectors.groupingBy(CocoResult::imageId));
        categories.setAll(c.categories());
        images.setAll(c.images());
        comparison.set(c);
        long differing = c.images().stream()
                .filter(i -> i.disagreement() > 0 || i.countDifference() > 0)
                .count();
        status.set(String.format(
                Locale.ROOT,
                "%s: AP %.3f (A, loaded predictions) vs %.3f (B, %s); %d of %d images differ",
                type,
                c.a().stats()[0],
                c.b().stats()[0],
                nameB.get(),
                differing,
                c.images().size()));
    }
}
