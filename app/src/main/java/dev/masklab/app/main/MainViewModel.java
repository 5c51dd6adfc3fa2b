package dev.masklab.app.main;

import dev.masklab.app.browser.BrowserFilter;
import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.edit.Edit;
import dev.masklab.app.model.CategoryInfo;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.prediction.BoxPrompter;
import dev.masklab.app.prediction.PointPrompter;
import dev.masklab.app.review.ReviewOrder;
import dev.masklab.coco.CocoResult;
import dev.masklab.review.PredictionKey;
import dev.masklab.review.ReviewQueue;
import dev.masklab.review.ReviewState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * State of the main window, independent of any view (usable without a display): the open dataset, the filtered image
 * list and the current image, layer settings, category visibility, predictions with their score threshold, and the
 * selected / hovered instance, and the corrections made to the annotations ({@link AnnotationEditor}: accept or reject
 * predictions, edit annotations, undo, save). Views bind to it; services fill it.
 */
public final class MainViewModel {
    /** Which instances the canvas area shows. */
    public enum ViewMode {
        GROUND_TRUTH("Ground truth"),
        PREDICTIONS("Predictions"),
        OVERLAY("Both overlaid"),
        SIDE_BY_SIDE("Side by side");

        private final String label;

        ViewMode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ObjectProperty<ToolKind> tool = new SimpleObjectProperty<>(this, "tool", ToolKind.SELECT);
    private final ObjectProperty<CategoryRow> drawCategory = new SimpleObjectProperty<>(this, "drawCategory");
    private final javafx.beans.property.IntegerProperty selectedKeypoint =
            new javafx.beans.property.SimpleIntegerProperty(this, "selectedKeypoint", -1);
    private final javafx.beans.property.IntegerProperty selectedPart =
            new javafx.beans.property.SimpleIntegerProperty(this, "selectedPart", -1);
    private final ReadOnlyBooleanWrapper addingPart = new ReadOnlyBooleanWrapper(this, "addingPart");
    /** Asks the loaded model about a box; null while no model is loaded. */
    private final ObjectProperty<BoxPrompter> boxPrompter = new SimpleObjectProperty<>(this, "boxPrompter");
    /** Asks the loaded model what is at a point (the point prompt tool); null while no model is loaded. */
    private final ObjectProperty<PointPrompter> pointPrompter = new SimpleObjectProperty<>(this, "pointPrompter");
    /** Results of box prompts: shown whatever their score (the user asked for them). */
    private final java.util.Set<Instance> prompted =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private final DoubleProperty brushRadius = new SimpleDoubleProperty(this, "brushRadius", 8);
    private final ObservableList<ImageEntry> images = FXCollections.observableArrayList();
    private final FilteredList<ImageEntry> filteredImages = new FilteredList<>(images);
    private final BrowserFilter filter = new BrowserFilter();
    private final ObjectProperty<ImageEntry> currentImage = new SimpleObjectProperty<>(this, "currentImage");
    private final LayerSettings layers = new LayerSettings();
    private final ObservableList<CategoryRow> categories =
            FXCollections.observableArrayList(row -> new Observable[] {row.visibleProperty()});
    private final Map<Integer, CategoryRow> categoryById = new HashMap<>();
    private final ReadOnlyObjectWrapper<PredictionSet> predictions = new ReadOnlyObjectWrapper<>(this, "predictions");
    private final DoubleProperty scoreThreshold = new SimpleDoubleProperty(this, "scoreThreshold", 0.5);
    private final ObjectProperty<ViewMode> viewMode =
            new SimpleObjectProperty<>(this, "viewMode", ViewMode.GROUND_TRUTH);
    private final ReadOnlyObjectWrapper<List<Instance>> shownGroundTruth =
            new ReadOnlyObjectWrapper<>(this, "shownGroundTruth", List.of());
    private final ReadOnlyObjectWrapper<List<Instance>> shownPredictions =
            new ReadOnlyObjectWrapper<>(this, "shownPredictions", List.of());
    private final ReadOnlyIntegerWrapper predictionsAboveThreshold =
            new ReadOnlyIntegerWrapper(this, "predictionsAboveThreshold");
    private final ReadOnlyStringWrapper reviewProgress = new ReadOnlyStringWrapper(this, "reviewProgress", "");
    /** The review queue last walked, for the predictions, order and threshold it was made for (null: none yet). */
    private ReviewQueue queue;

    private PredictionSet queueSet;
    private ReviewQueue.Order queueOrder;
    private double queueThreshold;
    private final ObjectProperty<Instance> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<Instance> hovered = new SimpleObjectProperty<>(this, "hovered");
    private final ObjectProperty<javafx.geometry.Point2D> cursor = new SimpleObjectProperty<>(this, "cursor");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final DatasetDocument document;
    private ViewMode predictionViewMode = ViewMode.SIDE_BY_SIDE;
    private final Map<Long, Integer> imageIndex = new HashMap<>();
    private final List<java.util.function.LongConsumer> editListeners = new ArrayList<>();
    /** Set while an edit replaces the current image's entry: the selection is kept, not cleared. */
    private boolean replacingCurrent;

    public MainViewModel(DatasetDocument document) {
        this.document = document;
        document.editorProperty().addListener((o, a, b) -> {
            if (b != null) b.setKeypointScoreThreshold(layers.keypointScoreThresholdProperty()::get);
            showDataset(document.dataset());
        });
        document.messageProperty().addListener((o, a, b) -> message.set(b));
        tool.addListener((o, a, b) -> {
            if (b != ToolKind.POLYGON) addingPart.set(false);
        });
        selected.addListener((o, a, b) -> {
            if (b == null || b.prediction() || a != null && b.id() != a.id()) {
                addingPart.set(false);
                selectedKeypoint.set(-1);
                selectedPart.set(-1);
            }
        });
        filteredImages.predicateProperty().bind(filter.predicateBinding());
        currentImage.addListener((o, a, b) -> {
            if (!replacingCurrent) {
                selected.set(null);
                hovered.set(null);
            }
            refreshShown();
        });
        categories.addListener((javafx.collections.ListChangeListener<CategoryRow>) c -> {
            refreshShown();
            refreshPredictionCounts();
        });
        scoreThreshold.addListener((o, a, b) -> {
            refreshShown();
            refreshPredictionCounts();
        });
        predictions.addListener((o, a, b) -> {
            refreshShown();
            refreshPredictionCounts();
        });
    }

    // ---- dataset and images ----

    /**
     * Tells {@code listener} the image id after each edit, undo or redo of the annotations or the review (accept,
     * reject) of one image, on the FX thread, once the dataset has changed.
     */
    public void addEditListener(java.util.function.LongConsumer listener) {
        editListeners.add(listener);
    }

