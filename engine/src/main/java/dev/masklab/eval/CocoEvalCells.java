package dev.masklab.eval;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the (image, category) cells of {@link CocoEvaluator} from a ground-truth {@link CocoDataset} and results
 * ({@link dev.masklab.coco.CocoResults#read}: loadRes ids and areas), as pycocotools' {@code _prepare},
 * {@code computeIoU} and {@code computeOks}: ground truths and detections in file order per image, gt ignore =
 * iscrowd (keypoints: also num_keypoints == 0), IoU by {@link Rle#bboxIou} (bbox), {@link Rle#iou} of annToRLE
 * masks (segm) or {@link Oks} (keypoints). Masks are decoded per image when the image is evaluated, so memory stays
 * at one image's masks per worker.
 *
 * <p>Keypoints: a category's keypoint count comes from its keypoint names (else from the data); results and ground
 * truths with another count are an error naming them; the sigmas are {@link EvalParams#sigmasFor(int)} (COCO's for
 * 17 keypoints, a uniform sigma otherwise, where pycocotools would fail). Annotations without keypoints count as
 * keypoint-less (ignored). By default only categories that define keypoints are evaluated for keypoints (pycocotools
 * evaluates all and fails on the others). A missing gt {@code area} (pycocotools fails) is taken from the mask, else
 * the box.
 */
final class CocoEvalCells implements CocoEvaluator.CellSource {
    private final CocoDataset gt;
    private final EvalParams params;
    private final long[] imgIds;
    private final long[] catIds;
    private final String[] catNames;
    private final Map<Long, Integer> catIndex = new HashMap<>();
    private final Map<Long, List<CocoAnnotation>> gtByImage = new HashMap<>();
    private final Map<Long, List<CocoResult>> dtByImage = new HashMap<>();

    CocoEvalCells(CocoDataset gt, List<CocoResult> detections, EvalParams params) {
        this.gt = gt;
        this.params = params;
        long[] ids = params.imgIds();
        if (ids == null) ids = gt.images().stream().mapToLong(CocoImage::id).toArray();
        this.imgIds = sortedUnique(ids);
        for (long id : imgIds) {
            if (gt.image(id) == null) {
                throw new IllegalArgumentException("image id " + id + " is not in the ground truth");
            }
        }
        long[] cats = params.catIds();
        if (cats == null && params.iouType() == IouType.KEYPOINTS) {
            // pycocotools fails (KeyError 'num_keypoints') on categories without keypoints; evaluate the ones with
            cats = gt.categories().stream()
                    .filter(c -> c.keypoints() != null && !c.keypoints().isEmpty())
                    .mapToLong(CocoCategory::id)
                    .toArray();
            if (cats.length == 0) {
                throw new IllegalArgumentException(
                        "keypoints evaluation: no category of the ground truth has" + " keypoints");
            }
        }
        if (cats == null)
            cats = gt.categories().stream().mapToLong(CocoCategory::id).toArray();
        cats = sortedUnique(cats);
        if (params.useCats()) {
            this.catIds = cats;
            this.catNames = new String[cats.length];
            for (int k = 0; k < cats.length; k++) {
                CocoCategory c = gt.category(cats[k]);
                catNames[k] = c == null ? String.valueOf(cats[k]) : c.name();
                catIndex.put(cats[k], k);
            }
        } else {
            this.catIds = new long[] {-1};
            this.catNames = new String[] {"all"};
            for (int k = 0; k < cats.length; k++) catIndex.put(cats[k], k); // position in the concatenation
        }
        for (CocoAnnotation a : gt.annotations()) {
            if (catIndex.containsKey(a.categoryId())) {
                gtByImage.computeIfAbsent(a.imageId(), x -> new ArrayList<>()).add(a);
            }
        }
        for (CocoResult d : detections) {
            if (gt.image(d.imageId()) == null) {
                throw new IllegalArgumentException("result " + d.id() + " names image_id " + d.imageId()
                        + ", which is not in the ground truth (results do not correspond to this dataset)");
            }
            if (catIndex.containsKey(d.categoryId())) {
                dtByImage.computeIfAbsent(d.imageId(), x -> new ArrayList<>()).add(d);
            }
        }
    }

    /**
     * Replaces one image's ground truths and detections (an edit); those of categories that are not evaluated are
     * dropped, as at construction. The next {@link #cells(int)} of that image reads them.
     *
     * @return what puts the image's previous lists back
     * @throws IllegalArgumentException when an annotation or result names another image
     */
    Runnable replaceImage(long imageId, List<CocoAnnotation> annotations, List<CocoResult> detections) {
        List<CocoAnnotation> g = new ArrayList<>();
        for (CocoAnnotation a : annotations) {
            if (a.imageId() != imageId) {
                throw new IllegalArgumentException(
                        "annotation " + a.id() + " names image " + a.imageId() + ", not the edited image " + imageId);
            }
            if (catIndex.containsKey(a.categoryId())) g.add(a);
        }
        List<CocoResult> d = new ArrayList<>();
        for (CocoResult x : detections) {
            if (x.imageId() != imageId) {
                throw new IllegalArgumentException(
                        "result " + x.id() + " names image " + x.imageId() + ", not the edited image " + imageId);
            }
            if (catIndex.containsKey(x.categoryId())) d.add(x);
        }
        List<CocoAnnotation> oldG = gtByImage.put(imageId, g);
        List<CocoResult> oldD = dtByImage.put(imageId, d);
        return () -> {
            gtByImage.put(imageId, oldG == null ? List.of() : oldG);
            dtByImage.put(imageId, oldD == null ? List.of() : oldD);
        };
    }

    /**
     * The IoU (OKS for keypoints) that matching used between one detection and one ground truth of an image (for a
     * crowd ground truth pycocotools' crowd IoU: intersection over the detection's area).
     *
     * @throws IllegalArgumentException when either is not among the image's evaluated items
     */
    double iou(long imageId, long dtId, long gtId) {
        CocoAnnotation a = gtByImage.getOrDefault(imageId, List.of()).stream()
                .filter(x -> x.id() == gtId)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("ground truth " + gtId + " is not evaluated in image " + imageId));
        CocoResult d = dtByImage.getOrDefault(imageId, List.of()).stream()
                .filter(x -> x.id() == dtId)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("result " + dtId + " is not evaluated in image " + imageId));
        return cell(gt.image(imageId), List.of(a), List.of(d)).ious().compute(new int[] {0})[0][0];
    }

    int imageCount() {
        return imgIds.length;
    }

    /** The evaluated category ids, ascending, also when categories are not used (then {@link #catIds()} is {-1}). */
    long[] evaluatedCategoryIds() {
        return catIndex.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    long[] imgIds() {
        return imgIds.clone();
    }

    long[] catIds() {
        return catIds.clone();
    }

    String[] catNames() {
        return catNames.clone();
    }

    private static long[] sortedUnique(long[] ids) {
        return new TreeSet<>(Arrays.stream(ids).boxed().toList())
                .stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public EvalCell[] cells(int imageIndex) {
        long imageId = imgIds[imageIndex];
        CocoImage image = gt.image(imageId);
        int nK = catIds.length;
        List<List<CocoAnnotation>> gts = new ArrayList<>();
        List<List<CocoResult>> dts = new ArrayList<>();
        for (int k = 0; k < nK; k++) {
            gts.add(new ArrayList<>());
            dts.add(new ArrayList<>());
        }
        if (params.useCats()) {
            for (CocoAnnotation a : gtByImage.getOrDefault(imageId, List.of())) {
                gts.get(catIndex.get(a.categoryId())).add(a);
            }
            for (CocoResult d : dtByImage.getOrDefault(imageId, List.of())) {
                dts.get(catIndex.get(d.categoryId())).add(d);
            }
        } else {
            // pycocotools concatenates per category, in category order
            Map<Integer, List<CocoAnnotation>> g = new TreeMap<>();
            Map<Integer, List<CocoResult>> d = new TreeMap<>();
            for (CocoAnnotation a : gtByImage.getOrDefault(imageId, List.of())) {
                g.computeIfAbsent(catIndex.get(a.categoryId()), x -> new ArrayList<>())
                        .add(a);
            }
            for (CocoResult x : dtByImage.getOrDefault(imageId, List.of())) {
                d.computeIfAbsent(catIndex.get(x.categoryId()), y -> new ArrayList<>())
                        .add(x);
            }
            g.values().forEach(gts.get(0)::addAll);
            d.values().forEach(dts.get(0)::addAll);
        }
        EvalCell[] out = new EvalCell[nK];
        for (int k = 0; k < nK; k++) {
            if (gts.get(k).isEmpty() && dts.get(k).isEmpty()) continue;
            out[k] = cell(image, gts.get(k), dts.get(k));
        }
        return out;
    }

    private EvalCell cell(CocoImage image, List<CocoAnnotation> g, List<CocoResult> d) {
        boolean kp = params.iouType() == IouType.KEYPOINTS;
        int nG = g.size();
        long[] gtIds = new long[nG];
        double[] gtAreas = new double[nG];
        boolean[] crowd = new boolean[nG];
        boolean[] ignore = new boolean[nG];
        for (int j = 0; j < nG; j++) {
            CocoAnnotation a = g.get(j);
            gtIds[j] = a.id();
            gtAreas[j] = gtArea(a);
            crowd[j] = a.isCrowd();
            ignore[j] = crowd[j] || (kp && numKeypoints(a) == 0);
        }
        int nD = d.size();
        long[] dtIds = new long[nD];
        double[] scores = new double[nD];
        double[] dtAreas = new double[nD];
        for (int i = 0; i < nD; i++) {
            CocoResult x = d.get(i);
            dtIds[i] = x.id();
            scores[i] = x.score();
            dtAreas[i] = x.area();
        }
        EvalCell.Ious ious = switch (params.iouType()) {
            case BBOX ->
                sel -> {
                    List<double[]> gb = new ArrayList<>(nG);
                    for (CocoAnnotation a : g) gb.add(requireBox(a));
                    List<double[]> db = new ArrayList<>(sel.length);
                    for (int s : sel) db.add(requireBox(d.get(s)));
                    return Rle.bboxIou(db, gb, crowd);
                };
            case SEGM ->
                sel -> {
                    List<Rle> gm = new ArrayList<>(nG);
                    for (CocoAnnotation a : g) gm.add(gtMask(a));
                    List<Rle> dm = new ArrayList<>(sel.length);
                    for (int s : sel) dm.add(dtMask(d.get(s), image));
                    return Rle.iou(dm, gm, crowd);
                };
            case KEYPOINTS -> sel -> keypointIous(g, d, sel);
        };
        return new EvalCell(gtIds, gtAreas, crowd, ignore, dtIds, scores, dtAreas, ious);
    }

    private double[][] keypointIous(List<CocoAnnotation> g, List<CocoResult> d, int[] sel) {
        int nG = g.size();
        double[][] gk = new double[nG][];
        double[][] gb = new double[nG][];
        double[] ga = new double[nG];
        long cat = g.isEmpty() ? d.get(sel[0]).categoryId() : g.get(0).categoryId();
        CocoCategory category = gt.category(cat);
        int k = category != null
                        && category.keypoints() != null
                        && !category.keypoints().isEmpty()
                ? category.keypoints().size()
                : -1;
        for (int j = 0; j < nG; j++) {
            CocoAnnotation a = g.get(j);
            double[] kps = a.keypoints();
            if (k < 0 && kps != null) k = kps.length / 3;
            gb[j] = requireBox(a);
            ga[j] = gtArea(a);
            gk[j] = kps;
        }
        double[][] dk = new double[sel.length][];
        for (int i = 0; i < sel.length; i++) {
            CocoResult x = d.get(sel[i]);
            if (x.keypoints() == null) {
                throw new IllegalArgumentException("result " + x.id() + " (image " + x.imageId() + ") has no keypoints,"
                        + " needed for keypoints evaluation");
            }
            dk[i] = x.keypoints();
            if (k < 0) k = dk[i].length / 3;
        }
        for (int j = 0; j < nG; j++) {
            // an annotation without keypoints has no labelled keypoint (and is ignored: num_keypoints 0)
            if (gk[j] == null) gk[j] = new double[3 * k];
            if (gk[j].length != 3 * k) {
                throw new IllegalArgumentException(
                        "ground-truth annotation " + g.get(j).id() + " has " + gk[j].length / 3.0
                                + " keypoints; its category " + cat + " has " + k);
            }
        }
        for (int i = 0; i < sel.length; i++) {
            if (dk[i].length != 3 * k) {
                CocoResult x = d.get(sel[i]);
                throw new IllegalArgumentException("result " + x.id() + " (image " + x.imageId() + ") has "
                        + dk[i].length / 3.0 + " keypoints; its category " + cat + " has " + k);
            }
        }
        return Oks.compute(dk, gk, gb, ga, params.sigmasFor(k));
    }

    private static int numKeypoints(CocoAnnotation a) {
        if (a.numKeypoints() != null) return a.numKeypoints();
        double[] kps = a.keypoints();
        int n = 0;
        if (kps != null) for (int i = 2; i < kps.length; i += 3) if (kps[i] > 0) n++;
        return n;
    }

    /** The annotation's {@code area}; when absent, its mask area, else its box area (pycocotools would fail). */
    private double gtArea(CocoAnnotation a) {
        if (a.area() != null) return a.area();
        Rle m = a.segmentation() == null ? null : gt.annToRle(a);
        if (m != null) return m.area();
        double[] b = a.bbox();
        if (b != null) return b[2] * b[3];
        throw new IllegalArgumentException("ground-truth annotation " + a.id() + " has no area, segmentation or bbox");
    }

    private Rle gtMask(CocoAnnotation a) {
        Rle m = gt.annToRle(a);
        if (m == null) {
            throw new IllegalArgumentException(
                    "ground-truth annotation " + a.id() + " has no segmentation, needed for" + " segm evaluation");
        }
        return m;
    }

    private static Rle dtMask(CocoResult d, CocoImage image) {
        Segmentation s = d.segmentation();
        if (s != null) return s.toRle(image.height(), image.width());
        double[] bb = requireBox(d);
        // loadRes gives box-only results the box as a polygon
        double x1 = bb[0];
        double x2 = bb[0] + bb[2];
        double y1 = bb[1];
        double y2 = bb[1] + bb[3];
        return Rle.fromPolygons(List.of(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}), image.height(), image.width());
    }

    private static double[] requireBox(CocoAnnotation a) {
        double[] b = a.bbox();
        if (b == null) throw new IllegalArgumentException("ground-truth annotation " + a.id() + " has no bbox");
        return b;
    }

    private static double[] requireBox(CocoResult d) {
        if (d.bbox() == null) {
            throw new IllegalArgumentException("result " + d.id() + " (image " + d.imageId() + ") has no bbox");
        }
        return d.bbox();
    }
}
