package dev.masklab.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO dataset: images, annotations, categories, with lookup by id. Every other top-level field ({@code info},
 * {@code licenses}, {@code type}, ...) is kept verbatim, in file order, in {@link #extra()}.
 *
 * <p>Lists are read-only views; change them through the add/remove methods so that the id indexes stay right.
 * Ids are unique per kind (the reader skips duplicates with a {@link CocoProblem}). Not thread-safe for writes.
 */
public final class CocoDataset {
    private final List<CocoImage> images = new ArrayList<>();
    private final List<CocoAnnotation> annotations = new ArrayList<>();
    private final List<CocoCategory> categories = new ArrayList<>();
    private final Map<Long, CocoImage> imageById = new HashMap<>();
    private final Map<Long, CocoAnnotation> annotationById = new HashMap<>();
    private final Map<Long, CocoCategory> categoryById = new HashMap<>();
    private final Map<Long, List<CocoAnnotation>> annotationsByImage = new HashMap<>();
    private final Map<String, JsonNode> extra = new LinkedHashMap<>();
    private final List<CocoProblem> problems = new ArrayList<>();
    /** Top-level key order of the source file (known keys and extras), used by the writer. */
    final List<String> keyOrder = new ArrayList<>();

    private JsonLayout layout = JsonLayout.COMPACT;
    /** Told of every annotation and category change (an {@link EditJournal} records them); null: none. */
    private java.util.function.Consumer<EditJournal.Op> changeListener;
    /**
     * Annotations of the file that are not used (see {@link CocoReader}), each with the number of used annotations
     * before it in the file, so that the writer puts it back where it was.
     */
    final List<Unread> unread = new ArrayList<>();

    /** An annotation kept as it was, after {@code usedBefore} used annotations. */
    record Unread(int usedBefore, CocoAnnotation annotation) {}

    public List<CocoImage> images() {
        return Collections.unmodifiableList(images);
    }

    public List<CocoAnnotation> annotations() {
        return Collections.unmodifiableList(annotations);
    }

    public List<CocoCategory> categories() {
        return Collections.unmodifiableList(categories);
    }

    /** Image with this id, or null. */
    public CocoImage image(long id) {
        return imageById.get(id);
    }

    /** Annotation with this id, or null. */
    public CocoAnnotation annotation(long id) {
        return annotationById.get(id);
    }

    /** Category with this id, or null. */
    public CocoCategory category(long id) {
        return categoryById.get(id);
    }

    /** Annotations of an image in dataset order (empty when none). */
    public List<CocoAnnotation> annotationsOf(long imageId) {
        List<CocoAnnotation> l = annotationsByImage.get(imageId);
        return l == null ? List.of() : Collections.unmodifiableList(l);
    }

    /** {@code info} or null. */
    public JsonNode info() {
        return extra.get("info");
    }

    /** {@code licenses} or null. */
    public JsonNode licenses() {
        return extra.get("licenses");
    }

    /** Top-level fields other than images, annotations and categories, in file order; mutable. */
    public Map<String, JsonNode> extra() {
        return extra;
    }

    /** Problems found when the dataset was read (empty for a dataset built in code). */
    public List<CocoProblem> problems() {
        return problems;
    }

    /**
     * Annotations of the file that are not used (a duplicate id, a missing image or category, an inconsistent RLE) and
     * are not in {@link #annotations()}: kept as they were, in file order, and written back in place (read-only).
     */
    public List<CocoAnnotation> unreadAnnotations() {
        return unread.stream().map(Unread::annotation).toList();
    }

    /** Keeps an annotation the reader does not use, after the annotations used so far. */
    void keepUnreadAnnotation(CocoAnnotation a) {
        unread.add(new Unread(annotations.size(), a));
    }

    /** The formatting style of the file read (compact for a dataset built in code); {@link CocoWriter} keeps it. */
    public JsonLayout layout() {
        return layout;
    }

    public void setLayout(JsonLayout layout) {
        this.layout = java.util.Objects.requireNonNull(layout);
    }

    /**
     * {@code listener} is told of every later change of the annotations and categories, as the {@link EditJournal.Op}
     * that redoes it, after it is made (an app's document journals them: {@code op -> journal.append(op)}); null stops
     * it. Images are not journaled: {@link #removeImage} is refused while a listener is set. Not copied by
     * {@link #shallowCopy()}.
     */
    public void setChangeListener(java.util.function.Consumer<EditJournal.Op> listener) {
        this.changeListener = listener;
    }

    private void changed(EditJournal.Op op) {
        if (changeListener != null) changeListener.accept(op);
    }

    /** Adds an image; its id must be new. */
    public void addImage(CocoImage image) {
        if (imageById.putIfAbsent(image.id(), image) != null) {
            throw new IllegalArgumentException("duplicate image id " + image.id());
        }
        images.add(image);
    }

    /** Adds a category; its id must be new. */
    public void addCategory(CocoCategory category) {
        if (categoryById.putIfAbsent(category.id(), category) != null) {
            throw new IllegalArgumentException("duplicate category id " + category.id());
        }
        categories.add(category);
        changed(new EditJournal.InsertCategory(categories.size() - 1, category));
    }

    /**
     * Inserts a category at {@code index} of {@link #categories()} (0..size); its id must be new. Undoing a removal
     * puts the category back where it was, so a saved file keeps its order.
     */
    public void insertCategory(int index, CocoCategory category) {
        if (index < 0 || index > categories.size()) {
            throw new IndexOutOfBoundsException("category index " + index + " of " + categories.size());
        }
        if (categoryById.putIfAbsent(category.id(), category) != null) {
            throw new IllegalArgumentException("duplicate category id " + category.id());
        }
        categories.add(index, category);
        changed(new EditJournal.InsertCategory(index, category));
    }

    /** Position of the category with this id in {@link #categories()}, or -1. */
    public int indexOfCategory(long id) {
        CocoCategory c = categoryById.get(id);
        return c == null ? -1 : categories.indexOf(c);
    }

    /** Replaces the category with the same id (a renamed copy, say), keeping its position. */
    public void replaceCategory(CocoCategory category) {
        CocoCategory old = categoryById.get(category.id());
        if (old == null) throw new IllegalArgumentException("no category with id " + category.id());
        categories.set(categories.indexOf(old), category);
        categoryById.put(category.id(), category);
        changed(new EditJournal.ReplaceCategory(category));
    }

    /** Removes a category (its annotations are not touched); returns it or null when absent. */
    public CocoCategory removeCategory(long id) {
        CocoCategory c = categoryById.remove(id);
        if (c != null) {
            categories.remove(c);
            changed(new EditJournal.RemoveCategory(id));
        }
        return c;
    }

    /** One more than the largest category id (1 for none). */
    public long nextCategoryId() {
        long max = 0;
        for (CocoCategory c : categories) max = Math.max(max, c.id());
        return max + 1;
    }

    /** Adds an annotation; its id must be new (its image and category are not checked). */
    public void addAnnotation(CocoAnnotation annotation) {
        if (annotationById.putIfAbsent(annotation.id(), annotation) != null) {
            throw new IllegalArgumentException("duplicate annotation id " + annotation.id());
        }
        annotations.add(annotation);
        annotationsByImage
                .computeIfAbsent(annotation.imageId(), k -> new ArrayList<>(4))
                .add(annotation);
        changed(new EditJournal.Insert(annotations.size() - 1, annotation));
    }

    /**
     * Inserts an annotation at {@code index} of {@link #annotations()} (0..size); its id must be new. Its image's list
     * keeps dataset order. Undoing a removal puts the annotation back where it was, so a saved file keeps its order.
     */
    public void insertAnnotation(int index, CocoAnnotation annotation) {
        if (index < 0 || index > annotations.size()) {
            throw new IndexOutOfBoundsException("annotation index " + index + " of " + annotations.size());
        }
        if (annotationById.putIfAbsent(annotation.id(), annotation) != null) {
            throw new IllegalArgumentException("duplicate annotation id " + annotation.id());
        }
        int before = 0; // annotations of the same image ahead of index
        for (int i = 0; i < index; i++) if (annotations.get(i).imageId() == annotation.imageId()) before++;
        annotations.add(index, annotation);
        annotationsByImage
                .computeIfAbsent(annotation.imageId(), k -> new ArrayList<>(4))
                .add(before, annotation);
        changed(new EditJournal.Insert(index, annotation));
    }

    /** Position of the annotation with this id in {@link #annotations()}, or -1. */
    public int indexOfAnnotation(long id) {
        CocoAnnotation a = annotationById.get(id);
        return a == null ? -1 : annotations.indexOf(a);
    }

    /** Replaces the annotation with the same id, keeping its position. */
    public void replaceAnnotation(CocoAnnotation annotation) {
        CocoAnnotation old = annotationById.get(annotation.id());
        if (old == null) throw new IllegalArgumentException("no annotation with id " + annotation.id());
        annotations.set(annotations.indexOf(old), annotation);
        annotationById.put(annotation.id(), annotation);
        List<CocoAnnotation> oldList = annotationsByImage.get(old.imageId());
        if (old.imageId() == annotation.imageId()) {
            oldList.set(oldList.indexOf(old), annotation);
        } else {
            oldList.remove(old);
            annotationsByImage
                    .computeIfAbsent(annotation.imageId(), k -> new ArrayList<>(4))
                    .add(annotation);
        }
        changed(new EditJournal.Replace(annotation));
    }

    /** Removes an annotation; returns it or null when absent. */
    public CocoAnnotation removeAnnotation(long id) {
        CocoAnnotation a = annotationById.remove(id);
        if (a != null) {
            annotations.remove(a);
            annotationsByImage.get(a.imageId()).remove(a);
            changed(new EditJournal.Remove(id));
        }
        return a;
    }

    /** Removes an image and its annotations; returns it or null when absent. */
    public CocoImage removeImage(long id) {
        if (changeListener != null)
            throw new IllegalStateException("images are not journaled: no removeImage while a change listener is set");
        CocoImage im = imageById.remove(id);
        if (im != null) {
            images.remove(im);
            List<CocoAnnotation> anns = annotationsByImage.remove(id);
            if (anns != null) {
                for (CocoAnnotation a : anns) annotationById.remove(a.id());
                annotations.removeAll(new java.util.HashSet<>(anns));
            }
        }
        return im;
    }

    /**
     * A shallow copy: new lists and indexes holding the same image, category and annotation objects, the same
     * top-level fields. Cheap next to writing the file; lets a writer on another thread see one state while editing
     * goes on, as long as annotations are replaced rather than modified in place (as the app's editor does).
     */
    public CocoDataset shallowCopy() {
        CocoDataset c = new CocoDataset();
        c.images.addAll(images);
        c.imageById.putAll(imageById);
        c.categories.addAll(categories);
        c.categoryById.putAll(categoryById);
        c.annotations.addAll(annotations);
        c.annotationById.putAll(annotationById);
        annotationsByImage.forEach((k, v) -> c.annotationsByImage.put(k, new ArrayList<>(v)));
        c.extra.putAll(extra);
        c.problems.addAll(problems);
        c.keyOrder.addAll(keyOrder);
        c.layout = layout;
        c.unread.addAll(unread);
        return c;
    }

    /** One more than the largest annotation id (1 for none). */
    public long nextAnnotationId() {
        long max = 0;
        for (CocoAnnotation a : annotations) max = Math.max(max, a.id());
        for (Unread u : unread) max = Math.max(max, u.annotation().id()); // a new id never repeats a kept one
        return max + 1;
    }

    /** The annotation's mask as pycocotools {@code annToRLE}: needs its image; null when it has no segmentation. */
    public Rle annToRle(CocoAnnotation annotation) {
        CocoImage im = imageById.get(annotation.imageId());
        if (im == null)
            throw new IllegalArgumentException(
                    "annotation " + annotation.id() + " names missing image " + annotation.imageId());
        Segmentation s = annotation.segmentation();
        return s == null ? null : s.toRle(im.height(), im.width());
    }

    @Override
    public String toString() {
        return "CocoDataset[" + images.size() + " images, " + annotations.size() + " annotations, " + categories.size()
                + " categories]";
    }
}