    /** The open dataset as a document: file, edit history, save and autosave. */
    public DatasetDocument document() {
        return document;
    }

    /** Shows {@code ds} (null closes) as saved, without asking anything ({@link DatasetDocument#setDataset}). */
    public void setDataset(LoadedDataset ds) {
        document.setDataset(ds);
    }

    /** Resets filter, predictions and selection for the document's new dataset; the first image becomes current. */
    private void showDataset(LoadedDataset ds) {
        setPredictions(null);
        filter.clear();
        currentImage.set(null);
        categoryById.clear();
        List<CategoryRow> rows = new ArrayList<>();
        if (ds != null) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (ImageEntry e : ds.images())
                for (Instance a : e.annotations()) counts.merge(a.categoryId(), 1, Integer::sum);
            int i = 0;
            for (CategoryInfo c : ds.categories()) {
                CategoryRow row = new CategoryRow(c, i++, counts.getOrDefault(c.id(), 0));
                rows.add(row);
                categoryById.put(c.id(), row);
            }
        }
        imageIndex.clear();
        if (ds != null)
            for (int i = 0; i < ds.images().size(); i++)
                imageIndex.put(ds.images().get(i).id(), i);
        categories.setAll(rows);
        drawCategory.set(rows.isEmpty() ? null : rows.getFirst());
        tool.set(ToolKind.SELECT);
        images.setAll(ds == null ? List.of() : ds.images());
        currentImage.set(filteredImages.isEmpty() ? null : filteredImages.getFirst());
    }

    public ReadOnlyObjectProperty<LoadedDataset> datasetProperty() {
        return document.datasetProperty();
    }

    public LoadedDataset getDataset() {
        return document.dataset();
    }

    /** All images of the dataset. */
    public ObservableList<ImageEntry> images() {
        return images;
    }

    /** The images passing the browser filter, in dataset order. */
    public FilteredList<ImageEntry> filteredImages() {
        return filteredImages;
    }

    public BrowserFilter filter() {
        return filter;
    }

    public ObjectProperty<ImageEntry> currentImageProperty() {
        return currentImage;
    }

    public ImageEntry getCurrentImage() {
        return currentImage.get();
    }

    /** Position of the current image in the filtered list, or -1. */
    public int currentIndex() {
        ImageEntry cur = currentImage.get();
        if (cur == null) return -1;
        for (int i = 0; i < filteredImages.size(); i++) if (filteredImages.get(i) == cur) return i;
        return -1;
    }

    /** Moves to the next image of the filtered list; false at the end. */
    public boolean next() {
        return step(1);
    }

    /** Moves to the previous image of the filtered list; false at the start. */
    public boolean previous() {
        return step(-1);
    }

    private boolean step(int d) {
        if (filteredImages.isEmpty()) return false;
        int i = currentIndex();
        int j = i < 0 ? 0 : i + d;
        if (j < 0 || j >= filteredImages.size()) return false;
        currentImage.set(filteredImages.get(j));
        return true;
    }

    // ---- layers and categories ----

    public LayerSettings layers() {
        return layers;
    }

    public ObservableList<CategoryRow> categories() {
        return categories;
    }

    public CategoryRow category(int id) {
        return categoryById.get(id);
    }

    /** The category's name, or "category N" for ids the dataset does not define. */
    public String categoryName(int id) {
        CategoryRow r = categoryById.get(id);
        return r == null ? "category " + id : r.name();
    }

    /** Drawing color of an instance as 0xRRGGBB, by the current color mode. */
    public int colorOf(Instance inst) {
        if (layers.colorModeProperty().get() == LayerSettings.ColorMode.CATEGORY) {
            CategoryRow r = categoryById.get(inst.categoryId());
            return r == null ? 0x808080 : r.rgb();
        }
        return ColorPalette.instanceRgb(inst.prediction() ? inst.id() * 31 + 7 : inst.id());
    }

    private boolean categoryVisible(int id) {
        CategoryRow r = categoryById.get(id);
        return r == null || r.isVisible();
    }

    // ---- predictions ----

    public void setPredictions(PredictionSet set) {
        if (set == null) prompted.clear();
        predictions.set(set);
        if (set != null && viewMode.get() == ViewMode.GROUND_TRUTH) viewMode.set(predictionViewMode);
        if (set == null) viewMode.set(ViewMode.GROUND_TRUTH);
    }

    public ReadOnlyObjectProperty<PredictionSet> predictionsProperty() {
        return predictions.getReadOnlyProperty();
    }

    public DoubleProperty scoreThresholdProperty() {
        return scoreThreshold;
    }

    /** How predictions are shown when they are loaded (side by side unless the user chose otherwise before). */
    public void setPredictionViewMode(ViewMode m) {
        predictionViewMode = m == ViewMode.GROUND_TRUTH ? ViewMode.SIDE_BY_SIDE : m;
    }

    public ObjectProperty<ViewMode> viewModeProperty() {
        return viewMode;
    }

    /** Number of predictions over the whole dataset at or above the threshold, in visible categories. */
    public ReadOnlyIntegerProperty predictionsAboveThresholdProperty() {
        return predictionsAboveThreshold.getReadOnlyProperty();
    }

    /**
     * How far the review of the loaded predictions at or above the threshold has come, as "312 of 1,240 reviewed"
     * (decisions of earlier sessions count); "" when no predictions are loaded.
     */
    public ReadOnlyStringProperty reviewProgressProperty() {
        return reviewProgress.getReadOnlyProperty();
    }

    /**
     * The review queue: goes to the next pending prediction across all images (at or above the threshold) after the
     * selected one and selects it, image by image ({@code lowestFirst} false) or lowest confidence first; wraps
     * around. False, with a message, when nothing is pending.
     */
    public boolean nextPending(boolean lowestFirst) {
        PredictionSet ps = predictions.get();
        if (ps == null || editor() == null) return false;
        ReviewQueue.Order order = lowestFirst ? ReviewQueue.Order.LOWEST_SCORE_FIRST : ReviewQueue.Order.BY_IMAGE;
        double t = scoreThreshold.get();
        if (queue == null || queueSet != ps || queueOrder != order || queueThreshold != t) {
            List<Long> imageOrder = new ArrayList<>(images.size());
            for (ImageEntry e : images) imageOrder.add(e.id());
            queue = new ReviewQueue(ps.results(), order, t, imageOrder);
            queueSet = ps;
            queueOrder = order;
            queueThreshold = t;
        }
        Instance sel = selected.get();
        CocoResult current = null;
        if (sel != null && sel.key() != null) {
            for (CocoResult r : ps.results()) {
                if (r.imageId() == sel.imageId() && sel.key().equals(PredictionKey.of(r))) {
                    current = r;
                    break;
                }
            }
        }
        ReviewState state = editor().review();
        Optional<Instance> next =
                queue.next(state, current).flatMap(ps::instanceOf).filter(i -> !reviewed(i));
        if (next.isEmpty()) {
            message.set("Nothing left to review: " + queue.progress(state));
            return false;
        }
        Instance p = next.get();
        Integer idx = imageIndex.get(p.imageId());
        if (idx == null) return false;
        if (currentImage.get() != images.get(idx)) currentImage.set(images.get(idx));
        selected.set(p);
        message.set(describe(p) + " on " + images.get(idx).fileName() + " (" + queue.progress(state) + ")");
        return true;
    }

