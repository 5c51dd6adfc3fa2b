package dev.masklab.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Evaluation parameters, pycocotools' {@code Params}: IoU thresholds .50:.05:.95, 101 recall thresholds 0:.01:1 (both
 * computed exactly as {@code numpy.linspace}), max detections [1, 10, 100] (keypoints: [20]), area ranges
 * all/small/medium/large (keypoints: all/medium/large), per-category evaluation on. Immutable; the {@code with...}
 * methods return changed copies.
 */
public final class EvalParams {
    /** pycocotools' {@code kpt_oks_sigmas}: the 17 COCO person keypoint sigmas. */
    public static final double[] COCO_KEYPOINT_SIGMAS = divide(
            new double[] {.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89}, 10.0);

    /**
     * Sigma used for every keypoint of a category whose keypoint count is not 17 (pycocotools only knows the 17 COCO
     * sigmas and fails on other counts): the mean of the COCO sigmas, about 0.0669. Set explicit sigmas with
     * {@link #withKeypointSigmas(double[])} for such datasets.
     */
    public static final double UNIFORM_KEYPOINT_SIGMA =
            Arrays.stream(COCO_KEYPOINT_SIGMAS).sum() / COCO_KEYPOINT_SIGMAS.length;

    private final IouType iouType;
    private final double[] iouThrs;
    private final double[] recThrs;
    private final int[] maxDets;
    private final double[][] areaRng;
    private final String[] areaRngLbl;
    private final boolean useCats;
    private final double[] keypointSigmas;
    private final long[] imgIds;
    private final long[] catIds;

    private EvalParams(
            IouType iouType,
            double[] iouThrs,
            double[] recThrs,
            int[] maxDets,
            double[][] areaRng,
            String[] areaRngLbl,
            boolean useCats,
            double[] keypointSigmas,
            long[] imgIds,
            long[] catIds) {
        this.iouType = Objects.requireNonNull(iouType, "iouType");
        this.iouThrs = iouThrs;
        this.recThrs = recThrs;
        this.maxDets = maxDets;
        this.areaRng = areaRng;
        this.areaRngLbl = areaRngLbl;
        this.useCats = useCats;
        this.keypointSigmas = keypointSigmas;
        this.imgIds = imgIds;
        this.catIds = catIds;
    }

