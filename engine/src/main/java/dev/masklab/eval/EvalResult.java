package dev.masklab.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Accumulated COCO evaluation: pycocotools' {@code eval} (precision [T][R][K][A][M], recall [T][K][A][M], scores) and
 * the {@code summarize()} statistics (12 values, 10 for keypoints), plus per-category scores and precision/recall
 * curves. -1 marks settings without ground truth, as in pycocotools.
 */
public final class EvalResult {
    private final EvalParams params;
    private final long[] catIds;
    private final String[] catNames;
    private final int nT;
    private final int nR;
    private final int nK;
    private final int nA;
    private final int nM;
    private final double[] precision;
    private final double[] recall;
    private final double[] scores;
    private final double[] stats;
    private final List<CategoryEval> perCategory;

    EvalResult(
            EvalParams params,
            long[] catIds,
            String[] catNames,
            double[] precision,
            double[] recall,
            double[] scores,
            int[] gtCounts,
            int[] dtCounts) {
        this.params = params;
        this.catIds = catIds;
        this.catNames = catNames;
        this.nT = params.iouThrCount();
        this.nR = params.recThrCount();
        this.nK = catIds.length;
        this.nA = params.areaCount();
        this.nM = params.maxDetCount();
        this.precision = precision;
        this.recall = recall;
        this.scores = scores;
        this.stats = params.iouType() == IouType.KEYPOINTS ? summarizeKeypoints() : summarizeDetections();
        List<CategoryEval> cats = new ArrayList<>(nK);
        int all = areaIndex("all");
        int mLast = nM - 1;
        for (int k = 0; k < nK; k++) {
            cats.add(new CategoryEval(
                    catIds[k],
                    catNames[k],
                    meanPrecision(k, -1, all, mLast),
                    meanPrecision(k, thresholdIndex(.5), all, mLast),
                    meanPrecision(k, thresholdIndex(.75), all, mLast),
                    meanPrecision(k, -1, areaIndex("small"), mLast),
                    meanPrecision(k, -1, areaIndex("medium"), mLast),
                    meanPrecision(k, -1, areaIndex("large"), mLast),
                    meanRecall(k, -1, all, mLast),
                    gtCounts[k],
                    dtCounts[k]));
        }
        this.perCategory = Collections.unmodifiableList(cats);
    }

    public EvalParams params() {
        return params;
    }

    public IouType iouType() {
        return params.iouType();
    }

    /** The evaluated category ids (K of them; a single -1 when categories are not used). */
    public long[] catIds() {
        return catIds.clone();
    }

    /** pycocotools' {@code stats}: 12 values (bbox, segm) or 10 (keypoints). */
    public double[] stats() {
        return stats.clone();
    }

    public List<CategoryEval> perCategory() {
        return perCategory;
    }

    /** precision[t][r][k][a][m]. */
    public double precision(int t, int r, int k, int a, int m) {
        return precision[idx5(t, r, k, a, m)];
    }

    /** recall[t][k][a][m]. */
    public double recall(int t, int k, int a, int m) {
        return recall[((t * nK + k) * nA + a) * nM + m];
    }

    /** scores[t][r][k][a][m]: the score at which the recall threshold is reached. */
    public double score(int t, int r, int k, int a, int m) {
        return scores[idx5(t, r, k, a, m)];
    }

    /** Selects every category in {@link #precisionCurve(int, int)}. */
    public static final int ALL_CATEGORIES = -1;

    /** Selects the mean over the IoU thresholds in {@link #precisionCurve(int, int)}. */
    public static final int MEAN_IOU = -1;