    // ---- what the canvas shows ----

    /** Ground truth of the current image in visible categories. */
    public ReadOnlyObjectProperty<List<Instance>> shownGroundTruthProperty() {
        return shownGroundTruth.getReadOnlyProperty();
    }

    /** Predictions of the current image in visible categories at or above the score threshold. */
    public ReadOnlyObjectProperty<List<Instance>> shownPredictionsProperty() {
        return shownPredictions.getReadOnlyProperty();
    }

    private void refreshShown() {
        ImageEntry cur = currentImage.get();
        List<Instance> gt = new ArrayList<>();
        List<Instance> pr = new ArrayList<>();
        if (cur != null) {
            for (Instance a : cur.annotations()) if (categoryVisible(a.categoryId())) gt.add(a);
            PredictionSet ps = predictions.get();
            if (ps != null) {
                double t = scoreThreshold.get();
                for (Instance p : ps.forImage(cur.id()))
                    if ((p.score() >= t || prompted.contains(p)) && categoryVisible(p.categoryId()) && !reviewed(p))
                        pr.add(p);
            }
        }
        shownGroundTruth.set(List.copyOf(gt));
        shownPredictions.set(List.copyOf(pr));
        if (selected.get() != null && !gt.contains(selected.get()) && !pr.contains(selected.get())) selected.set(null);
        if (hovered.get() != null && !gt.contains(hovered.get()) && !pr.contains(hovered.get())) hovered.set(null);
    }

    private void refreshPredictionCounts() {
        PredictionSet ps = predictions.get();
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        int total = 0;
        int decided = 0;
        int all = 0;
        if (ps != null) {
            double t = scoreThreshold.get();
            for (List<Instance> l : ps.byImage().values())
                for (Instance p : l) {
                    if (p.score() < t) continue;
                    all++;
                    if (reviewed(p)) {
                        decided++;
                    } else {
                        counts.merge(p.categoryId(), 1, Integer::sum);
                        if (categoryVisible(p.categoryId())) total++;
                    }
                }
        }
        for (CategoryRow r : categories) r.predictionCountProperty().set(counts.getOrDefault(r.id(), 0));
        predictionsAboveThreshold.set(total);
        reviewProgress.set(ps == null ? "" : new ReviewState.Progress(decided, all).toString());
    }

    // ---- selection ----

    public ObjectProperty<Instance> selectedProperty() {
        return selected;
    }

    public ObjectProperty<Instance> hoveredProperty() {
        return hovered;
    }

    /** Cursor position over the image in image pixels, or null when outside. */
    public ObjectProperty<javafx.geometry.Point2D> cursorProperty() {
        return cursor;
    }

    /** A one-line, user-facing status or error message. */
    public StringProperty messageProperty() {
        return message;
    }

    /** A short description, e.g. "person #442619 (score 0.93)", for tooltips and the status bar. */
    public String describe(Instance inst) {
        if (inst == null) return "";
        StringBuilder sb = new StringBuilder(categoryName(inst.categoryId()));
        if (inst.prediction()) sb.append(String.format(" %.2f", inst.score()));
        else sb.append(" #").append(inst.id());
        if (inst.crowd()) sb.append(" (crowd)");
        return sb.toString();
    }

    // ---- corrections (semi-automatic labelling) ----

    /** The open dataset's editor, or null when none is open. */
    public AnnotationEditor editor() {
        return document.editor();
    }

    private boolean reviewed(Instance prediction) {
        return editor() != null && editor().isReviewed(prediction);
    }

