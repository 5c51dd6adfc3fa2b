package dev.masklab.eval;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Two results (two results files, or two checkpoints run on the same images) evaluated against the same ground truth,
 * each exactly as {@link CocoEvaluator} evaluates it alone: per-category AP, AP50 and AP75 of both with their
 * difference, and every image with its AP (COCOeval of that image alone) and true / false positives and false
 * negatives at IoU .50 of both, the images where they disagree most first.
 */
public final class ResultsComparison {

    /** One category's scores in A and B ({@link CategoryEval}, -1 where the category has no ground truth). */
    public record CategoryComparison(long id, String name, CategoryEval a, CategoryEval b) {
        /** B's AP minus A's (.50:.95), NaN when the category has nothing to score. */
        public double apDelta() {
            return delta(a.ap(), b.ap());
        }

        public double ap50Delta() {
            return delta(a.ap50(), b.ap50());
        }

        public double ap75Delta() {
            return delta(a.ap75(), b.ap75());
        }
    }

    /**
     * One image in A and B.
     *
     * @param apA COCO AP (.50:.95) of the image alone with A's results, -1 when it has no ground truth that counts
     * @param apB the same with B's
     * @param a   A's true positives, false positives and false negatives over the image's categories at IoU .50
     * @param b   B's
     */
    public record ImageComparison(long imageId, double apA, double apB, ErrorCounts a, ErrorCounts b) {
        /** B's AP minus A's; 0 when the image has no ground truth that counts (neither has an AP). */
        public double apDelta() {
            return apA < 0 || apB < 0 ? 0 : apB - apA;
        }

        /** How much A and B disagree on the image's AP: |{@link #apDelta()}|. */
        public double disagreement() {
            return Math.abs(apDelta());
        }

        /** |tp difference| + |fp difference| + |fn difference|: what separates images with equal AP (e.g. none). */
        public int countDifference() {
            return Math.abs(a.tp() - b.tp()) + Math.abs(a.fp() - b.fp()) + Math.abs(a.fn() - b.fn());
        }
    }

    /** Most disagreement first: the larger AP difference, then the larger count difference, then the lower id. */
    public static final Comparator<ImageComparison> MOST_DISAGREEMENT_FIRST = Comparator.comparingDouble(
                    ImageComparison::disagreement)
            .thenComparingInt(ImageComparison::countDifference)
            .reversed()
            .thenComparingLong(ImageComparison::imageId);

    private final EvalResult a;
    private final EvalResult b;
    private final double iouThreshold;
    private final List<CategoryComparison> categories;
    private final List<ImageComparison> images;

    private ResultsComparison(
            EvalResult a,
            EvalResult b,
            double iouThreshold,
            List<CategoryComparison> categories,
            List<ImageComparison> images) {
        this.a = a;
        this.b = b;
        this.iouThreshold = iouThreshold;
        this.categories = List.copyOf(categories);
        this.images = List.copyOf(images);
    }

    /**
     * Evaluates {@code a} and {@code b} (each loaded with {@link dev.masklab.coco.CocoResults}' rules) against
     * {@code gt}.
     *
     * @param progress images evaluated of both evaluations together (null: none); may cancel by throwing
     *                 {@link java.util.concurrent.CancellationException}
     * @throws IllegalArgumentException as {@link CocoEvaluator#evaluate(CocoDataset, List, EvalParams)}, the message
     *                                  starting with "A: " or "B: "
     */
    public static ResultsComparison compare(
            CocoDataset gt, List<CocoResult> a, List<CocoResult> b, EvalParams params, EvalProgress progress) {
        ImageEvaluations evA = evaluate("A", gt, a, params, progress, 0);
        ImageEvaluations evB = evaluate("B", gt, b, params, progress, evA.imageCount());
        EvalResult ra = evA.result();
        EvalResult rb = evB.result();
        List<CategoryComparison> cats = new ArrayList<>();
        for (int k = 0; k < ra.perCategory().size(); k++) {
            CategoryEval ca = ra.perCategory().get(k);
            cats.add(new CategoryComparison(
                    ca.id(), ca.name(), ca, rb.perCategory().get(k)));
        }
        int t = thresholdIndex(params, .5);
        double[] apsA = evA.imageAps();
        double[] apsB = evB.imageAps();
        long[] ids = evA.imgIds();
        List<ImageComparison> imgs = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            imgs.add(new ImageComparison(ids[i], apsA[i], apsB[i], evA.counts(i, t), evB.counts(i, t)));
        }
        imgs.sort(MOST_DISAGREEMENT_FIRST);
        return new ResultsComparison(ra, rb, params.iouThrs()[t], cats, imgs);
    }

    private static ImageEvaluations evaluate(
            String which,
            CocoDataset gt,
            List<CocoResult> results,
            EvalParams params,
            EvalProgress progress,
            int offset) {
        try {
            return CocoEvaluator.evaluateImages(
                    gt,
                    results,
                    params,
                    true,
                    progress == null ? null : (done, total) -> progress.imagesDone(offset + done, 2 * total));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + ": " + e.getMessage(), e);
        }
    }

    /** The index of IoU threshold thr, the first threshold when it is not evaluated. */
    private static int thresholdIndex(EvalParams params, double thr) {
        double[] thrs = params.iouThrs();
        for (int i = 0; i < thrs.length; i++) if (thrs[i] == thr) return i;
        return 0;
    }

    /** A's evaluation, equal to {@link CocoEvaluator#evaluate(CocoDataset, List, EvalParams)} of A alone. */
    public EvalResult a() {
        return a;
    }

    /** B's evaluation. */
    public EvalResult b() {
        return b;
    }

    /** The IoU threshold of the images' counts (.50). */
    public double iouThreshold() {
        return iouThreshold;
    }

    /** Every evaluated category, by id (the order of {@link EvalResult#perCategory()}). */
    public List<CategoryComparison> categories() {
        return categories;
    }

    /** Every evaluated image, most disagreement first ({@link #MOST_DISAGREEMENT_FIRST}). */
    public List<ImageComparison> images() {
        return images;
    }

    /** y - x, NaN when either is -1 (nothing to score). */
    static double delta(double x, double y) {
        return x < 0 || y < 0 ? Double.NaN : y - x;
    }
}