    /**
     * COCO's interpolated precision/recall curve: precision at each recall threshold ({@link EvalParams#recThrs()},
     * 101 by default) for area "all" and the largest maxDets. For category index k ({@link #ALL_CATEGORIES}: the mean
     * over the categories, as the summary's AP averages them) and IoU threshold index t ({@link #MEAN_IOU}: the mean
     * over the thresholds); entries -1 where no selected category has ground truth. The mean of a curve's entries is
     * the corresponding AP (AP, AP50, AP75 of a category, or of the summary).
     */
    public double[] precisionCurve(int k, int t) {
        if (k < ALL_CATEGORIES || k >= nK) throw new IndexOutOfBoundsException("category index " + k + " of " + nK);
        if (t < MEAN_IOU || t >= nT) throw new IndexOutOfBoundsException("IoU threshold index " + t + " of " + nT);
        double[] o = new double[nR];
        int a = areaIndex("all");
        for (int r = 0; r < nR; r++) {
            double sum = 0;
            int n = 0;
            for (int ti = 0; ti < nT; ti++) {
                if (t != MEAN_IOU && ti != t) continue;
                for (int ki = 0; ki < nK; ki++) {
                    if (k != ALL_CATEGORIES && ki != k) continue;
                    double v = precision(ti, r, ki, a, nM - 1);
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
            o[r] = n == 0 ? -1 : sum / n;
        }
        return o;
    }

    /** Index of the IoU threshold equal to thr (as pycocotools compares, exactly), -1 when it is not evaluated. */
    public int iouThresholdIndex(double thr) {
        int t = thresholdIndex(thr);
        return t < 0 ? -1 : t;
    }

    /** Recall per IoU threshold for category index k, area "all", the largest maxDets. */
    public double[] recallByIou(int k) {
        double[] o = new double[nT];
        int a = areaIndex("all");
        for (int t = 0; t < nT; t++) o[t] = recall(t, k, a, nM - 1);
        return o;
    }

    /** The pycocotools summary lines, e.g. {@code  Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | ...}. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        if (params.iouType() == IouType.KEYPOINTS) {
            int i = 0;
            lines.add(line(true, null, "all", 20, stats[i++]));
            lines.add(line(true, .5, "all", 20, stats[i++]));
            lines.add(line(true, .75, "all", 20, stats[i++]));
            lines.add(line(true, null, "medium", 20, stats[i++]));
            lines.add(line(true, null, "large", 20, stats[i++]));
            lines.add(line(false, null, "all", 20, stats[i++]));
            lines.add(line(false, .5, "all", 20, stats[i++]));
            lines.add(line(false, .75, "all", 20, stats[i++]));
            lines.add(line(false, null, "medium", 20, stats[i++]));
            lines.add(line(false, null, "large", 20, stats[i]));
        } else {
            int[] md = summaryMaxDets();
            int i = 0;
            lines.add(line(true, null, "all", md[2], stats[i++]));
            lines.add(line(true, .5, "all", md[2], stats[i++]));
            lines.add(line(true, .75, "all", md[2], stats[i++]));
            lines.add(line(true, null, "small", md[2], stats[i++]));
            lines.add(line(true, null, "medium", md[2], stats[i++]));
            lines.add(line(true, null, "large", md[2], stats[i++]));
            lines.add(line(false, null, "all", md[0], stats[i++]));
            lines.add(line(false, null, "all", md[1], stats[i++]));
            lines.add(line(false, null, "all", md[2], stats[i++]));
            lines.add(line(false, null, "small", md[2], stats[i++]));
            lines.add(line(false, null, "medium", md[2], stats[i++]));
            lines.add(line(false, null, "large", md[2], stats[i]));
        }
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ summarize

    private int idx5(int t, int r, int k, int a, int m) {
        return (((t * nR + r) * nK + k) * nA + a) * nM + m;
    }

    /** maxDets[0], [1], [2] as pycocotools' summary uses them (clamped to the last when fewer are set). */
    private int[] summaryMaxDets() {
        int[] md = params.maxDets();
        return new int[] {md[0], md[Math.min(1, md.length - 1)], md[Math.min(2, md.length - 1)]};
    }

    private double[] summarizeDetections() {
        int[] md = summaryMaxDets();
        return new double[] {
            summarize(true, null, "all", md[2]),
            summarize(true, .5, "all", md[2]),
            summarize(true, .75, "all", md[2]),
            summarize(true, null, "small", md[2]),
            summarize(true, null, "medium", md[2]),
            summarize(true, null, "large", md[2]),
            summarize(false, null, "all", md[0]),
            summarize(false, null, "all", md[1]),
            summarize(false, null, "all", md[2]),
            summarize(false, null, "small", md[2]),
            summarize(false, null, "medium", md[2]),
            summarize(false, null, "large", md[2])
        };
    }

    private double[] summarizeKeypoints() {
        return new double[] {
            summarize(true, null, "all", 20),
            summarize(true, .5, "all", 20),
            summarize(true, .75, "all", 20),
            summarize(true, null, "medium", 20),
            summarize(true, null, "large", 20),
            summarize(false, null, "all", 20),
            summarize(false, .5, "all", 20),
            summarize(false, .75, "all", 20),
            summarize(false, null, "medium", 20),
            summarize(false, null, "large", 20)
        };
    }

    /** pycocotools' {@code _summarize}: mean over the selected entries that are > -1, or -1 when there are none. */
    private double summarize(boolean ap, Double iouThr, String areaLbl, int maxDets) {
        int a = areaIndex(areaLbl);
        int m = -1;
        int[] md = params.maxDets();
        for (int i = 0; i < md.length; i++) if (md[i] == maxDets) m = i;
        int t = iouThr == null ? -1 : thresholdIndex(iouThr);
        if (a < 0 || m < 0 || (iouThr != null && t < 0)) return -1;
        double sum = 0;
        long n = 0;
        for (int ti = 0; ti < nT; ti++) {
            if (t >= 0 && ti != t) continue;
            for (int k = 0; k < nK; k++) {
                if (ap) {
                    for (int r = 0; r < nR; r++) {
                        double v = precision[idx5(ti, r, k, a, m)];
                        if (v > -1) {
                            sum += v;
                            n++;
                        }
                    }
                } else {
                    double v = recall(ti, k, a, m);
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private double meanPrecision(int k, int t, int a, int m) {
        if (a < 0 || (t < -1)) return -1;
        double sum = 0;
        long n = 0;
        for (int ti = 0; ti < nT; ti++) {
            if (t >= 0 && ti != t) continue;
            for (int r = 0; r < nR; r++) {
                double v = precision[idx5(ti, r, k, a, m)];
                if (v > -1) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private double meanRecall(int k, int t, int a, int m) {
        if (a < 0) return -1;
        double sum = 0;
        long n = 0;
        for (int ti = 0; ti < nT; ti++) {
            if (t >= 0 && ti != t) continue;
            double v = recall(ti, k, a, m);
            if (v > -1) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** Index of an IoU threshold equal to thr (pycocotools compares exactly), -2 when absent. */
    private int thresholdIndex(double thr) {
        double[] thrs = params.iouThrs();
        for (int i = 0; i < thrs.length; i++) if (thrs[i] == thr) return i;
        return -2;
    }

    private int areaIndex(String lbl) {
        String[] l = params.areaRngLbl();
        for (int i = 0; i < l.length; i++) if (l[i].equals(lbl)) return i;
        return -1;
    }

    private String line(boolean ap, Double iouThr, String area, int maxDets, double value) {
        double[] thrs = params.iouThrs();
        String iou = iouThr == null ? fixed(thrs[0], 2) + ":" + fixed(thrs[thrs.length - 1], 2) : fixed(iouThr, 2);
        return String.format(
                Locale.ROOT,
                " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
                ap ? "Average Precision" : "Average Recall",
                ap ? "(AP)" : "(AR)",
                iou,
                area,
                maxDets,
                fixed(value, 3));
    }

    /** Python's {@code '{:0.Nf}'} formatting: the exact binary value rounded half-even. */
    static String fixed(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
