package dev.masklab.app.inspector;

import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.model.CategoryInfo;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.coco.CocoDataset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.Observable;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The dataset's categories as rows (name, color, visibility, annotation and prediction counts) and what follows from
 * them: names, drawing colors and descriptions of instances, keypoint names. Knows no window.
 */
public final class CategoryModel {
    private final ObservableList<CategoryRow> categories =
            FXCollections.observableArrayList(row -> new Observable[] {row.visibleProperty()});
    private final Map<Integer, CategoryRow> categoryById = new HashMap<>();
    private final LayerSettings layers;
    /** Category id -> colour slot, for the open dataset's life (so merges and deletes shift no other colour). */
    private final Map<Integer, Integer> colourSlots = new HashMap<>();

    public CategoryModel(LayerSettings layers) {
        this.layers = layers;
    }

    /** The rows, in dataset order; a change of a row's visibility is a change of the list. */
    public ObservableList<CategoryRow> rows() {
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

    /** True unless the category is hidden (ids the dataset does not define are shown). */
    public boolean isVisible(int id) {
        CategoryRow r = categoryById.get(id);
        return r == null || r.isVisible();
    }

    /** Drawing color of an instance as 0xRRGGBB, by the current color mode. */
    public int colorOf(Instance inst) {
        if (layers.colorModeProperty().get() == LayerSettings.ColorMode.CATEGORY) {
            CategoryRow r = categoryById.get(inst.categoryId());
            return r == null ? 0x808080 : r.rgb();
        }
        return ColorPalette.instanceRgb(inst.prediction() ? inst.id() * 31 + 7 : inst.id());
    }

    /** A short description, e.g. "person #442619" or "person 0.93", for tooltips and the status bar. */
    public String describe(Instance inst) {
        if (inst == null) return "";
        StringBuilder sb = new StringBuilder(categoryName(inst.categoryId()));
        if (inst.prediction()) sb.append(String.format(" %.2f", inst.score()));
        else sb.append(" #").append(inst.id());
        if (inst.crowd()) sb.append(" (crowd)");
        return sb.toString();
    }

    /** The k-th keypoint's name from the category, else "keypoint k+1". */
    public String keypointName(Instance inst, int k) {
        CategoryRow r = categoryById.get(inst.categoryId());
        List<String> names = r == null ? List.of() : r.info().keypointNames();
        return k < names.size() ? names.get(k) : "keypoint " + (k + 1);
    }

    /** True when {@code inst} is a ground-truth annotation of a category with keypoints (its skeleton can be placed). */
    public boolean skeletonPlaceable(Instance inst) {
        CategoryRow r = inst == null || inst.prediction() ? null : categoryById.get(inst.categoryId());
        return r != null && r.info().hasKeypoints();
    }

    /** Rows for a newly shown dataset (null: none), with its annotation counts, all visible. */
    public void show(LoadedDataset ds) {
        categoryById.clear();
        List<CategoryRow> rows = new ArrayList<>();
        if (ds != null) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (ImageEntry e : ds.images())
                for (Instance a : e.annotations()) counts.merge(a.categoryId(), 1, Integer::sum);
            colourSlots.clear();
            for (CategoryInfo c : ds.categories()) {
                CategoryRow row = new CategoryRow(c, colourSlot(c.id()), counts.getOrDefault(c.id(), 0));
                rows.add(row);
                categoryById.put(c.id(), row);
            }
        }
        categories.setAll(rows);
    }

    /**
     * Rows built again from {@code coco} after a category edit or its undo: visibility kept by id, counts recounted.
     */
    public void rebuild(CocoDataset coco) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (var a : coco.annotations()) counts.merge(Math.toIntExact(a.categoryId()), 1, Integer::sum);
        Map<Integer, CategoryRow> old = new HashMap<>(categoryById);
        List<CategoryRow> rows = new ArrayList<>();
        categoryById.clear();
        for (var c : coco.categories()) {
            CategoryInfo info = CocoAdapter.category(c);
            CategoryRow row = new CategoryRow(info, colourSlot(info.id()), counts.getOrDefault(info.id(), 0));
            CategoryRow was = old.get(info.id());
            if (was != null) row.visibleProperty().set(was.isVisible());
            rows.add(row);
            categoryById.put(info.id(), row);
        }
        categories.setAll(rows);
    }

    private int colourSlot(int categoryId) {
        return colourSlots.computeIfAbsent(categoryId, id -> colourSlots.size());
    }

    /** Adds {@code delta} to the annotation count of category {@code id} (after an edit of one image). */
    public void addToCount(int id, int delta) {
        CategoryRow r = categoryById.get(id);
        if (r != null && delta != 0) r.countProperty().set(r.count() + delta);
    }
}
