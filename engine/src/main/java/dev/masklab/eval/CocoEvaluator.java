package dev.masklab.eval;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A port of pycocotools' {@code COCOeval} ({@code evaluate} + {@code accumulate} + {@code summarize}) working on plain
 * arrays per (image, category) cell. Images are evaluated in parallel (common fork-join pool); per image only a
 * compact record (scores and two flag bits per detection and IoU threshold) is kept for accumulation.
 * The static {@code evaluate} methods build the cells from a {@code CocoDataset} and results ({@code CocoEvalCells}).
 */
public final class CocoEvaluator {
    private static final byte MATCHED = 1;
    private static final byte IGNORED = 2;

    /** Supplies the cells of one image: one per category index (null or empty when there is nothing). */
    @FunctionalInterface
    public interface CellSource {
        /**
         * @param imageIndex index into the evaluated image ids
         * @return an array with one entry per evaluated category (a single entry when categories are not used)
         */
        EvalCell[] cells(int imageIndex);
    }

    /** pycocotools' per (image, category, area range) evaluation, reduced to what accumulate() reads. */
    private record Compact(double[] scores, byte[] flags, int gtKept) {
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
        for (CocoResult r : results) {
            if (Double.isNaN(r.area())) {
                // CocoResult.of leaves id and area unset; COCOeval's area ranges would then silently go wrong
                throw new IllegalArgumentException("result for image " + r.imageId() + " has no area: load results "
                        + "with CocoResults (pycocotools' loadRes) before evaluating");
            }
        }
        CocoEvalCells cells = new CocoEvalCells(gt, results, params);
        return new CocoEvaluator(params).evaluate(cells.imageCount(), cells.catIds(), cells.catNames(), cells);
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
        int nK = catIds.length;
        int nA = params.areaCount();
        int maxDet = params.maxDet(params.maxDetCount() - 1);
        double[] thrs = params.iouThrs();
        Compact[][][] records = new Compact[nK][nA][imageCount];
        try {
            IntStream.range(0, imageCount).parallel().forEach(i -> evaluateImage(i, source, records, thrs, maxDet));
        } catch (RuntimeException e) {
            // a worker's exception arrives as a copy wrapping the original: rethrow the original (its message)
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException original && cause.getClass() == e.getClass()) throw original;
            throw e;
        }
        return accumulate(records, catIds, catNames, imageCount);
    }

    private void evaluateImage(int i, CellSource source, Compact[][][] records, double[] thrs, int maxDet) {
        int nK = records.length;
        int nA = params.areaCount();
        EvalCell[] cells = source.cells(i);
        if (cells.length != nK) {
            throw new IllegalStateException("image " + i + ": " + cells.length + " cells for " + nK + " categories");
        }
        for (int k = 0; k < nK; k++) {
            EvalCell cell = cells[k];
            if (cell == null || cell.isEmpty()) continue;
            int[] order = ScoreOrder.descending(cell.dtScores());
            if (order.length > maxDet) order = Arrays.copyOf(order, maxDet);
            double[][] ious = cell.gtCount() == 0 || order.length == 0
                    ? new double[order.length][0] : cell.ious().compute(order);
            for (int a = 0; a < nA; a++) {
                ImageEvaluation ev = ImageEvaluation.evaluate(cell, order, ious, params.areaLo(a),
                        params.areaHi(a), maxDet, thrs);
                records[k][a][i] = compact(ev);
            }
        }
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

    /** pycocotools' {@code accumulate}: precision with the monotone envelope, sampled at the recall thresholds. */
    private EvalResult accumulate(Compact[][][] records, long[] catIds, String[] catNames, int imageCount) {
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
        int areaAll = Math.max(0, Arrays.asList(params.areaRngLbl()).indexOf("all"));
        IntStream.range(0, nK).parallel().forEach(k -> {
            // Every area range has the same detections (same cells, same scores): concatenate them once in image
            // order and sort once. The stable order of a subset (fewer maxDets) is the full order filtered, so one
            // sort per category serves every (area, maxDets) pair.
            int total = 0;
            for (int i = 0; i < imageCount; i++) {
                Compact c = records[k][0][i];
                if (c != null) total += c.scores.length;
            }
            double[] sc = new double[total];
            int[] entryImage = new int[total];
            int[] entryRank = new int[total];
            int off = 0;
            for (int i = 0; i < imageCount; i++) {
                Compact c = records[k][0][i];
                if (c == null) continue;
                System.arraycopy(c.scores, 0, sc, off, c.scores.length);
                for (int d = 0; d < c.scores.length; d++) {
                    entryImage[off + d] = i;
                    entryRank[off + d] = d;
                }
                off += c.scores.length;
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
                for (int i = 0; i < imageCount; i++) {
                    Compact c = records[k][a][i];
                    if (c == null) continue;
                    present = true;
                    npig += c.gtKept;
                }
                if (a == areaAll) {
                    gtCounts[k] = npig;
                    dtCounts[k] = keptAt[nM - 1].length;
                }
                if (!present || npig == 0) continue;
                // this area's flags, laid out in sorted order
                for (int j = 0; j < total; j++) {
                    int e = order[j];
                    Compact c = records[k][a][entryImage[e]];
                    int d = c.scores.length;
                    for (int t = 0; t < nT; t++) flat[t * total + j] = c.flags[t * d + entryRank[e]];
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
                            if ((b & IGNORED) == 0) {
                                if ((b & MATCHED) != 0) tp++;
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
