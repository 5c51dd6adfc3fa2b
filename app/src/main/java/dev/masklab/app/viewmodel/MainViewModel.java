package dev.masklab.app.viewmodel;

import dev.masklab.app.service.CategoryInfo;
import dev.masklab.app.service.ImageEntry;
import dev.masklab.app.service.Instance;
import dev.masklab.app.service.LoadedDataset;
import dev.masklab.app.service.PredictionSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
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
 * selected / hovered instance. Views bind to it; services fill it.
 */
public final class MainViewModel {
    /** Which instances the canvas area shows. */
    public enum ViewMode {
        GROUND_TRUTH("Ground truth"), PREDICTIONS("Predictions"), OVERLAY("Both overlaid"), SIDE_BY_SIDE("Side by side");

        private final String label;

        ViewMode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ReadOnlyObjectWrapper<LoadedDataset> dataset = new ReadOnlyObjectWrapper<>(this, "dataset");
    private final ObservableList<ImageEntry> images = FXCollections.observableArrayList();
    private final FilteredList<ImageEntry> filteredImages = new FilteredList<>(images);
    private final BrowserFilter filter = new BrowserFilter();
    private final ObjectProperty<ImageEntry> currentImage = new SimpleObjectProperty<>(this, "currentImage");
    private final LayerSettings layers = new LayerSettings();
    private final ObservableList<CategoryRow> categories = FXCollections.observableArrayList(
            row -> new Observable[]{row.visibleProperty()});
    private final Map<Integer, CategoryRow> categoryById = new HashMap<>();
    private final ReadOnlyObjectWrapper<PredictionSet> predictions = new ReadOnlyObjectWrapper<>(this, "predictions");
    private final DoubleProperty scoreThreshold = new SimpleDoubleProperty(this, "scoreThreshold", 0.5);
    private final ObjectProperty<ViewMode> viewMode = new SimpleObjectProperty<>(this, "viewMode", ViewMode.GROUND_TRUTH);
    private final ReadOnlyObjectWrapper<List<Instance>> shownGroundTruth = new ReadOnlyObjectWrapper<>(this, "shownGroundTruth", List.of());
    private final ReadOnlyObjectWrapper<List<Instance>> shownPredictions = new ReadOnlyObjectWrapper<>(this, "shownPredictions", List.of());
    private final ReadOnlyIntegerWrapper predictionsAboveThreshold = new ReadOnlyIntegerWrapper(this, "predictionsAboveThreshold");
    private final ObjectProperty<Instance> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<Instance> hovered = new SimpleObjectProperty<>(this, "hovered");
    private final ObjectProperty<javafx.geometry.Point2D> cursor = new SimpleObjectProperty<>(this, "cursor");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");

    public MainViewModel() {
        filteredImages.predicateProperty().bind(filter.predicateBinding());
        currentImage.addListener((o, a, b) -> {
            selected.set(null);
            hovered.set(null);
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

    /** Shows {@code ds} (null closes): resets filter, predictions and selection; the first image becomes current. */
    public void setDataset(LoadedDataset ds) {
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
        dataset.set(ds);
        categories.setAll(rows);
        images.setAll(ds == null ? List.of() : ds.images());
        currentImage.set(filteredImages.isEmpty() ? null : filteredImages.getFirst());
    }

    public ReadOnlyObjectProperty<LoadedDataset> datasetProperty() {
        return dataset.getReadOnlyProperty();
    }

    public LoadedDataset getDataset() {
        return dataset.get();
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
        predictions.set(set);
        if (set != null && viewMode.get() == ViewMode.GROUND_TRUTH) viewMode.set(ViewMode.SIDE_BY_SIDE);
        if (set == null) viewMode.set(ViewMode.GROUND_TRUTH);
    }

    public ReadOnlyObjectProperty<PredictionSet> predictionsProperty() {
        return predictions.getReadOnlyProperty();
    }

    public DoubleProperty scoreThresholdProperty() {
        return scoreThreshold;
    }

    public ObjectProperty<ViewMode> viewModeProperty() {
        return viewMode;
    }

    /** Number of predictions over the whole dataset at or above the threshold, in visible categories. */
    public ReadOnlyIntegerProperty predictionsAboveThresholdProperty() {
        return predictionsAboveThreshold.getReadOnlyProperty();
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
                    if (p.score() >= t && categoryVisible(p.categoryId())) pr.add(p);
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
        if (ps != null) {
            double t = scoreThreshold.get();
            for (List<Instance> l : ps.byImage().values())
                for (Instance p : l)
                    if (p.score() >= t) {
                        counts.merge(p.categoryId(), 1, Integer::sum);
                        if (categoryVisible(p.categoryId())) total++;
                    }
        }
        for (CategoryRow r : categories) r.predictionCountProperty().set(counts.getOrDefault(r.id(), 0));
        predictionsAboveThreshold.set(total);
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
}
