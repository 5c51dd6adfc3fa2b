package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Category edits of an {@link AnnotationEditor}'s dataset: add, rename, merge, delete; each one undoable step of the
 * editor's {@link EditHistory} (a merge or a delete with its annotations is one compound edit). Saved losslessly: a
 * category keeps its position in {@code categories}, its supercategory, keypoints, skeleton and unknown fields;
 * undoing puts categories and annotations back where they were, so merge + undo + save writes the original bytes.
 * Category edits name no image ({@link Edit#imageId()} -1: every image may change).
 */
public final class CategoryEditor {
    private final AnnotationEditor editor;
    private final CocoDataset coco;

    CategoryEditor(AnnotationEditor editor) {
        this.editor = editor;
        this.coco = editor.coco();
    }

    /**
     * Adds a category at the end of {@code categories}, id one above the largest ({@link CocoDataset#nextCategoryId}).
     * Returns its id.
     *
     * @param supercategory null for none (the field is then not written)
     * @throws IllegalArgumentException when the name is blank or another category has it
     */
    public long add(String name, String supercategory, String label) {
        requireNewName(name);
        CocoCategory c = new CocoCategory(coco.nextCategoryId(), name, supercategory);
        editor.record(new Change(label, coco.categories().size(), null, c));
        return c.id();
    }

    /**
     * Renames a category; every other field (supercategory, keypoints, skeleton, unknown fields) and its position
     * stay. Returns false when it already has that name (no edit).
     *
     * @throws IllegalArgumentException when the name is blank or another category has it
     */
    public boolean rename(long categoryId, String name, String label) {
        CocoCategory c = editor.requireCategory(categoryId);
        if (name != null && name.equals(c.name())) return false;
        requireNewName(name);
        CocoCategory renamed = new CocoCategory(
                c.id(),
                name,
                c.supercategory(),
                c.keypoints(),
                c.skeleton(),
                c.extra() == null ? null : new LinkedHashMap<>(c.extra()));
        editor.record(new Change(label, -1, c, renamed));
        return true;
    }

    /** Number of annotations of the category (what deleting it would delete too, for the question to the user). */
    public int annotationCount(long categoryId) {
        int n = 0;
        for (CocoAnnotation a : coco.annotations()) if (a.categoryId() == categoryId) n++;
        return n;
    }

    /**
     * Merges category {@code from} into {@code into}: every annotation of {@code from} gets category {@code into}
     * (nothing else of it changes), then {@code from} is removed. One edit. Returns the number of annotations
     * re-labelled.
     *
     * @throws IllegalArgumentException when a category is missing, they are the same, or annotations of {@code from}
     *                                  carry keypoints that {@code into}'s keypoint list does not match (a different
     *                                  number of keypoints)
     */
    public int merge(long from, long into, String label) {
        CocoCategory f = editor.requireCategory(from);
        CocoCategory t = editor.requireCategory(into);
        if (from == into) throw new IllegalArgumentException("cannot merge category " + from + " into itself");
        List<Long> ids = annotationIds(from);
        int k = t.keypoints() == null ? 0 : t.keypoints().size();
        for (long id : ids) {
            double[] kp = coco.annotation(id).keypoints();
            if (kp != null && kp.length > 0 && kp.length != 3 * k) {
                throw new IllegalArgumentException("annotation " + id + " of " + f.name() + " has " + kp.length / 3
                        + " keypoints, " + t.name() + " defines " + k);
            }
        }
        editor.inOneStep(label, () -> {
            for (long id : ids) editor.setCategory(id, Math.toIntExact(into), label);
            editor.record(new Change(label, -1, f, null));
        });
        return ids.size();
    }

    /**
     * Deletes a category and every annotation of it (ask first: {@link #annotationCount}). One edit. Returns the
     * number of annotations deleted.
     */
    public int delete(long categoryId, String label) {
        CocoCategory c = editor.requireCategory(categoryId);
        List<Long> ids = annotationIds(categoryId);
        editor.inOneStep(label, () -> {
            for (long id : ids) editor.delete(id, label);
            editor.record(new Change(label, -1, c, null));
        });
        return ids.size();
    }

    private List<Long> annotationIds(long categoryId) {
        return coco.annotations().stream()
                .filter(a -> a.categoryId() == categoryId)
                .map(CocoAnnotation::id)
                .toList();
    }

    private void requireNewName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a category needs a name");
        for (CocoCategory c : coco.categories()) {
            if (name.equals(c.name())) throw new IllegalArgumentException("category " + c.id() + " is named " + name);
        }
    }

    /** Category {@code before} becomes {@code after} (null: absent), at {@code index} of the list when added. */
    private final class Change implements Edit {
        private final String label;
        private int index;
        private final CocoCategory before;
        private final CocoCategory after;

        Change(String label, int index, CocoCategory before, CocoCategory after) {
            this.label = label;
            this.index = index;
            this.before = before;
            this.after = after;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public long imageId() {
            return -1;
        }

        @Override
        public long annotationId() {
            return -1;
        }

        @Override
        public void apply() {
            swap(before, after);
        }

        @Override
        public void revert() {
            swap(after, before);
        }

        private void swap(CocoCategory from, CocoCategory to) {
            if (from != null && to != null) {
                coco.replaceCategory(to);
            } else if (from != null) {
                index = coco.indexOfCategory(from.id());
                coco.removeCategory(from.id());
            } else if (to != null) {
                coco.insertCategory(Math.min(index, coco.categories().size()), to);
            }
        }
    }
}
