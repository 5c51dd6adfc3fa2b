package dev.masklab.app.model;

import dev.masklab.app.document.ImageRootResolver;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoProblem;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Segmentation;
import dev.masklab.review.PredictionKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The only place that turns the engine's COCO model into the app's records. */
public final class CocoAdapter {
    private CocoAdapter() {}

    /** The app's view of {@code coco}, image files resolved against {@code root}. */
    public static LoadedDataset toDataset(Path jsonFile, CocoDataset coco, Path root, boolean rootFound) {
        List<CategoryInfo> cats = new ArrayList<>();
        for (CocoCategory c : coco.categories()) cats.add(category(c));
        Map<Long, List<Instance>> byImage = new HashMap<>();
        for (CocoAnnotation a : coco.annotations()) {
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(groundTruth(a));
        }
        List<ImageEntry> images = new ArrayList<>(coco.images().size());
        for (CocoImage im : coco.images()) {
            images.add(new ImageEntry(
                    im.id(),
                    im.fileName(),
                    im.width(),
                    im.height(),
                    ImageRootResolver.resolveFile(root, im.fileName()),
                    byImage.getOrDefault(im.id(), List.of())));
        }
        List<String> warnings = new ArrayList<>();
        for (CocoProblem p : coco.problems()) warnings.add(p.toString());
        return new LoadedDataset(jsonFile, root, rootFound, coco, images, cats, warnings);
    }

    /** One annotation as the views draw it. */
    /** The app's view of a category (name "category N" when it has none). */
    public static CategoryInfo category(CocoCategory c) {
        List<int[]> skel = new ArrayList<>();
        int[][] s = c.skeleton();
        if (s != null) for (int[] pair : s) if (pair != null && pair.length == 2) skel.add(pair.clone());
        return new CategoryInfo(
                (int) c.id(),
                c.name() == null ? "category " + c.id() : c.name(),
                c.supercategory() == null ? "" : c.supercategory(),
                c.keypoints() == null ? List.of() : c.keypoints(),
                skel);
    }

    public static Instance groundTruth(CocoAnnotation a) {
        Segmentation seg = a.segmentation();
        double[] bbox = a.bbox();
        double area = a.area() != null ? a.area() : bbox != null ? bbox[2] * bbox[3] : 0;
        return new Instance(
                a.id(),
                a.imageId(),
                (int) a.categoryId(),
                bbox == null ? new double[4] : bbox,
                seg == null ? null : (h, w) -> seg.toRle(h, w).decode(),
                kind(seg),
                a.keypoints(),
                a.isCrowd(),
                area,
                Double.NaN,
                false,
                null);
    }

    /** Predictions grouped by image, each list by descending score; ids are the results' ids (1-based file order). */
    public static PredictionSet toPredictions(Path file, List<CocoResult> results) {
        Map<Long, List<Instance>> byImage = new HashMap<>();
        int n = 0;
        for (CocoResult r : results) {
            n++;
            byImage.computeIfAbsent(r.imageId(), k -> new ArrayList<>()).add(prediction(r, n));
        }
        for (List<Instance> l : byImage.values())
            l.sort(Comparator.comparingDouble(Instance::score).reversed());
        Map<Long, List<Instance>> frozen = new HashMap<>();
        byImage.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new PredictionSet(file, frozen, results.size(), results);
    }

    /** One result as a prediction instance; {@code position} (1-based) is its id when the result has none. */
    public static Instance prediction(CocoResult r, long position) {
        Segmentation seg = r.segmentation();
        double[] bbox = r.bbox() == null ? new double[4] : r.bbox().clone();
        double area = Double.isNaN(r.area()) ? bbox[2] * bbox[3] : r.area();
        return new Instance(
                r.id() != 0 ? r.id() : position,
                r.imageId(),
                (int) r.categoryId(),
                bbox,
                seg == null ? null : (h, w) -> seg.toRle(h, w).decode(),
                kind(seg),
                r.keypoints() == null ? null : r.keypoints().clone(),
                false,
                area,
                r.score(),
                true,
                PredictionKey.of(r),
                r.keypointScores() == null ? null : r.keypointScores().clone());
    }

    static String kind(Segmentation seg) {
        if (seg == null) return "";
        return switch (seg) {
            case Segmentation.Polygons p -> p.size() == 1 ? "polygon" : "polygons (" + p.size() + ")";
            case Segmentation.UncompressedRle u -> "RLE";
            case Segmentation.CompressedRle c -> "compressed RLE";
        };
    }
}
