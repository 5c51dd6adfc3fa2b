package dev.masklab.app.model;

import dev.masklab.app.canvas.ColorPalette;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;

/** A row of the categories panel: the category, its color, instance counts and whether it is drawn. */
public final class CategoryRow {
    private final CategoryInfo info;
    private final int index;
    private final int rgb;
    private final IntegerProperty count = new SimpleIntegerProperty(this, "count", 0);
    private final IntegerProperty predictionCount = new SimpleIntegerProperty(this, "predictionCount", 0);
    private final BooleanProperty visible = new SimpleBooleanProperty(this, "visible", true);

    public CategoryRow(CategoryInfo info, int index, int count) {
        this.info = info;
        this.index = index;
        this.rgb = ColorPalette.categoryRgb(index);
        this.count.set(count);
    }

    public CategoryInfo info() {
        return info;
    }

    public int id() {
        return info.id();
    }

    public String name() {
        return info.name();
    }

    /**
     * The category's colour slot ({@link ColorPalette#categoryRgb}): its position in the dataset's category list when
     * the dataset was opened, the next free slot for a category added since. A category keeps its slot (and colour)
     * while others are merged or deleted, and gets it back when its deletion is undone.
     */
    public int index() {
        return index;
    }

    public int rgb() {
        return rgb;
    }

    /** Ground-truth instances of this category in the dataset. */
    public int count() {
        return count.get();
    }

    /** {@link #count()}, following edits. */
    public IntegerProperty countProperty() {
        return count;
    }

    /** Predictions of this category at or above the score threshold, over the whole dataset. */
    public IntegerProperty predictionCountProperty() {
        return predictionCount;
    }

    public BooleanProperty visibleProperty() {
        return visible;
    }

    public boolean isVisible() {
        return visible.get();
    }

    @Override
    public String toString() {
        return info.name();
    }
}