    /** True when the annotations have changes that are not saved. */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return document.dirtyProperty();
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return document.canUndoProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return document.canRedoProperty();
    }

    /** What undo would take back ("" when nothing). */
    public ReadOnlyStringProperty undoLabelProperty() {
        return document.undoLabelProperty();
    }

    public ReadOnlyStringProperty redoLabelProperty() {
        return document.redoLabelProperty();
    }

    private boolean editable() {
        if (editor() == null) return false;
        if (document.isSaving()) {
            message.set("Saving: try again when the file is written");
            return false;
        }
        return true;
    }

    /**
     * Accepts the selected prediction as a ground-truth annotation; the next shown prediction becomes selected (the
     * new annotation when none is left). False when no prediction is selected.
     */
    public boolean acceptSelected() {
        Instance p = selected.get();
        if (!editable() || p == null || !p.prediction()) return false;
        int at = shownPredictions.get().indexOf(p);
        long id = editor().accept(p, "Accept " + describe(p));
        afterEdit(p.imageId(), id, true, "Accepted " + describe(p) + " as annotation #" + id);
        selectSameIndex(shownPredictions.get(), at);
        return true;
    }

    /** Reviewing with the keyboard: the instance now at the reviewed one's place is selected next. */
    private void selectSameIndex(List<Instance> list, int at) {
        Instance next = ReviewOrder.afterReview(list, at);
        if (next != null) selected.set(next);
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
        Instance s = selected.get();
        Instance next = ReviewOrder.step(s, ReviewOrder.walked(s, shownPredictions.get(), shownGroundTruth.get()), d);
        if (next != null) selected.set(next);
    }

    /** Accepts every shown prediction of the current image (at or above the threshold, in visible categories). */
    public int acceptAllShown() {
        if (!editable()) return 0;
        List<Instance> shown = shownPredictions.get();
        if (shown.isEmpty()) return 0;
        int n = editor().acceptAll(shown, "Accept " + shown.size() + " predictions")
                .size();
        ImageEntry cur = currentImage.get();
        if (cur != null) afterEdit(cur.id(), -1, false, "Accepted " + n + " predictions (one undo takes them back)");
        return n;
    }

    /**
     * Removes the selection: a prediction is rejected (hidden; the file does not change), an annotation deleted (its
     * selected keypoint only, when one is: {@link #deleteSelectedKeypoint()}).
     * The next instance of the same kind on the image becomes selected, for reviewing with the keyboard.
     */
    public boolean deleteSelected() {
        Instance s = selected.get();
        if (!editable() || s == null) return false;
        if (selectedKeypoint.get() >= 0 && !s.prediction()) return deleteSelectedKeypoint();
        List<Instance> same = s.prediction() ? shownPredictions.get() : shownGroundTruth.get();
        int at = same.indexOf(s);
        if (s.prediction()) editor().reject(s, "Reject " + describe(s));
        else editor().delete(s.id(), "Delete " + describe(s));
        afterEdit(
                s.imageId(),
                s.prediction() ? -1 : s.id(),
                false,
                (s.prediction() ? "Rejected " : "Deleted ") + describe(s));
        selectSameIndex(s.prediction() ? shownPredictions.get() : shownGroundTruth.get(), at);
        return true;
    }

    /** Gives the selected annotation another category; false when a prediction or nothing is selected. */
    public boolean setSelectedCategory(int categoryId) {
        Instance s = selected.get();
        if (!editable() || s == null || s.prediction() || s.categoryId() == categoryId) return false;
        editor().setCategory(s.id(), categoryId, "Set category of #" + s.id() + " to " + categoryName(categoryId));
        afterEdit(s.imageId(), s.id(), true, "#" + s.id() + " is now " + categoryName(categoryId));
        return true;
    }

    /** New box (x, y, w, h in image pixels) for a ground-truth annotation. */
    public void setBox(Instance annotation, double[] xywh) {
        if (!editable() || annotation.prediction()) return;
        editor().setBbox(annotation.id(), xywh, "Move box of #" + annotation.id());
        afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /**
     * Moves box corner {@code corner} (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left) of a ground-truth
     * annotation to (x, y): two edges move and the shape follows the box ({@code AnnotationEditor.moveBoxCorner}), so
     * a box stays a box and box and mask never disagree.
     */
    public void moveBoxCorner(Instance annotation, int corner, double x, double y) {
        if (!editable() || annotation.prediction()) return;
        editor().moveBoxCorner(annotation.id(), corner, x, y, "Move box of #" + annotation.id());
        afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Moves a whole ground-truth annotation by (dx, dy) image pixels (kept inside the image). */
    public void translate(Instance annotation, double dx, double dy) {
        if (!editable() || annotation.prediction()) return;
        if (editor().translate(annotation.id(), dx, dy, "Move #" + annotation.id()))
            afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Moves a polygon vertex of a ground-truth annotation. */
    public void moveVertex(Instance annotation, int polygon, int vertex, double x, double y) {
        if (!editable() || annotation.prediction()) return;
        editor().moveVertex(annotation.id(), polygon, vertex, x, y, "Move vertex of #" + annotation.id());
        afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Moves keypoint k of a ground-truth annotation (a keypoint that was not labelled becomes visible). */
    public void moveKeypoint(Instance annotation, int k, double x, double y) {
        if (!editable() || annotation.prediction()) return;
        double[] kp = annotation.keypoints();
        int v = kp[3 * k + 2] > 0 ? (int) kp[3 * k + 2] : 2;
        editor().setKeypoint(
                        annotation.id(), k, x, y, v, "Move " + keypointName(annotation, k) + " of #" + annotation.id());
        afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Cycles keypoint k's visibility: visible, labelled but hidden, not labelled. */
    public void cycleKeypointVisibility(Instance annotation, int k) {
        if (!editable() || annotation.prediction()) return;
        double[] kp = annotation.keypoints();
        int v = (int) kp[3 * k + 2];
        int next = v == 2 ? 1 : v == 1 ? 0 : 2;
        editor().setKeypoint(
                        annotation.id(),
                        k,
                        kp[3 * k],
                        kp[3 * k + 1],
                        next,
                        "Set " + keypointName(annotation, k) + " of #" + annotation.id() + " to v=" + next);
        afterEdit(
                annotation.imageId(),
                annotation.id(),
                true,
                keypointName(annotation, k) + ": "
                        + (next == 2 ? "visible" : next == 1 ? "labelled, hidden" : "not labelled"));
    }

    /**
     * Inserts a vertex on edge {@code edge} of part {@code polygon} of a ground-truth polygon annotation, at the point
     * of that edge nearest to (x, y) image pixels ({@code PolygonEditor.insertVertex}); one undoable edit.
     */
    public void insertVertex(Instance annotation, int polygon, int edge, double x, double y) {
        if (!editable() || annotation.prediction()) return;
        editor().polygons().insertVertex(annotation.id(), polygon, edge, x, y, "Insert vertex in #" + annotation.id());
        afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /**
     * Deletes a polygon vertex of a ground-truth annotation. A part keeps 3 vertices: deleting from a triangle asks
     * (through the dialogs) to delete that part instead; the only part is never deleted this way (delete the
     * annotation). True when something was deleted.
     */
    public boolean deleteVertex(Instance annotation, int polygon, int vertex) {
        if (!editable() || annotation.prediction()) return false;
        if (editor().polygons()
                .deleteVertex(annotation.id(), polygon, vertex, "Delete vertex of #" + annotation.id())) {
            afterEdit(annotation.imageId(), annotation.id(), true, null);
            return true;
        }
        if (polygonsOf(annotation).size() < 2) {
            message.set("A polygon keeps at least 3 vertices: delete the annotation instead");
            return false;
        }
        if (!document.dialogs()
                .confirm(
                        "Delete this part of #" + annotation.id() + "?",
                        "A part keeps at least 3 vertices. Deleting the vertex deletes the whole part (undo brings it back).",
                        "Delete part")) return false;
        return deletePart(annotation, polygon);
    }

    /**
     * The polygon part of the selected annotation whose vertex the user last pressed, or -1 ("Delete part" deletes
     * it). Cleared when another annotation is selected.
     */
    public javafx.beans.property.IntegerProperty selectedPartProperty() {
        return selectedPart;
    }

    /** "Delete part": deletes {@link #selectedPartProperty()} of the selected annotation; false for none or its last part. */
    public boolean deleteSelectedPart() {
        Instance s = selected.get();
        int p = selectedPart.get();
        if (s == null || p < 0 || !deletePart(s, p)) return false;
        selectedPart.set(-1);
        return true;
    }

    /** Deletes part {@code polygon} of a ground-truth polygon annotation; false for its only part. */
    public boolean deletePart(Instance annotation, int polygon) {
        if (!editable() || annotation.prediction()) return false;
        if (!editor().polygons().deletePart(annotation.id(), polygon, "Delete part of #" + annotation.id())) {
            message.set("The last part is not deleted: delete the annotation instead");
            return false;
        }
        afterEdit(
                annotation.imageId(),
                annotation.id(),
                true,
                "Deleted part " + (polygon + 1) + " of #" + annotation.id());
        return true;
    }

    /**
     * Adds a polygon (x0, y0, x1, y1, ...; at least 3 points) as a new part of the selected ground-truth annotation
     * ({@code PolygonEditor.addPart}: appended to its polygons; into an RLE mask its pixels are added). False when no
     * annotation is selected.
     */
    public boolean addPartToSelected(double[] xy) {
        Instance s = selected.get();
        if (!editable() || s == null || s.prediction() || xy.length < 6) return false;
        editor().polygons().addPart(s.id(), xy, "Add part to #" + s.id());
        afterEdit(s.imageId(), s.id(), true, "Added a part to #" + s.id());
        return true;
    }

    /**
     * "Add part": the polygon tool starts, and the polygon it closes next becomes a part of the selected annotation
     * ({@link #addPartToSelected}) instead of a new annotation. False when no annotation is selected.
     */
    public boolean startAddPart() {
        Instance s = selected.get();
        if (editor() == null || s == null || s.prediction()) return false;
        tool.set(ToolKind.POLYGON);
        addingPart.set(true);
        message.set("Draw the new part of #" + s.id() + " (Escape cancels)");
        return true;
    }

    /** True while the polygon tool draws a part of the selected annotation ({@link #startAddPart()}). */
    public ReadOnlyBooleanProperty addingPartProperty() {
        return addingPart.getReadOnlyProperty();
    }

    /**
     * A polygon closed by the polygon tool: a part of the selected annotation in add-part mode (then the select tool
     * returns), else a new annotation ({@link #addPolygon(double[])}).
     */
    public long closePolygon(double[] xy) {
        if (!addingPart.get()) return addPolygon(xy);
        Instance s = selected.get();
        boolean added = addPartToSelected(xy);
        addingPart.set(false);
        tool.set(ToolKind.SELECT);
        return added ? s.id() : -1;
    }

    // ---- keypoints ----

    /**
     * The keypoint of the selected annotation the user last pressed (its index k), or -1: Delete deletes it, V / Shift+V
     * set its visibility. Cleared when another annotation is selected.
     */
    public javafx.beans.property.IntegerProperty selectedKeypointProperty() {
        return selectedKeypoint;
    }

    /** Selects keypoint k of the selected annotation (-1: none) and says what the keys do with it. */
    public void selectKeypoint(int k) {
        Instance s = selected.get();
        selectedKeypoint.set(s == null || s.prediction() ? -1 : k);
        if (selectedKeypoint.get() >= 0)
            message.set(keypointName(s, k) + " of #" + s.id() + ": Delete removes it, V visible, Shift+V hidden");
    }

    /** True when {@code inst} is a ground-truth annotation of a category with keypoints (its skeleton can be placed). */
    public boolean skeletonPlaceable(Instance inst) {
        CategoryRow r = inst == null || inst.prediction() ? null : categoryById.get(inst.categoryId());
        return r != null && r.info().hasKeypoints();
    }

    /**
     * "Place skeleton": the category's keypoint template placed in the selected annotation's box
     * ({@code KeypointEditor.placeKeypoints}, keypoints already labelled kept); one undo. False when not applicable.
     */
    public boolean placeSkeletonOnSelected() {
        Instance s = selected.get();
        if (!editable() || !skeletonPlaceable(s)) return false;
        try {
            editor().keypoints().placeKeypoints(s.id(), null, true, "Place skeleton on #" + s.id());
        } catch (IllegalArgumentException ex) {
            message.set("Cannot place the skeleton: " + ex.getMessage());
            return false;
        }
        afterEdit(
                s.imageId(),
                s.id(),
                true,
                "Placed the " + categoryName(s.categoryId()) + " skeleton on #" + s.id()
                        + " (drag the keypoints into place)");
        return true;
    }

    /** Deletes the selected keypoint ({@code KeypointEditor.deleteKeypoint}: v = 0 at 0, 0); false when none. */
    public boolean deleteSelectedKeypoint() {
        Instance s = selected.get();
        int k = selectedKeypoint.get();
        if (!editable() || s == null || s.prediction() || k < 0 || !s.hasKeypoints()) return false;
        String name = keypointName(s, k);
        editor().keypoints().deleteKeypoint(s.id(), k, "Delete " + name + " of #" + s.id());
        afterEdit(s.imageId(), s.id(), true, "Deleted " + name + " of #" + s.id());
        selectedKeypoint.set(-1);
        return true;
    }

    /**
     * Sets the selected keypoint's visibility (2 visible, 1 labelled but hidden; an unlabelled keypoint is placed
     * where the category's template has it: {@code KeypointEditor.setKeypointVisibility}). False when none.
     */
    public boolean setSelectedKeypointVisibility(int v) {
        Instance s = selected.get();
        int k = selectedKeypoint.get();
        if (!editable() || s == null || s.prediction() || k < 0 || !s.hasKeypoints()) return false;
        editor().keypoints()
                .setKeypointVisibility(s.id(), k, v, "Set " + keypointName(s, k) + " of #" + s.id() + " to v=" + v);
        afterEdit(s.imageId(), s.id(), true, keypointName(s, k) + ": " + (v == 2 ? "visible" : "labelled, hidden"));
        return true;
    }

    /** True when {@code inst} is a ground-truth annotation whose mask is RLE and no crowd region (it may become polygons). */
    public static boolean convertibleToPolygons(Instance inst) {
        return inst != null
                && !inst.prediction()
                && !inst.crowd()
                && inst.maskKind().endsWith("RLE");
    }

    /** True when {@code inst} is a ground-truth polygon annotation (it may become an RLE mask). */
    public static boolean convertibleToMask(Instance inst) {
        return inst != null && !inst.prediction() && inst.maskKind().startsWith("polygon");
    }

    /**
     * "Convert to polygons…": the selected RLE annotation is traced once ({@code PolygonEditor.tracePolygons}); the
     * dialogs ask for the simplification tolerance (0..5 px, 1 px first) showing each value's vertex count and IoU
     * with the mask; the polygons fitted at the chosen tolerance replace the mask (one undo). False when cancelled.
     */
    public boolean convertSelectedToPolygons() {
        Instance s = selected.get();
        if (!editable() || !convertibleToPolygons(s)) return false;
        var trace = editor().polygons().tracePolygons(s.id());
        String holes = trace.holePixels() > 0 ? String.format(" (fills %d hole pixels)", trace.holePixels()) : "";
        var tol = document.dialogs().askValue("Convert #" + s.id() + " to polygons: tolerance (px)", 0, 5, 1, t -> {
            var fit = trace.fit(t);
            return String.format("%d vertices, IoU %.4f", fit.vertexCount(), fit.iou()) + holes;
        });
        if (tol.isEmpty()) return false;
        try {
            var fit = editor().polygons()
                    .convertToPolygons(s.id(), tol.getAsDouble(), "Convert #" + s.id() + " to polygons");
            afterEdit(
                    s.imageId(),
                    s.id(),
                    true,
                    String.format(
                            "#%d is now %d polygons, %d vertices, IoU %.4f",
                            s.id(), fit.polygons().size(), fit.vertexCount(), fit.iou()));
            return true;
        } catch (IllegalArgumentException ex) {
            document.dialogs().showError("Cannot convert #" + s.id() + " to polygons", ex.getMessage());
            return false;
        }
    }

    /** "Convert to mask": the selected polygon annotation becomes its exact RLE mask (one undo). */
    public boolean convertSelectedToMask() {
        Instance s = selected.get();
        if (!editable() || !convertibleToMask(s)) return false;
        editor().polygons().convertToMask(s.id(), "Convert #" + s.id() + " to a mask");
        afterEdit(s.imageId(), s.id(), true, "#" + s.id() + " is now an RLE mask");
        return true;
    }

    /** Toggles {@code iscrowd} of the selected annotation ({@code AnnotationEditor.setCrowd}); false when none. */
    public boolean toggleSelectedCrowd() {
        Instance s = selected.get();
        if (!editable() || s == null || s.prediction()) return false;
        boolean crowd = !s.crowd();
        editor().setCrowd(s.id(), crowd, (crowd ? "Mark #" : "Unmark #") + s.id() + " as crowd");
        afterEdit(s.imageId(), s.id(), true, "#" + s.id() + (crowd ? " is a crowd region" : " is no crowd region"));
        return true;
    }

    /**
     * Accepts the selected prediction as category {@code categoryId} (one undo; {@code AnnotationEditor.accept}), then
     * selects the next prediction as {@link #acceptSelected()} does.
     */
    public boolean acceptSelectedAs(int categoryId) {
        Instance p = selected.get();
        if (!editable() || p == null || !p.prediction() || category(categoryId) == null) return false;
        int at = shownPredictions.get().indexOf(p);
        long id = editor().accept(p, categoryId, "Accept " + describe(p) + " as " + categoryName(categoryId));
        afterEdit(p.imageId(), id, true, "Accepted " + describe(p) + " as " + categoryName(categoryId) + " #" + id);
        selectSameIndex(shownPredictions.get(), at);
        return true;
    }

    /**
     * Asks (through the dialogs) for the category of the selected prediction, the predicted one preselected, and
     * accepts it as that; false when cancelled or no prediction is selected.
     */
    public boolean acceptSelectedAsChosen() {
        Instance p = selected.get();
        if (!editable() || p == null || !p.prediction() || categories.isEmpty()) return false;
        CategoryRow initial = category(p.categoryId());
        var chosen = document.dialogs()
                .choose(
                        "Accept " + describe(p) + " as",
                        "Category:",
                        List.copyOf(categories),
                        initial != null ? initial : categories.getFirst());
        return chosen.isPresent() && acceptSelectedAs(chosen.get().id());
    }

    // ---- drawing new annotations ----

    public ObjectProperty<ToolKind> toolProperty() {
        return tool;
    }

    /** The category new boxes, polygons and brush strokes get. */
    public ObjectProperty<CategoryRow> drawCategoryProperty() {
        return drawCategory;
    }

    /** Brush and eraser radius in image pixels (1..200). */
    public DoubleProperty brushRadiusProperty() {
        return brushRadius;
    }

    /** Makes the brush 25% larger (factor &gt; 1) or smaller, within 1..200 px. */
    public void scaleBrush(double factor) {
        brushRadius.set(Math.max(1, Math.min(200, Math.round(brushRadius.get() * factor * 4) / 4.0)));
        message.set(String.format("Brush radius %.2f px", brushRadius.get()));
    }

    /** Adds a box (any two opposite corners, image pixels) on the current image as a 4-corner polygon; -1 if too small. */
    public long addBox(double x0, double y0, double x1, double y1) {
        double xa = Math.min(x0, x1), xb = Math.max(x0, x1), ya = Math.min(y0, y1), yb = Math.max(y0, y1);
        if (xb - xa < 1 || yb - ya < 1) return -1;
        return addPolygon(new double[] {xa, ya, xb, ya, xb, yb, xa, yb}, "box");
    }

    /** Asks the loaded model about boxes (the box prompt tool); null while none is loaded. */
    public ObjectProperty<BoxPrompter> boxPrompterProperty() {
        return boxPrompter;
    }

    public ObjectProperty<PointPrompter> pointPrompterProperty() {
        return pointPrompter;
    }

    /**
     * The box prompt (#16 part 2): asks the loaded model what is in the box with corners (x0, y0), (x1, y1) (image
     * pixels of the current image, any order; clipped to the image); the category chosen in the tool bar is asked for
     * (the prompter falls back to the box head's class when the model does not have it). The answer arrives later as
     * a pending prediction ({@link #addPromptResult}). False when nothing was asked (no model, no image, a box under
     * one pixel).
     */
    public boolean promptBox(double x0, double y0, double x1, double y1) {
        ImageEntry cur = currentImage.get();
        if (!editable() || cur == null) return false;
        BoxPrompter p = boxPrompter.get();
        if (p == null) {
            message.set("No model loaded: run a model first (Model > Run model), then draw the box again");
            return false;
        }
        double xa = Math.max(0, Math.min(x0, x1)), xb = Math.min(cur.width(), Math.max(x0, x1));
        double ya = Math.max(0, Math.min(y0, y1)), yb = Math.min(cur.height(), Math.max(y0, y1));
        if (xb - xa < 1 || yb - ya < 1) return false;
        CategoryRow c = drawCategory.get();
        message.set("Asking the model about the box…");
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
        PredictionSet ps = predictions.get() == null ? PredictionSet.empty() : predictions.get();
        Instance p = CocoAdapter.prediction(r, ps.nextId());
        prompted.add(p);
        setPredictions(ps.with(p, r));
        ImageEntry cur = currentImage.get();
        if (cur != null && cur.id() == p.imageId()) selected.set(p);
        message.set("Model: " + describe(p) + " in the box (Enter accepts, Delete drops)");
        return p;
    }

    /** Takes a prompt's answer out of the predictions while it is pending (the point prompt's next candidate). */
    public void dropPromptResult(Instance p) {
        PredictionSet ps = predictions.get();
        if (ps == null || reviewed(p) || !prompted.remove(p)) return;
        if (selected.get() == p) selected.set(null);
        setPredictions(ps.without(p));
    }

    /** Adds a polygon (x0, y0, x1, y1, ...; at least 3 points) on the current image; it becomes selected. */
    public long addPolygon(double[] xy) {
        return addPolygon(xy, "polygon");
    }

    private long addPolygon(double[] xy, String what) {
        ImageEntry cur = currentImage.get();
        CategoryRow c = drawCategory.get();
        if (!editable() || cur == null || c == null || xy.length < 6) return -1;
        long id = editor().addPolygons(cur.id(), c.id(), List.of(xy), "Draw " + c.name() + " " + what);
        afterEdit(cur.id(), id, true, "New " + c.name() + " " + what + " #" + id);
        return id;
    }

    /**
     * A brush stroke (x0, y0, x1, y1, ... in image pixels) with {@link #brushRadiusProperty()}: painted into the
     * selected annotation's mask, or a new annotation of the draw category when none is selected; erasing needs a
     * selected annotation. Returns the annotation's id, or -1 when nothing changed.
     */
    public long paint(double[] stroke, boolean add) {
        ImageEntry cur = currentImage.get();
        if (!editable() || cur == null || stroke.length < 2) return -1;
        Instance s = selected.get();
        Instance target = s != null && !s.prediction() && s.imageId() == cur.id() ? s : null;
        if (target == null && !add) {
            message.set("Select an annotation to erase from");
            return -1;
        }
        CategoryRow c = target != null ? categoryById.get(target.categoryId()) : drawCategory.get();
        if (target == null && c == null) return -1;
        String what = (add ? "Paint " : "Erase ") + (target != null ? "#" + target.id() : "new " + c.name());
        long id = editor().paint(
                        target == null ? -1 : target.id(),
                        cur.id(),
                        c == null ? target.categoryId() : c.id(),
                        stroke,
                        brushRadius.get(),
                        add,
                        what);
        if (id < 0) {
            message.set("The stroke changed no pixel");
            return -1;
        }
        afterEdit(
                cur.id(),
                id,
                true,
                target != null && target.maskKind().startsWith("polygon")
                        ? what + ": the mask is now stored as RLE"
                        : what);
        return id;
    }

    /** The polygons of a ground-truth annotation (read-only, image pixels), empty for masks, boxes and predictions. */
    public List<double[]> polygonsOf(Instance annotation) {
        if (editor() == null || annotation == null || annotation.prediction()) return List.of();
        var a = editor().coco().annotation(annotation.id());
        return a != null && a.segmentation() instanceof dev.masklab.coco.Segmentation.Polygons p
                ? p.polygonsView()
                : List.of();
    }

    /** The k-th keypoint's name from the category, else "keypoint k+1". */
    public String keypointName(Instance inst, int k) {
        CategoryRow r = categoryById.get(inst.categoryId());
        List<String> names = r == null ? List.of() : r.info().keypointNames();
        return k < names.size() ? names.get(k) : "keypoint " + (k + 1);
    }

    public boolean undo() {
        if (!editable()) return false;
        Edit e = editor().undo();
        if (e == null) return false;
        afterUndoOrRedo(e, "Undone: ");
        return true;
    }

    public boolean redo() {
        if (!editable()) return false;
        Edit e = editor().redo();
        if (e == null) return false;
        afterUndoOrRedo(e, "Redone: ");
        return true;
    }

    /** An edit of one image updates that image; one of several (a category's) updates categories and every image. */
    private void afterUndoOrRedo(Edit e, String what) {
        if (e.imageId() >= 0) afterEdit(e.imageId(), e.annotationId(), true, what + e.label());
        else afterDatasetEdit(what + e.label());
    }

    // ---- categories ----

    /**
     * Adds a category named by the user (asked through the dialogs); its id is one above the largest. Returns the id,
     * or -1 when cancelled or the name is taken (said in an error).
     */
    public long addCategory() {
        if (!editable()) return -1;
        var name = document.dialogs().askText("New category", "Name:", "");
        if (name.isEmpty()) return -1;
        try {
            long id = editor().categories()
                    .add(name.get().strip(), null, "Add category " + name.get().strip());
            afterDatasetEdit("Added category " + name.get().strip());
            return id;
        } catch (IllegalArgumentException ex) {
            document.dialogs().showError("Cannot add category " + name.get(), ex.getMessage());
            return -1;
        }
    }

    /** Renames {@code row}'s category to a name asked through the dialogs; false when cancelled or refused. */
    public boolean renameCategory(CategoryRow row) {
        if (!editable() || row == null) return false;
        var name = document.dialogs().askText("Rename category " + row.name(), "New name:", row.name());
        if (name.isEmpty()) return false;
        String n = name.get().strip();
        try {
            if (!editor().categories().rename(row.id(), n, "Rename category " + row.name() + " to " + n)) return false;
        } catch (IllegalArgumentException ex) {
            document.dialogs().showError("Cannot rename category " + row.name(), ex.getMessage());
            return false;
        }
        afterDatasetEdit("Renamed category " + row.name() + " to " + n);
        return true;
    }

    /**
     * Merges {@code row}'s category into another one chosen through the dialogs: its annotations get that category
     * and it is removed (one undo). Returns the number of annotations re-labelled, -1 when cancelled or refused.
     */
    public int mergeCategory(CategoryRow row) {
        if (!editable() || row == null) return -1;
        List<CategoryRow> others =
                categories.stream().filter(r -> r.id() != row.id()).toList();
        if (others.isEmpty()) return -1;
        var into = document.dialogs()
                .choose(
                        "Merge " + row.name() + " into",
                        "Its " + row.count() + " annotations get the category chosen here, and " + row.name()
                                + " is removed.",
                        others,
                        others.getFirst());
        if (into.isEmpty()) return -1;
        try {
            int n = editor().categories()
                    .merge(
                            row.id(),
                            into.get().id(),
                            "Merge category " + row.name() + " into "
                                    + into.get().name());
            afterDatasetEdit("Merged " + row.name() + " into " + into.get().name() + " (" + n + " annotations)");
            return n;
        } catch (IllegalArgumentException ex) {
            document.dialogs()
                    .showError(
                            "Cannot merge " + row.name() + " into " + into.get().name(), ex.getMessage());
            return -1;
        }
    }

    /**
     * Deletes {@code row}'s category and its annotations after asking (through the dialogs, with the number of
     * annotations). Returns the number deleted, -1 when not confirmed.
     */
    public int deleteCategory(CategoryRow row) {
        if (!editable() || row == null) return -1;
        int n = editor().categories().annotationCount(row.id());
        if (!document.dialogs()
                .confirm(
                        "Delete category " + row.name() + " and its " + n + (n == 1 ? " annotation?" : " annotations?"),
                        "Undo brings them back.",
                        "Delete")) return -1;
        editor().categories().delete(row.id(), "Delete category " + row.name());
        afterDatasetEdit("Deleted category " + row.name() + " (" + n + " annotations)");
        return n;
    }

    /**
     * After an edit of several images (a category added, renamed, merged or deleted; its undo): the category rows
     * are built again from the dataset (visibility kept by id, counts recounted) and every image's entry whose
     * annotations changed (category or presence) is rebuilt; the draw category stays unless it is gone.
     */
    private void afterDatasetEdit(String msg) {
        document.edited();
        LoadedDataset ds = document.dataset();
        if (ds == null) return;
        Map<Integer, Integer> counts = new HashMap<>();
        for (var a : ds.coco().annotations()) counts.merge(Math.toIntExact(a.categoryId()), 1, Integer::sum);
        Map<Integer, CategoryRow> old = new HashMap<>(categoryById);
        List<CategoryRow> rows = new ArrayList<>();
        categoryById.clear();
        for (var c : ds.coco().categories()) {
            CategoryInfo info = CocoAdapter.category(c);
            CategoryRow row = new CategoryRow(info, rows.size(), counts.getOrDefault(info.id(), 0));
            CategoryRow was = old.get(info.id());
            if (was != null) row.visibleProperty().set(was.isVisible());
            rows.add(row);
            categoryById.put(info.id(), row);
        }
        CategoryRow draw = drawCategory.get();
        ImageEntry cur = currentImage.get();
        Instance sel = selected.get();
        replacingCurrent = true;
        try {
            categories.setAll(rows);
            drawCategory.set(
                    draw != null && categoryById.containsKey(draw.id())
                            ? categoryById.get(draw.id())
                            : rows.isEmpty() ? null : rows.getFirst());
            for (int i = 0; i < images.size(); i++) {
                ImageEntry e = images.get(i);
                Map<Long, Instance> kept = new HashMap<>();
                for (Instance a : e.annotations()) kept.put(a.id(), a);
                List<Instance> now = new ArrayList<>();
                boolean same = true;
                for (var a : ds.coco().annotationsOf(e.id())) {
                    Instance prev = kept.get(a.id());
                    Instance inst =
                            prev != null && prev.categoryId() == a.categoryId() ? prev : CocoAdapter.groundTruth(a);
                    same &= inst == prev;
                    now.add(inst);
                }
                same &= now.size() == e.annotations().size();
                if (same) continue;
                ImageEntry entry = new ImageEntry(e.id(), e.fileName(), e.width(), e.height(), e.file(), now);
                images.set(i, entry);
                if (e == cur) currentImage.set(entry);
            }
        } finally {
            replacingCurrent = false;
        }
        refreshShown();
        refreshPredictionCounts();
        if (sel != null && !sel.prediction()) {
            Instance again = null;
            for (Instance a : shownGroundTruth.get()) if (a.id() == sel.id()) again = a;
            selected.set(again);
        }
        if (msg != null) message.set(msg);
    }

    /**
     * After an edit, undo or redo of annotation {@code editedId} (-1: none changed, e.g. a rejected prediction, or only
     * new ones): rebuilds the image's entry from the dataset, keeping the instances of the other annotations (so the
     * canvas keeps their decoded masks), moves there when it is not shown, updates counts, and selects the edited
     * annotation when asked and it exists.
     */
    private void afterEdit(long imageId, long editedId, boolean selectEdited, String msg) {
        document.edited();
        int keypoint = selectedKeypoint.get(), part = selectedPart.get();
        long selectedId = selected.get() == null || selected.get().prediction()
                ? -1
                : selected.get().id();
        for (java.util.function.LongConsumer l : editListeners) l.accept(imageId);
        LoadedDataset ds = document.dataset();
        Integer idx = imageIndex.get(imageId);
        if (ds == null || idx == null) return;
        ImageEntry old = images.get(idx);
        Map<Long, Instance> kept = new HashMap<>();
        for (Instance a : old.annotations()) kept.put(a.id(), a);
        List<Instance> now = new ArrayList<>();
        Map<Integer, Integer> delta = new HashMap<>();
        for (var a : ds.coco().annotationsOf(imageId)) {
            Instance prev = kept.remove(a.id());
            Instance inst = prev != null && a.id() != editedId ? prev : CocoAdapter.groundTruth(a);
            if (prev != null) delta.merge(prev.categoryId(), -1, Integer::sum);
            delta.merge(inst.categoryId(), 1, Integer::sum);
            now.add(inst);
        }
        for (Instance gone : kept.values()) delta.merge(gone.categoryId(), -1, Integer::sum);
        delta.forEach((cat, d) -> {
            CategoryRow r = categoryById.get(cat);
            if (r != null && d != 0) r.countProperty().set(r.count() + d);
        });
        boolean same = now.size() == old.annotations().size();
        for (int i = 0; same && i < now.size(); i++)
            same = now.get(i) == old.annotations().get(i);
        // a rejected prediction changes no annotation: the entry stays (the views keep drawing that object)
        ImageEntry entry =
                same ? old : new ImageEntry(old.id(), old.fileName(), old.width(), old.height(), old.file(), now);
        boolean wasCurrent = currentImage.get() == old;
        replacingCurrent = wasCurrent;
        try {
            if (entry != old) images.set(idx, entry);
            currentImage.set(entry);
        } finally {
            replacingCurrent = false;
        }
        if (!wasCurrent) {
            selected.set(null);
            hovered.set(null);
        }
        refreshShown(); // an entry equal to the old one (same instances, a prediction rejected) fires no change
        refreshPredictionCounts();
        Instance sel = null;
        if (selectEdited) for (Instance a : entry.annotations()) if (a.id() == editedId) sel = a;
        selected.set(sel);
        if (sel != null && sel.id() == selectedId) { // the same annotation keeps its selected keypoint and part
            selectedKeypoint.set(keypoint);
            selectedPart.set(part < polygonsOf(sel).size() ? part : -1);
        }
        if (msg != null) message.set(msg);
    }
}
