package dev.masklab.app.browser;

import dev.masklab.app.model.ImageEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The dataset's images as the browser walks them: all images, those passing the {@link BrowserFilter}, the current one,
 * and next / previous in the filtered list. Knows no window.
 */
public final class NavigationModel {
    private final ObservableList<ImageEntry> images = FXCollections.observableArrayList();
    private final FilteredList<ImageEntry> filteredImages = new FilteredList<>(images);
    private final BrowserFilter filter = new BrowserFilter();
    private final ObjectProperty<ImageEntry> currentImage = new SimpleObjectProperty<>(this, "currentImage");
    /** Position of each image id in {@link #images()}. */
    private final Map<Long, Integer> imageIndex = new HashMap<>();

    public NavigationModel() {
        filteredImages.predicateProperty().bind(filter.predicateBinding());
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

    /** Clears the filter and the current image (before another dataset is shown). */
    public void clear() {
        filter.clear();
        currentImage.set(null);
    }

    /** Shows {@code entries} (a new dataset's images); the first image passing the filter becomes current. */
    public void show(List<ImageEntry> entries) {
        imageIndex.clear();
        for (int i = 0; i < entries.size(); i++) imageIndex.put(entries.get(i).id(), i);
        images.setAll(entries);
        currentImage.set(filteredImages.isEmpty() ? null : filteredImages.getFirst());
    }

    /** Position of image {@code imageId} in {@link #images()}, or -1 when the dataset has no such image. */
    public int indexOf(long imageId) {
        Integer i = imageIndex.get(imageId);
        return i == null ? -1 : i;
    }

    /** Makes image {@code imageId} the current one; false (nothing changes) when the dataset has no such image. */
    public boolean showImage(long imageId) {
        int i = indexOf(imageId);
        if (i < 0) return false;
        currentImage.set(images.get(i));
        return true;
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
}
