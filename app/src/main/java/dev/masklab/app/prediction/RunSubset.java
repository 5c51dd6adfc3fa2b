package dev.masklab.app.prediction;

import dev.masklab.coco.CocoDataset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The images a model run covers (#16 part 4), as "Run model" offers them. A run on any of them but {@link #ALL}
 * merges into the results file (those images' results replaced, the others kept) and review decisions are kept by
 * each prediction's content, so running on a subset never undoes a decision.
 */
public enum RunSubset {
    /** The image shown. */
    CURRENT("Current image"),
    /** The images passing the browser's filter. */
    FILTERED("Filtered images"),
    /** Images with no annotation in the dataset as edited. */
    WITHOUT_ANNOTATIONS("Images without annotations"),
    /**
     * Images not yet reviewed: every image that is not complete in the sense of
     * {@link dev.masklab.app.review.LabelledImages} (marked done, or decided with nothing pending). That is the images
     * with pending predictions at or above the threshold, and the images with no decision yet (no predictions run on
     * them, or none reviewed).
     */
    NOT_REVIEWED("Images not yet reviewed"),
    /** Every image of the dataset (the run replaces the results file). */
    ALL("All images");

    private final String text;

    RunSubset(String text) {
        this.text = text;
    }

    /** The choice as the dialog names it. */
    public String text() {
        return text;
    }

    /**
     * What the subsets are drawn from.
     *
     * @param images   every image id, in the dataset's order
     * @param current  the image shown, or null
     * @param filtered ids of the images passing the filter
     * @param coco     the dataset as edited (its annotations)
     * @param complete ids of the complete images ({@link dev.masklab.app.review.LabelledImages#complete})
     */
    public record Context(
            List<Long> images, Long current, Collection<Long> filtered, CocoDataset coco, Set<Long> complete) {
        public Context {
            images = List.copyOf(images);
            filtered = Set.copyOf(filtered);
            complete = Set.copyOf(complete);
        }
    }

    /** This subset's image ids in the dataset's order ({@link #ALL}: every image). */
    public List<Long> imageIds(Context c) {
        List<Long> out = new ArrayList<>();
        for (long id : c.images()) {
            boolean in = switch (this) {
                case CURRENT -> c.current() != null && c.current() == id;
                case FILTERED -> c.filtered().contains(id);
                case WITHOUT_ANNOTATIONS -> c.coco().annotationsOf(id).isEmpty();
                case NOT_REVIEWED -> !c.complete().contains(id);
                case ALL -> true;
            };
            if (in) out.add(id);
        }
        return out;
    }

    /** Every subset's images, computed once (the dialog shows their counts). */
    public static Map<RunSubset, List<Long>> all(Context c) {
        Map<RunSubset, List<Long>> m = new EnumMap<>(RunSubset.class);
        for (RunSubset s : values()) m.put(s, List.copyOf(s.imageIds(c)));
        return m;
    }
}
