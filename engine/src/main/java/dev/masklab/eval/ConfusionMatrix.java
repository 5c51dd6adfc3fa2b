package dev.masklab.eval;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each ground truth was detected as, and what each detection really was: a (K + 1) x (K + 1) matrix of counts,
 * rows the ground-truth category, columns the detected category (both in ascending category id), the last row and
 * column "background".
 *
 * <p>Matching rule (class-agnostic COCO matching): per image, every detection with score &gt;= minScore of an
 * evaluated category (any category, no per-image cap), highest score first (stable, as COCOeval), is matched to the
 * not yet matched ground truth of any category with the highest IoU (OKS for keypoints) &gt;= the threshold, a regular
 * ground truth preferred to an ignored one: exactly pycocotools' {@code evaluateImg} with {@code useCats = 0}, one IoU
 * threshold and area "all". A matched pair counts in (its ground truth's category, its detection's category); an
 * unmatched detection in (background, its category); an unmatched ground truth in (its category, background).
 * Ignored ground truth (crowd regions; for keypoints also those without labelled keypoints) and the detections
 * matched to it count nowhere, as in COCO's AP. Evaluated categories are those of {@link CocoEvaluator}'s defaults
 * (for keypoints: the categories that define keypoints).
 */
public final class ConfusionMatrix {
    /**
     * One counted item: the image, and the ground truth and detection (result) ids of the pair; null for the
     * background side.
     */
    public record Entry(long imageId, Long gtId, Long dtId) {}

    private final double iouThreshold;
    private final long[] categoryIds;
    private final String[] categoryNames;
    private final long[][] counts;
    private final List<List<List<Entry>>> entries;

    private ConfusionMatrix(double iouThreshold, long[] categoryIds, String[] categoryNames) {
        this.iouThreshold = iouThreshold;
        this.categoryIds = categoryIds;
        this.categoryNames = categoryNames;
        int n = categoryIds.length + 1;
        this.counts = new long[n][n];
        this.entries = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            List<List<Entry>> row = new ArrayList<>(n);
            for (int c = 0; c < n; c++) row.add(new ArrayList<>());
            entries.add(row);
        }
    }

    /**
     * @param gt        ground truth
     * @param results   results as {@link dev.masklab.coco.CocoResults#read} loads them (ids, areas)
     * @param type      what is compared (boxes, masks, keypoints)
     * @param iouThr    IoU (OKS) threshold in (0, 1]
     * @param minScore  detections below this score are left out
     */
    public static ConfusionMatrix compute(
            CocoDataset gt, List<CocoResult> results, IouType type, double iouThr, double minScore) {
        return compute(gt, results, type, iouThr, minScore, null);
    }

    /** As {@link #compute(CocoDataset, List, IouType, double, double)}, with progress and cancel (null: none). */
    public static ConfusionMatrix compute(
            CocoDataset gt,
            List<CocoResult> results,
            IouType type,
            double iouThr,
            double minScore,
            EvalProgress progress) {
        if (!(iouThr > 0 && iouThr <= 1))
            throw new IllegalArgumentException("IoU threshold " + iouThr + " not in (0, 1]");
        EvalParams defaults = EvalParams.defaults(type);
        EvalParams params = defaults.withUseCats(false)
                .withIouThrs(new double[] {iouThr})
                .withMaxDets(Integer.MAX_VALUE)
                .withAreaRanges(new double[][] {defaults.areaRng()[0]}, new String[] {"all"});
        List<CocoResult> kept =
                results.stream().filter(r -> r.score() >= minScore).toList();
        CocoEvalCells cells = CocoEvaluator.cells(gt, kept, params);
        long[] cats = cells.evaluatedCategoryIds();
        String[] names = new String[cats.length];
        Map<Long, Integer> index = new HashMap<>();
        for (int k = 0; k < cats.length; k++) {
            index.put(cats[k], k);
            names[k] = gt.category(cats[k]) == null
                    ? String.valueOf(cats[k])
                    : gt.category(cats[k]).name();
        }
        ImageEvaluations ev = new CocoEvaluator(params)
                .evaluateImages(cells.imgIds(), cells.catIds(), cells.catNames(), cells, true, progress);
        Map<Long, Long> dtCategory = new HashMap<>();
        for (CocoResult r : kept) dtCategory.put(r.id(), r.categoryId());
        ConfusionMatrix m = new ConfusionMatrix(iouThr, cats, names);
        int bg = cats.length;
        long[] imgIds = ev.imgIds();
        for (int i = 0; i < imgIds.length; i++) {
            ImageEvaluation e = ev.matching(0, i);
            if (e == null) continue;
            // pairs from the ground-truth side (gtMatches holds the detection id, never 0: loadRes ids start at 1)
            Set<Long> matched = new HashSet<>();
            long[] gtm = e.gtMatches()[0];
            for (int g = 0; g < gtm.length; g++) {
                if (e.gtIgnore()[g]) continue;
                long gtId = e.gtIds()[g];
                CocoAnnotation a = gt.annotation(gtId);
                int row = index.get(a.categoryId());
                if (gtm[g] != 0) {
                    matched.add(gtm[g]);
                    m.add(row, index.get(dtCategory.get(gtm[g])), new Entry(imgIds[i], gtId, gtm[g]));
                } else {
                    m.add(row, bg, new Entry(imgIds[i], gtId, null));
                }
            }
            for (int d = 0; d < e.dtIds().length; d++) {
                long dtId = e.dtIds()[d];
                if (e.dtIgnore()[0][d] || matched.contains(dtId)) continue;
                m.add(bg, index.get(dtCategory.get(dtId)), new Entry(imgIds[i], null, dtId));
            }
        }
        return m;
    }

    private void add(int row, int col, Entry e) {
        counts[row][col]++;
        entries.get(row).get(col).add(e);
    }

    public double iouThreshold() {
        return iouThreshold;
    }

    /** The categories of rows and columns 0..K-1, ascending. */
    public long[] categoryIds() {
        return categoryIds.clone();
    }

    public String[] categoryNames() {
        return categoryNames.clone();
    }

    /** Index of the background row and column (K). */
    public int background() {
        return categoryIds.length;
    }

    /** Number of items with ground-truth category row and detected category col (K: background). */
    public long count(int row, int col) {
        return counts[row][col];
    }

    /** The items counted in (row, col), images ascending, within an image ground truths then detections. */
    public List<Entry> entries(int row, int col) {
        return List.copyOf(entries.get(row).get(col));
    }
}
