package dev.masklab.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Every image's evaluation, pycocotools' {@code evalImgs} ({@code evaluate()} before {@code accumulate()}): per
 * (category, area range, image) cell a compact record (scores, and a matched and an ignored bit per detection and IoU
 * threshold) from which {@link #result()} accumulates, and on request the full matching of area "all"
 * ({@link ImageEvaluation}: detection and ground-truth matches per IoU threshold, ignore flags, scores, ids), from
 * which the true/false positives and false negatives ({@link #errors(int)}) come.
 *
 * <p>An image can be evaluated again ({@link #reevaluate(int, CocoEvaluator.CellSource)}) and the summary
 * re-accumulated without evaluating the other images again. Not thread-safe: one writer at a time.
 */
public final class ImageEvaluations {
    static final byte MATCHED = 1;
    static final byte IGNORED = 2;

    /** pycocotools' per (image, category, area range) evaluation, reduced to what accumulate() reads. */
    record Compact(double[] scores, byte[] flags, int gtKept) {}

    private final CocoEvaluator evaluator;
    private final long[] imgIds;
    private final long[] catIds;
    private final String[] catNames;
    private final Compact[][][] records;
    private final ImageEvaluation[][] matches;

    ImageEvaluations(CocoEvaluator evaluator, long[] imgIds, long[] catIds, String[] catNames, boolean keepMatches) {
        this.evaluator = evaluator;
        this.imgIds = imgIds.clone();
        this.catIds = catIds.clone();
        this.catNames = catNames.clone();
        this.records = new Compact[catIds.length][evaluator.params().areaCount()][imgIds.length];
        this.matches = keepMatches ? new ImageEvaluation[catIds.length][imgIds.length] : null;
    }

    public EvalParams params() {
        return evaluator.params();
    }

    /** The evaluated image ids, ascending (index i of every method). */
    public long[] imgIds() {
        return imgIds.clone();
    }

    /** The evaluated category ids, ascending (index k); a single -1 when categories are not used. */
    public long[] catIds() {
        return catIds.clone();
    }

    public int imageCount() {
        return imgIds.length;
    }

    public int catCount() {
        return catIds.length;
    }

    /** Index of an evaluated image id, -1 when it is not evaluated. */
    public int imageIndex(long imageId) {
        int i = java.util.Arrays.binarySearch(imgIds, imageId);
        return i < 0 ? -1 : i;
    }

    /** Whether the matching of area "all" is kept ({@link #matching}, {@link #errors}). */
    public boolean keepsMatches() {
        return matches != null;
    }

    /** pycocotools' accumulate + summarize over every image. */
    public EvalResult result() {
        return evaluator.accumulate(this, IntStream.range(0, imgIds.length).toArray());
    }

    /**
     * Accumulates over the given (distinct) image indices only: COCOeval with {@code params.imgIds} set to those
     * images.
     */
    public EvalResult result(int... imageIndices) {
        return evaluator.accumulate(this, imageIndices.clone());
    }

    /**
     * COCO AP (IoU .50:.95, area "all", the largest maxDets) of image i alone, as {@link #result(int...)} of that
     * image; -1 when the image has no ground truth that counts.
     */
    public double imageAp(int i) {
        return result(i).stats()[0];
    }

    /** {@link #imageAp(int)} of every image (in parallel), for sorting images by how well they are detected. */
    public double[] imageAps() {
        return IntStream.range(0, imgIds.length)
                .parallel()
                .mapToDouble(this::imageAp)
                .toArray();
    }

    /**
     * Evaluates image i again from {@code source} (whose other images are not read), replacing its cells; the next
     * {@link #result()} accumulates with it.
     */
    public void reevaluate(int i, CocoEvaluator.CellSource source) {
        evaluator.evaluateImage(i, source, this);
    }

    /**
     * The matching of image i and category index k for area "all" (pycocotools' {@code evalImgs} entry), null when the
     * cell holds neither ground truth nor detections (pycocotools: None).
     *
     * @throws IllegalStateException when the matching was not kept
     */
    public ImageEvaluation matching(int k, int i) {
        requireMatches();
        return matches[k][i];
    }

    /**
     * True positives, false positives and false negatives at IoU threshold index t, area "all", for every cell that
     * pycocotools evaluates (its {@code evalImgs} entries that are not None), in pycocotools' order: category-major
     * (ascending id), then image (ascending id). See {@link CellErrors#of} for the rule.
     */
    public List<CellErrors> errors(int t) {
        requireMatches();
        checkThreshold(t);
        List<CellErrors> out = new ArrayList<>();
        for (int k = 0; k < catIds.length; k++) {
            for (int i = 0; i < imgIds.length; i++) {
                ImageEvaluation e = matches[k][i];
                if (e != null) out.add(CellErrors.of(imgIds[i], catIds[k], e, t));
            }
        }
        return out;
    }

    /** Image i's true positives, false positives and false negatives at IoU threshold index t over all categories. */
    public ErrorCounts counts(int i, int t) {
        requireMatches();
        checkThreshold(t);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int k = 0; k < catIds.length; k++) {
            ImageEvaluation e = matches[k][i];
            if (e == null) continue;
            CellErrors c = CellErrors.of(imgIds[i], catIds[k], e, t);
            tp += c.tp().length;
            fp += c.fp().length;
            fn += c.fn().length;
        }
        return new ErrorCounts(tp, fp, fn);
    }

    // ------------------------------------------------------------------------------------------------ internals

    long[] catIdsRef() {
        return catIds;
    }

    String[] catNamesRef() {
        return catNames;
    }

    Compact[][][] records() {
        return records;
    }

    /** Removes cell (k, i) (no ground truth nor detection): pycocotools' None. */
    void clear(int k, int i) {
        for (Compact[] byArea : records[k]) byArea[i] = null;
        if (matches != null) matches[k][i] = null;
    }

    void put(int k, int a, int i, ImageEvaluation ev, boolean areaAll) {
        records[k][a][i] = compact(ev);
        if (areaAll && matches != null) matches[k][i] = ev;
    }

    private void requireMatches() {
        if (matches == null) {
            throw new IllegalStateException("the per-image matching was not kept (evaluate with keepMatches)");
        }
    }

    private void checkThreshold(int t) {
        int n = evaluator.params().iouThrCount();
        if (t < 0 || t >= n) throw new IndexOutOfBoundsException("IoU threshold index " + t + " of " + n);
    }

    private static Compact compact(ImageEvaluation ev) {
        int nT = ev.dtMatches().length;
        int nD = ev.dtIds().length;
        byte[] flags = new byte[nT * nD];
        for (int t = 0; t < nT; t++) {
            for (int d = 0; d < nD; d++) {
                byte f = 0;
                if (ev.dtMatches()[t][d] != 0) f |= MATCHED;
                if (ev.dtIgnore()[t][d]) f |= IGNORED;
                flags[t * nD + d] = f;
            }
        }
        int kept = 0;
        for (boolean ig : ev.gtIgnore()) if (!ig) kept++;
        return new Compact(ev.dtScores(), flags, kept);
    }
}
