package dev.masklab.app.evaluation;

import dev.masklab.eval.EvalResult;
import dev.masklab.eval.ImageEvaluation;
import dev.masklab.eval.ImageEvaluations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The detection behind a point of a precision/recall curve: COCO's accumulate sorts a category's detections (area
 * "all", at most maxDets per image) by score, highest first, and the curve's point at recall r is read at the first
 * detection whose cumulative recall reaches r ({@code np.searchsorted(rc, r, side='left')}); that detection, and its
 * image, is what a click on the curve at recall r opens. For the curve of all categories (the mean of the categories'
 * curves, which no single detection stands behind) the nearest choice is taken: the categories' detections pooled and
 * sorted by score, recall counted over all their ground truth.
 *
 * @param imageId       the detection's image
 * @param dtId          the detection (result id)
 * @param score         its score (what pycocotools' {@code scores} array holds at that recall)
 * @param truePositive  whether it is a true positive at the curve's IoU threshold
 * @param recall        the cumulative recall reached with it
 */
public record CurvePoint(long imageId, long dtId, double score, boolean truePositive, double recall) {

    private record Ranked(double score, long imageId, long dtId, boolean tp, boolean ignored) {}

    /**
     * The detection at recall {@code recall} of category index {@code k} ({@link EvalResult#ALL_CATEGORIES}: all
     * pooled) at IoU threshold index {@code t}; null when there is no ground truth that counts, no detection, or the
     * recall is never reached.
     */
    public static CurvePoint at(ImageEvaluations ev, int k, int t, double recall) {
        List<Ranked> ranked = new ArrayList<>();
        int gts = 0;
        for (int c = 0; c < ev.catCount(); c++) {
            if (k != EvalResult.ALL_CATEGORIES && c != k) continue;
            long[] imgIds = ev.imgIds();
            for (int i = 0; i < imgIds.length; i++) {
                ImageEvaluation e = ev.matching(c, i);
                if (e == null) continue;
                for (boolean ig : e.gtIgnore()) if (!ig) gts++;
                for (int d = 0; d < e.dtIds().length; d++) {
                    boolean ignored = e.dtIgnore()[t][d];
                    ranked.add(new Ranked(
                            e.dtScores()[d], imgIds[i], e.dtIds()[d], !ignored && e.dtMatches()[t][d] != 0, ignored));
                }
            }
        }
        if (gts == 0 || ranked.isEmpty()) return null;
        // stable, as accumulate's mergesort: ties keep category, image and per-image order
        ranked.sort(Comparator.comparingDouble(Ranked::score).reversed());
        int tp = 0;
        for (Ranked r : ranked) {
            if (r.tp()) tp++;
            double rc = (double) tp / gts;
            if (rc >= recall) return new CurvePoint(r.imageId(), r.dtId(), r.score(), r.tp(), rc);
        }
        return null;
    }
}
