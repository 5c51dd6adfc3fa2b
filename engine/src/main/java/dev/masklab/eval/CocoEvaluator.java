package dev.masklab.eval;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A port of pycocotools' {@code COCOeval} ({@code evaluate} + {@code accumulate} + {@code summarize}) working on plain
 * arrays per (image, category) cell. Images are evaluated in parallel (common fork-join pool); per image only a
 * compact record (scores and two flag bits per detection and IoU threshold) is kept for accumulation, and on request
 * ({@link #evaluateImages}) the full matching of area "all" too ({@link ImageEvaluations}: pycocotools' evalImgs).
 * The static {@code evaluate} methods build the cells from a {@code CocoDataset} and results ({@code CocoEvalCells}).
 */
public final class CocoEvaluator {
    /** Supplies the cells of one image: one per category index (null or empty when there is nothing). */
    @FunctionalInterface
    public interface CellSource {
        /**
         * @param imageIndex index into the evaluated image ids
         * @return an array with one entry per evaluated category (a single entry when categories are not used)
         */
        EvalCell[] cells(int imageIndex);
    }

    private final EvalParams params;

    public CocoEvaluator(EvalParams params) {
        this.params = params;
    }

    public EvalParams params() {
        return params;
    }

    /**
     * Evaluates results (as {@link CocoResults#read} loads them: ids and areas by pycocotools' loadRes rules) against
     * a ground-truth dataset (images and categories as the params select, default all of the ground truth).
     *
     * @throws IllegalArgumentException naming the result or annotation when a needed field is missing (no bbox for
     *                                  bbox, no segmentation for segm, no or a wrong number of keypoints)
     */
    public static EvalResult evaluate(CocoDataset gt, List<CocoResult> results, EvalParams params) {
        CocoEvalCells cells = cells(gt, results, params);
        return new CocoEvaluator(params).evaluate(cells.imageCount(), cells.catIds(), cells.catNames(), cells);
    }

    /**
     * As {@link #evaluate(CocoDataset, List, EvalParams)} but returns every image's evaluation (pycocotools'
     * {@code evalImgs}), from which {@link ImageEvaluations#result()} accumulates the same result.
     *
     * @param keepMatches also keep each (image, category) cell's full matching for area "all"
     *                    ({@link ImageEvaluations#matching}); costs memory (about 10 bytes per detection and IoU
     *                    threshold), not time
     */
    public static ImageEvaluations evaluateImages(
            CocoDataset gt, List<CocoResult> results, EvalParams params, boolean keepMatches) {
        return evaluateImages(gt, results, params, keepMatches, null);
    }

    /** As {@link #evaluateImages(CocoDataset, List, EvalParams, boolean)} with progress and cancel (null: none). */
    public static ImageEvaluations evaluateImages(
            CocoDataset gt, List<CocoResult> results, EvalParams params, boolean keepMatches, EvalProgress progress) {
        CocoEvalCells cells = cells(gt, results, params);
        return new CocoEvaluator(params)
                .evaluateImages(cells.imgIds(), cells.catIds(), cells.catNames(), cells, keepMatches, progress);
    }

    static CocoEvalCells cells(CocoDataset gt, List<CocoResult> results, EvalParams params) {
        for (CocoResult r : results) requireArea(r);
        return new CocoEvalCells(gt, results, params);
    }

    static void requireArea(CocoResult r) {
        if (Double.isNaN(r.area())) {
            // CocoResult.of leaves id and area unset; COCOeval's area ranges would then silently go wrong
            throw new IllegalArgumentException("result for image " + r.imageId() + " has no area: load results "
                    + "with CocoResults (pycocotools' loadRes) before evaluating");
        }
    }

    /** Reads a results file with {@link CocoResults#read} and evaluates it. */
    public static EvalResult evaluate(CocoDataset gt, Path resultsFile, EvalParams params) throws IOException {
        return evaluate(gt, CocoResults.read(resultsFile, gt), params);
    }

    /**
     * Evaluates every image and accumulates.
     *
     * @param imageCount number of images (the evaluated image ids, sorted ascending as pycocotools does)
     * @param catIds     evaluated category ids, ascending ({-1} when categories are not used)
     * @param catNames   their names
     * @param source     the cells per image
     */
    public EvalResult evaluate(int imageCount, long[] catIds, String[] catNames, CellSource source) {
        long[] imgIds = new long[imageCount];
        for (int i = 0; i < imageCount; i++) imgIds[i] = i;
        return evaluateImages(imgIds, catIds, catNames, source, false).result();
    }

    /**
     * Evaluates every image (pycocotools' {@code evaluate}) without accumulating.
     *
     * @param imgIds      the evaluated image ids, ascending as pycocotools sorts them (index i is image i of source)
     * @param catIds      evaluated category ids, ascending ({-1} when categories are not used)
     * @param catNames    their names
     * @param source      the cells per image
     * @param keepMatches also keep every cell's full matching for area "all" (see {@link ImageEvaluations})
     */
    public ImageEvaluations evaluateImages(
            long[] imgIds, long[] catIds, String[] catNames, CellSource source, boolean keepMatches) {
        return evaluateImages(imgIds, catIds, catNames, source, keepMatches, null);
    }

    /**
     * As {@link #evaluateImages(long[], long[], String[], CellSource, boolean)}, reporting each evaluated image to
     * {@code progress} (null: none), which may cancel.
     */
    public ImageEvaluations evaluateImages(
            long[] imgIds,
            long[] catIds,
            String[] catNames,
            CellSource source,
            boolean keepMatches,
            EvalProgress progress) {
        ImageEvaluations ev = new ImageEvaluations(this, imgIds, catIds, catNames, keepMatches);
        int n = imgIds.length;
        AtomicInteger done = new AtomicInteger();
        try {
            IntStream.range(0, n).parallel().forEach(i -> {
                evaluateImage(i, source, ev);
                if (progress != null) progress.imagesDone(done.incrementAndGet(), n);
            });
        } catch (RuntimeException e) {
            // a worker's exception arrives as a copy wrapping the original: rethrow the original (its message)
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException original && cause.getClass() == e.getClass()) throw original;
            throw e;
        }
        return ev;
    }

    /** Evaluates image i's cells into ev (all area ranges; the matching of area "all" too when ev keeps it). */
    void evaluateImage(int i, CellSource source, ImageEvaluations ev) {
        int nK = ev.catCount();
        int nA = params.areaCount();
        int maxDet = params.maxDet(params.maxDetCount() - 1);
        double[] thrs = params.iouThrs();
        EvalCell[] cells = source.cells(i);
        if (cells.length != nK) {
            throw new IllegalStateException("image " + i + ": " + cells.length + " cells for " + nK + " categories");
        }
        int areaAll = areaAllIndex();
        for (int k = 0; k < nK; k++) {
            EvalCell cell = cells[k];
            if (cell == null || cell.isEmpty()) {
                ev.clear(k, i);
                continue;
            }
            int[] order = ScoreOrder.descending(cell.dtScores());
            if (order.length > maxDet) order = Arrays.copyOf(order, maxDet);
            double[][] ious = cell.gtCount() == 0 || order.length == 0
                    ? new double[order.length][0]
                    : cell.ious().compute(order);
            for (int a = 0; a < nA; a++) {
                ImageEvaluation e =
                        ImageEvaluation.evaluate(cell, order, ious, params.areaLo(a), params.areaHi(a), maxDet, thrs);
                ev.put(k, a, i, e, a == areaAll);
            }
        }
    }

    /** Index of the area range labelled "all" (the first range when none is). */
    int areaAllIndex() {
        return Math.max(0, Arrays.asList(params.areaRngLbl()).indexOf("all"));
    }

    /** pycocotools' {@code accumulate}: precision with the monotone envelope, sampled at the recall thresholds. */
    EvalResult accumulate(ImageEvaluations ev, int[] images) {
        long[] catIds = ev.catIdsRef();
        String[] catNames = ev.catNamesRef();
        ImageEvaluations.Compact[][][] records = ev.records();
        int nT = params.iouThrCount();
        int nR = params.recThrCount();
        int nK = catIds.length;
        int nA = params.areaCount();
        int nM = params.maxDetCount();
        double[] precision = new double[nT * nR * nK * nA * nM];
        double[] recall = new double[nT * nK * nA * nM];
        double[] scores = new double[precision.length];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Arrays.fill(scores, -1);
        int[] gtCounts = new int[nK];
        int[] dtCounts = new int[nK];
        double[] recThrs = params.recThrs();
        double eps = Math.ulp(1.0); // np.spacing(1)
        int areaAll = areaAllIndex();
        IntStream.range(0, nK).parallel().forEach(k -> {
            // Every area range has the same detections (same cells, same scores): concatenate them once in image
            // order and sort once. The stable order of a subset (fewer maxDets) is the full order filtered, so one
            // sort per category serves every (area, maxDets) pair.
            int total = 0;
            for (int i : images) {
                ImageEvaluations.Compact c = records[k][0][i];
                if (c != null) total += c.scores().length;
            }
            double[] sc = new double[total];
            int[] entryImage = new int[total];
            int[] entryRank = new int[total];
            int off = 0;
            for (int i : images) {
                ImageEvaluations.Compact c = records[k][0][i];
                if (c == null) continue;
                double[] cs = c.scores();
                System.arraycopy(cs, 0, sc, off, cs.length);
                for (int d = 0; d < cs.length; d++) {
                    entryImage[off + d] = i;
                    entryRank[off + d] = d;
                }
                off += cs.length;
            }
            int[] order = ScoreOrder.descending(sc);
            // per maxDets: positions in the sorted order of the detections within each image's first maxDet
            int[][] keptAt = new int[nM][];
            for (int m = 0; m < nM; m++) {
                int maxDet = params.maxDet(m);
                int[] kept = new int[total];
                int nd = 0;
                for (int j = 0; j < total; j++) {
                    if (entryRank[order[j]] < maxDet) kept[nd++] = j;
                }
                keptAt[m] = Arrays.copyOf(kept, nd);
            }
            byte[] flat = new byte[nT * total];
            double[] pr = new double[total];
            double[] rc = new double[total];
            for (int a = 0; a < nA; a++) {
                int npig = 0;
                boolean present = false;
                for (int i : images) {
                    ImageEvaluations.Compact c = records[k][a][i];
                    if (c == null) continue;
                    present = true;
                    npig += c.gtKept();
                }
                if (a == areaAll) {
                    gtCounts[k] = npig;
                    dtCounts[k] = keptAt[nM - 1].length;
                }
                if (!present || npig == 0) continue;
                // this area's flags, laid out in sorted order
                for (int j = 0; j < total; j++) {
                    int e = order[j];
                    ImageEvaluations.Compact c = records[k][a][entryImage[e]];
                    int d = c.scores().length;
                    byte[] cf = c.flags();
                    for (int t = 0; t < nT; t++) flat[t * total + j] = cf[t * d + entryRank[e]];
                }
                for (int m = 0; m < nM; m++) {
                    int[] kept = keptAt[m];
                    int nd = kept.length;
                    for (int t = 0; t < nT; t++) {
                        int base = t * total;
                        long tp = 0;
                        long fp = 0;
                        for (int j = 0; j < nd; j++) {
                            byte b = flat[base + kept[j]];
                            if ((b & ImageEvaluations.IGNORED) == 0) {
                                if ((b & ImageEvaluations.MATCHED) != 0) tp++;
                                else fp++;
                            }
                            rc[j] = (double) tp / npig;
                            pr[j] = (double) tp / (fp + tp + eps);
                        }
                        recall[((t * nK + k) * nA + a) * nM + m] = nd > 0 ? rc[nd - 1] : 0;
                        for (int j = nd - 1; j > 0; j--) {
                            if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
                        }
                        // searchsorted(rc, recThrs, 'left'); thresholds past the last recall keep precision 0
                        int j = 0;
                        for (int r = 0; r < nR; r++) {
                            while (j < nd && rc[j] < recThrs[r]) j++;
                            int at = (((t * nR + r) * nK + k) * nA + a) * nM + m;
                            if (j < nd) {
                                precision[at] = pr[j];
                                scores[at] = sc[order[kept[j]]];
                            } else {
                                precision[at] = 0;
                                scores[at] = 0;
                            }
                        }
                    }
                }
            }
        });
        return new EvalResult(params, catIds, catNames, precision, recall, scores, gtCounts, dtCounts);
    }
}