    /** pycocotools' defaults for the given iou type. */
    public static EvalParams defaults(IouType type) {
        double[] iou = linspace(.5, 0.95, (int) Math.rint((0.95 - .5) / .05) + 1);
        double[] rec = linspace(.0, 1.00, (int) Math.rint((1.00 - .0) / .01) + 1);
        double all = 1e5 * 1e5;
        if (type == IouType.KEYPOINTS) {
            return new EvalParams(
                    type,
                    iou,
                    rec,
                    new int[] {20},
                    new double[][] {{0, all}, {32 * 32, 96 * 96}, {96 * 96, all}},
                    new String[] {"all", "medium", "large"},
                    true,
                    null,
                    null,
                    null);
        }
        return new EvalParams(
                type,
                iou,
                rec,
                new int[] {1, 10, 100},
                new double[][] {{0, all}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, all}},
                new String[] {"all", "small", "medium", "large"},
                true,
                null,
                null,
                null);
    }

    /**
     * {@code numpy.linspace(start, stop, num)} bit for bit: {@code i * step + start} with
     * {@code step = (stop - start) / (num - 1)}, the last value set to {@code stop}.
     */
    public static double[] linspace(double start, double stop, int num) {
        if (num < 1) return new double[0];
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = step == 0 ? (double) i / (num - 1) * (stop - start) + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    private static double[] divide(double[] v, double d) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] / d;
        return o;
    }

    public IouType iouType() {
        return iouType;
    }

    public double[] iouThrs() {
        return iouThrs.clone();
    }

    public double[] recThrs() {
        return recThrs.clone();
    }

    /** Max detections per image, ascending (evaluation uses the last, the largest). */
    public int[] maxDets() {
        return maxDets.clone();
    }

    public double[][] areaRng() {
        double[][] o = new double[areaRng.length][];
        for (int i = 0; i < o.length; i++) o[i] = areaRng[i].clone();
        return o;
    }

    public String[] areaRngLbl() {
        return areaRngLbl.clone();
    }

    public boolean useCats() {
        return useCats;
    }

    /** Explicit OKS sigmas for every keypoint category, or null for the defaults (see {@link #sigmasFor(int)}). */
    public double[] keypointSigmas() {
        return keypointSigmas == null ? null : keypointSigmas.clone();
    }

    /** Image ids to evaluate, or null for all images of the ground truth. */
    public long[] imgIds() {
        return imgIds == null ? null : imgIds.clone();
    }

    /** Category ids to evaluate, or null for all categories of the ground truth. */
    public long[] catIds() {
        return catIds == null ? null : catIds.clone();
    }

    int iouThrCount() {
        return iouThrs.length;
    }

    double iouThr(int t) {
        return iouThrs[t];
    }

    double recThr(int r) {
        return recThrs[r];
    }

    int recThrCount() {
        return recThrs.length;
    }

    int maxDetCount() {
        return maxDets.length;
    }

    int maxDet(int m) {
        return maxDets[m];
    }

    int areaCount() {
        return areaRng.length;
    }

    double areaLo(int a) {
        return areaRng[a][0];
    }

    double areaHi(int a) {
        return areaRng[a][1];
    }

    /**
     * OKS sigmas for a category with {@code numKeypoints} keypoints: the explicit sigmas when set (their count must
     * match), else the COCO sigmas for 17 keypoints, else {@link #UNIFORM_KEYPOINT_SIGMA} for every keypoint.
     */
    public double[] sigmasFor(int numKeypoints) {
        if (keypointSigmas != null) {
            if (keypointSigmas.length != numKeypoints) {
                throw new IllegalArgumentException(keypointSigmas.length + " keypoint sigmas were given for a category"
                        + " with " + numKeypoints + " keypoints");
            }
            return keypointSigmas.clone();
        }
        if (numKeypoints == COCO_KEYPOINT_SIGMAS.length) return COCO_KEYPOINT_SIGMAS.clone();
        double[] s = new double[numKeypoints];
        Arrays.fill(s, UNIFORM_KEYPOINT_SIGMA);
        return s;
    }

    public EvalParams withMaxDets(int... maxDets) {
        if (maxDets.length == 0) throw new IllegalArgumentException("maxDets is empty");
        int[] m = maxDets.clone();
        Arrays.sort(m); // pycocotools sorts them in evaluate()
        return new EvalParams(
                iouType, iouThrs, recThrs, m, areaRng, areaRngLbl, useCats, keypointSigmas, imgIds, catIds);
    }

    public EvalParams withUseCats(boolean useCats) {
        return new EvalParams(
                iouType, iouThrs, recThrs, maxDets, areaRng, areaRngLbl, useCats, keypointSigmas, imgIds, catIds);
    }

    public EvalParams withKeypointSigmas(double[] sigmas) {
        return new EvalParams(
                iouType,
                iouThrs,
                recThrs,
                maxDets,
                areaRng,
                areaRngLbl,
                useCats,
                sigmas == null ? null : sigmas.clone(),
                imgIds,
                catIds);
    }

    public EvalParams withImgIds(long[] ids) {
        return new EvalParams(
                iouType,
                iouThrs,
                recThrs,
                maxDets,
                areaRng,
                areaRngLbl,
                useCats,
                keypointSigmas,
                ids == null ? null : ids.clone(),
                catIds);
    }

    public EvalParams withCatIds(long[] ids) {
        return new EvalParams(
                iouType,
                iouThrs,
                recThrs,
                maxDets,
                areaRng,
                areaRngLbl,
                useCats,
                keypointSigmas,
                imgIds,
                ids == null ? null : ids.clone());
    }

    public EvalParams withIouThrs(double[] thrs) {
        return new EvalParams(
                iouType, thrs.clone(), recThrs, maxDets, areaRng, areaRngLbl, useCats, keypointSigmas, imgIds, catIds);
    }

    public EvalParams withAreaRanges(double[][] ranges, String[] labels) {
        if (ranges.length != labels.length) throw new IllegalArgumentException("one label per area range");
        double[][] r = new double[ranges.length][];
        for (int i = 0; i < r.length; i++) {
            if (ranges[i].length != 2) throw new IllegalArgumentException("an area range is [lo, hi]");
            r[i] = ranges[i].clone();
        }
        return new EvalParams(
                iouType, iouThrs, recThrs, maxDets, r, labels.clone(), useCats, keypointSigmas, imgIds, catIds);
    }
}
