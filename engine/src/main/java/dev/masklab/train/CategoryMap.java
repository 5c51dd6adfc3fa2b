package dev.masklab.train;

import dev.masklab.coco.CocoCategory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mapping between COCO category ids and the model's contiguous labels (0 is background). By default the
 * categories sorted by id get labels 1..K; {@link #identity} keeps label = category id (torchvision's COCO
 * models, 91 outputs for ids up to 90), which lets a COCO-trained predictor be fine-tuned without
 * re-initialisation. Saved in checkpoints so that predictions map back to category ids.
 *
 * @param categoryIds category id of label {@code i + 1} (0 where a label has no category, identity maps only)
 * @param names category name of label {@code i + 1} ("" where none)
 */
public record CategoryMap(long[] categoryIds, String[] names) {

    public CategoryMap {
        if (categoryIds.length != names.length) {
            throw new IllegalArgumentException(categoryIds.length + " category ids for " + names.length + " names");
        }
        categoryIds = categoryIds.clone();
        names = names.clone();
    }

    /** Labels 1..K for the categories in ascending id order. */
    public static CategoryMap contiguous(List<CocoCategory> categories) {
        List<CocoCategory> sorted = new ArrayList<>(categories);
        sorted.sort((a, b) -> Long.compare(a.id(), b.id()));
        long[] ids = new long[sorted.size()];
        String[] names = new String[sorted.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sorted.get(i).id();
            names[i] = sorted.get(i).name() == null ? "" : sorted.get(i).name();
            if (i > 0 && ids[i] == ids[i - 1]) {
                throw new IllegalArgumentException("category id " + ids[i] + " appears twice");
            }
        }
        return new CategoryMap(ids, names);
    }

    /** label = category id, for {@code numClasses - 1} labels; ids must lie in 1..numClasses-1. */
    public static CategoryMap identity(List<CocoCategory> categories, int numClasses) {
        long[] ids = new long[numClasses - 1];
        String[] names = new String[numClasses - 1];
        Arrays.fill(names, "");
        for (CocoCategory c : categories) {
            if (c.id() < 1 || c.id() >= numClasses) {
                throw new IllegalArgumentException("category id " + c.id() + " (" + c.name()
                        + ") does not fit a model with " + numClasses + " classes");
            }
            ids[(int) c.id() - 1] = c.id();
            names[(int) c.id() - 1] = c.name() == null ? "" : c.name();
        }
        return new CategoryMap(ids, names);
    }

    /**
     * How another file's categories differ from this map's (by id and name; labels without a category ignored), for a
     * validation set that must have the training set's categories: "" when they are the same, else e.g.
     * {@code "missing 3 'dog'; extra 7 'cat'; 2 is 'car' here, 'bus' there"}.
     */
    public String differences(List<CocoCategory> other) {
        Map<Long, String> mine = new java.util.TreeMap<>();
        for (int i = 0; i < categoryIds.length; i++) {
            if (categoryIds[i] != 0) {
                mine.put(categoryIds[i], names[i]);
            }
        }
        Map<Long, String> theirs = new java.util.TreeMap<>();
        for (CocoCategory c : other) {
            theirs.put(c.id(), c.name() == null ? "" : c.name());
        }
        List<String> out = new ArrayList<>();
        mine.forEach((id, name) -> {
            if (!theirs.containsKey(id)) {
                out.add("missing " + id + " '" + name + "'");
            } else if (!theirs.get(id).equals(name)) {
                out.add(id + " is '" + name + "' here, '" + theirs.get(id) + "' there");
            }
        });
        theirs.forEach((id, name) -> {
            if (!mine.containsKey(id)) {
                out.add("extra " + id + " '" + name + "'");
            }
        });
        int shown = 8;
        return out.size() <= shown
                ? String.join("; ", out)
                : String.join("; ", out.subList(0, shown)) + "; ... " + (out.size() - shown) + " more";
    }

    /** Number of model classes including the background. */
    public int numClasses() {
        return categoryIds.length + 1;
    }

    /** Label of a category id, or -1 when the category is not mapped. */
    public int label(long categoryId) {
        return index().getOrDefault(categoryId, -1);
    }

    /** Category id of a label (1..K). */
    public long categoryId(int label) {
        return categoryIds[label - 1];
    }

    private Map<Long, Integer> index() {
        Map<Long, Integer> m = new HashMap<>();
        for (int i = 0; i < categoryIds.length; i++) {
            if (categoryIds[i] != 0) {
                m.put(categoryIds[i], i + 1);
            }
        }
        return m;
    }

    @Override
    public long[] categoryIds() {
        return categoryIds.clone();
    }

    @Override
    public String[] names() {
        return names.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CategoryMap c && Arrays.equals(c.categoryIds, categoryIds) && Arrays.equals(c.names, names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(categoryIds);
    }

    @Override
    public String toString() {
        return "CategoryMap" + Arrays.toString(categoryIds);
    }
}
