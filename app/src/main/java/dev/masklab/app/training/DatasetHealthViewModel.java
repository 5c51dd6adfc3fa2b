package dev.masklab.app.training;

import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoProblem;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.train.CategoryMap;
import dev.masklab.train.DatasetHealth;
import dev.masklab.train.WeightsClasses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The dataset health check of the Training tab (#17 part 6), before Start: the engine's {@link DatasetHealth} of the
 * chosen training set ({@code masklab stats --training}), the validation set's categories against it (a mismatch is
 * an error that blocks Start: training refuses such a set), and the starting weights' class count against the
 * training set's ({@link WeightsClasses}). Computed in the background through a {@link TaskExecutor}; the last asked
 * check wins. Used on the FX thread.
 */
public final class DatasetHealthViewModel {

    /**
     * One line of the problem list.
     *
     * @param imageId the image it concerns (a click opens it), null when it concerns no single image
     * @param error   true for what stops or spoils training (an annotation without a box)
     */
    public record Issue(String text, Long imageId, boolean error) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** What one check found. */
    public record Report(
            Path file, Architecture arch, DatasetHealth health, String valError, String classes, List<Issue> issues) {}

    /** What the check is asked about. */
    private record Request(Path train, Path val, Path weights, Architecture arch) {}

    private final TaskExecutor tasks;
    private final ReadOnlyObjectWrapper<Report> report = new ReadOnlyObjectWrapper<>(this, "report");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyBooleanWrapper blocksStart = new ReadOnlyBooleanWrapper(this, "blocksStart", false);
    private final ObservableList<Issue> issues = FXCollections.observableArrayList();
    private Request last;
    private int generation;

    public DatasetHealthViewModel(TaskExecutor tasks) {
        this.tasks = tasks;
    }

    /**
     * Checks a training set (null or not a file: clears), with its validation set and starting weights (null: none)
     * for {@code arch}. Asking again for what was last asked does nothing.
     */
    public void check(Path train, Path val, Path weights, Architecture arch) {
        Request r = new Request(train, val, weights, arch);
        if (r.equals(last)) return;
        last = r;
        int gen = ++generation;
        if (train == null || !Files.isRegularFile(train)) {
            clear(train == null ? "" : "Training set not found: " + train);
            return;
        }
        running.set(true); // the last report stays shown until this one replaces it
        BackgroundTask<Report> task = BackgroundTask.of("Cannot check " + train.getFileName(), p -> {
                    p.message("Checking " + train.getFileName());
                    Report rep = compute(r);
                    if (p.isCancelled()) throw new CancellationException();
                    return rep;
                })
                .onFinished(() -> {
                    if (gen == generation) running.set(false);
                })
                .onSuccess(rep -> {
                    if (gen == generation) show(rep);
                })
                .onFailure(e -> {
                    if (gen == generation) clear(BackgroundTask.describe(e));
                });
        tasks.execute(task);
    }

    /** The last finished check, null when none (or the training set is not chosen). */
    public ReadOnlyObjectProperty<Report> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** Why the training set cannot be checked, or "". */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** True when the check found what training refuses (the validation set's categories differ). */
    public ReadOnlyBooleanProperty blocksStartProperty() {
        return blocksStart.getReadOnlyProperty();
    }

    /** The images training would skip and the problems, those of an image first. */
    public ObservableList<Issue> issues() {
        return issues;
    }

    private void clear(String why) {
        report.set(null);
        issues.clear();
        blocksStart.set(false);
        status.set(why);
    }

    private void show(Report r) {
        report.set(r);
        issues.setAll(r.issues());
        blocksStart.set(!r.valError().isEmpty());
        status.set("");
    }

    /** The check itself (background thread). */
    private static Report compute(Request r) throws Exception {
        CocoDataset ds = CocoReader.read(r.train());
        DatasetHealth h = DatasetHealth.of(ds);
        String valError = "";
        if (r.val() != null) {
            try {
                CocoDataset v = CocoReader.read(r.val());
                String diff = CategoryMap.contiguous(ds.categories()).differences(v.categories());
                if (!diff.isEmpty()) {
                    valError = "Validation set " + r.val().getFileName() + ": its categories differ from "
                            + r.train().getFileName() + "'s (" + diff + "); training refuses such a validation set";
                }
            } catch (Exception e) {
                valError = "Validation set: " + BackgroundTask.describe(e);
            }
        }
        String classes;
        try {
            int want = WeightsClasses.ofDataset(ds, r.arch());
            if (r.weights() == null) {
                classes = classes(want - 1) + " to learn, from scratch";
            } else {
                int have = WeightsClasses.count(r.weights());
                String diff = WeightsClasses.compare(have, want);
                classes = classes(want - 1) + " to learn; "
                        + (diff.isEmpty() ? "the weights have the same " + (have - 1) + " classes" : diff);
            }
        } catch (Exception e) {
            classes = "Classes: " + BackgroundTask.describe(e);
        }
        return new Report(r.train(), r.arch(), h, valError, classes, issues(ds, h, r.arch()));
    }

    /** The problem list: skipped images, annotations left out or without a box, then the reader's problems. */
    static List<Issue> issues(CocoDataset ds, DatasetHealth h, Architecture arch) {
        List<Issue> out = new ArrayList<>();
        List<DatasetHealth.SkippedImage> skipped =
                arch.hasKeypoints() && h.skippedKeypoints() != null ? h.skippedKeypoints() : h.skipped();
        for (DatasetHealth.SkippedImage s : skipped) {
            out.add(new Issue("Skipped: " + s.fileName() + " (" + s.reason() + ")", s.imageId(), false));
        }
        Map<Long, Long> imageOf = new HashMap<>();
        for (CocoAnnotation a : ds.annotations()) imageOf.put(a.id(), a.imageId());
        for (long id : h.boxless()) {
            out.add(new Issue(
                    "Annotation " + id + " has no bbox (training stops on it)" + in(ds, imageOf.get(id)),
                    imageOf.get(id),
                    true));
        }
        for (long id : h.droppedAnnotations()) {
            out.add(new Issue(
                    "Annotation " + id + " left out: its box is empty inside the image" + in(ds, imageOf.get(id)),
                    imageOf.get(id),
                    false));
        }
        for (CocoProblem p : h.problems()) out.add(new Issue(p.toString(), null, false));
        return List.copyOf(out);
    }

    private static String classes(int n) {
        return n + (n == 1 ? " class" : " classes");
    }

    private static String in(CocoDataset ds, Long imageId) {
        if (imageId == null || ds.image(imageId) == null) return "";
        return " in " + ds.image(imageId).fileName();
    }

    /** The names of the categories without a (non-crowd) instance, "" when every category has one. */
    public static String emptyCategories(DatasetHealth h) {
        return h.emptyCategories().stream().map(CocoCategory::name).collect(Collectors.joining(", "));
    }

    /** Number of annotations (crowd included) over the images. */
    public static int objects(DatasetHealth h) {
        int n = 0;
        for (var e : h.objectsPerImage().entrySet()) n += e.getKey() * e.getValue();
        return n;
    }

    /** The images the chosen architecture's training set skips. */
    public static List<DatasetHealth.SkippedImage> skipped(Report r) {
        DatasetHealth h = r.health();
        return Objects.requireNonNullElse(r.arch().hasKeypoints() ? h.skippedKeypoints() : h.skipped(), h.skipped());
    }
}
