package dev.masklab.train;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A dataset's health before training: how objects are spread (per image, over the image area, by COCO size class per
 * category), the image sizes, the reader's problems, and the trainer's own rules applied to it
 * ({@link CocoTrainingSet#skipReason}, {@link CocoTrainingSet#trainingBox}): the images the training set would skip
 * and why, the annotations it would drop, annotations without a box (training fails on them), and categories without a
 * (non-crowd) instance. Computed once from a loaded dataset; immutable.
 *
 * @param images               number of images
 * @param objectsPerImage      number of annotations (crowd ones included) -> number of images with that many
 * @param imageSizes           "WxH" -> number of images, most frequent first
 * @param centreGrid           [GRID][GRID] counts of box centres (row = y, column = x) on the image area divided into
 *                             GRID x GRID cells; annotations without a box or images without a size are not counted
 * @param sizeClasses          per category (ascending id): non-crowd instances of COCO area small (&lt; 32²), medium
 *                             (&lt; 96²), large (the annotation's area, else its box's)
 * @param problems             what the reader reported (all of them)
 * @param skipped              the images a Mask R-CNN training set skips ({@link CocoTrainingSet#skipReason} over
 *                             every category, no keypoint rule)
 * @param skippedKeypoints     the images a Keypoint R-CNN training set skips (the categories with keypoints; with
 *                             the keypoint rule); null when no category has keypoints
 * @param droppedAnnotations   ids of non-crowd annotations left out of every sample: their box is empty once clamped
 *                             to the image
 * @param boxless              ids of annotations without a bbox (the trainer stops on them)
 * @param emptyCategories      categories without a non-crowd annotation (nothing to learn them from)
 */
public record DatasetHealth(
        int images,
        SortedMap<Integer, Integer> objectsPerImage,
        Map<String, Integer> imageSizes,
        int[][] centreGrid,
        List<CategorySizes> sizeClasses,
        List<CocoProblem> problems,
        List<SkippedImage> skipped,
        List<SkippedImage> skippedKeypoints,
        List<Long> droppedAnnotations,
        List<Long> boxless,
        List<CocoCategory> emptyCategories) {

    /** Cells per side of {@link #centreGrid()}. */
    public static final int GRID = 8;

    /** COCO's small / medium area limits (pycocotools' areaRng), in pixels. */
    private static final double SMALL = 32 * 32;

    private static final double MEDIUM = 96 * 96;

    /** Non-crowd instances of one category by COCO size class. */
    public record CategorySizes(long id, String name, int small, int medium, int large) {
        public int total() {
            return small + medium + large;
        }
    }

    /** An image the training set leaves out, and why. */
    public record SkippedImage(long imageId, String fileName, CocoTrainingSet.SkipReason reason) {}

    public static DatasetHealth of(CocoDataset ds) {
        SortedMap<Integer, Integer> perImage = new TreeMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        int[][] grid = new int[GRID][GRID];
        List<Long> dropped = new ArrayList<>();
        List<Long> boxless = new ArrayList<>();
        for (CocoImage im : ds.images()) {
            List<CocoAnnotation> anns = ds.annotationsOf(im.id());
            perImage.merge(anns.size(), 1, Integer::sum);
            sizes.merge(im.width() + "x" + im.height(), 1, Integer::sum);
            for (CocoAnnotation a : anns) {
                double[] b = a.bbox();
                if (b == null || b.length != 4) {
                    boxless.add(a.id());
                    continue;
                }
                if (im.width() > 0 && im.height() > 0) {
                    int gx = cell((b[0] + b[2] / 2) / im.width());
                    int gy = cell((b[1] + b[3] / 2) / im.height());
                    grid[gy][gx]++;
                }
                if (!a.isCrowd() && CocoTrainingSet.trainingBox(a, im.width(), im.height()) == null) {
                    dropped.add(a.id());
                }
            }
        }
        Map<String, Integer> bySize = new java.util.LinkedHashMap<>();
        sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> bySize.put(e.getKey(), e.getValue()));

        List<CocoCategory> cats = new ArrayList<>(ds.categories());
        cats.sort((x, y) -> Long.compare(x.id(), y.id()));
        Map<Long, int[]> classes = new HashMap<>();
        for (CocoAnnotation a : ds.annotations()) {
            if (a.isCrowd()) continue;
            double area = a.area() != null
                    ? a.area()
                    : a.bbox() != null && a.bbox().length == 4 ? a.bbox()[2] * a.bbox()[3] : 0;
            int[] c = classes.computeIfAbsent(a.categoryId(), k -> new int[3]);
            c[area < SMALL ? 0 : area < MEDIUM ? 1 : 2]++;
        }
        List<CategorySizes> sizeClasses = new ArrayList<>();
        List<CocoCategory> empty = new ArrayList<>();
        for (CocoCategory c : cats) {
            int[] n = classes.getOrDefault(c.id(), new int[3]);
            sizeClasses.add(new CategorySizes(c.id(), c.name(), n[0], n[1], n[2]));
            if (n[0] + n[1] + n[2] == 0) empty.add(c);
        }

        List<SkippedImage> skipped = skipped(ds, CategoryMap.contiguous(ds.categories()), 0);
        List<SkippedImage> skippedKp = null;
        boolean hasKeypoints = ds.categories().stream()
                .anyMatch(c -> c.keypoints() != null && !c.keypoints().isEmpty());
        if (hasKeypoints) {
            skippedKp = skipped(
                    ds, CategoryMap.contiguous(TrainingRun.keypointCategories(ds)), TrainingRun.keypointCount(ds));
        }
        return new DatasetHealth(
                ds.images().size(),
                Collections.unmodifiableSortedMap(perImage),
                Collections.unmodifiableMap(bySize),
                grid,
                List.copyOf(sizeClasses),
                List.copyOf(ds.problems()),
                skipped,
                skippedKp,
                List.copyOf(dropped),
                List.copyOf(boxless),
                List.copyOf(empty));
    }

    /** The images {@link CocoTrainingSet} skips (skipEmptyImages on) for a model with these categories. */
    private static List<SkippedImage> skipped(CocoDataset ds, CategoryMap categories, int numKeypoints) {
        List<SkippedImage> out = new ArrayList<>();
        for (CocoImage im : ds.images()) {
            List<CocoAnnotation> anns = CocoTrainingSet.trainingAnnotations(ds.annotationsOf(im.id()), categories);
            CocoTrainingSet.SkipReason r = CocoTrainingSet.skipReason(anns, numKeypoints);
            if (r != null) out.add(new SkippedImage(im.id(), im.fileName(), r));
        }
        return List.copyOf(out);
    }

    /** Grid cell of a relative position (clamped into the image). */
    private static int cell(double rel) {
        if (!(rel > 0)) return 0;
        return Math.min(GRID - 1, (int) (rel * GRID));
    }
}
