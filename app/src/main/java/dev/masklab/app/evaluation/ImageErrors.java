package dev.masklab.app.evaluation;

import dev.masklab.eval.CellErrors;
import dev.masklab.eval.ImageEvaluation;
import dev.masklab.eval.ImageEvaluations;
import dev.masklab.eval.IncrementalEvaluation;
import dev.masklab.eval.IouType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The errors of one image at one IoU threshold, over all its categories: each evaluated detection's and ground
 * truth's {@link ErrorOutcome} and the matched pairs with their IoU. The lists are the engine's {@link CellErrors}
 * (exactly what pycocotools' accumulate counts); what a cell holds in none of its lists is {@link ErrorOutcome#IGNORED}.
 *
 * @param imageId      the image
 * @param iouType      bbox, segm or keypoints (the pairs' "IoU" is OKS for keypoints)
 * @param iouThreshold the threshold of the matching
 * @param detections   result id -> outcome, for every detection the evaluation kept
 * @param groundTruths annotation id -> outcome, for every ground truth of an evaluated category
 * @param matches      the true-positive pairs, by category then detection score
 */
public record ImageErrors(
        long imageId,
        IouType iouType,
        double iouThreshold,
        Map<Long, ErrorOutcome> detections,
        Map<Long, ErrorOutcome> groundTruths,
        List<Match> matches) {

    /** A true positive: the detection, the ground truth it matched and their IoU (OKS for keypoints). */
    public record Match(long dtId, long gtId, double iou) {}

    public ImageErrors {
        detections = Map.copyOf(detections);
        groundTruths = Map.copyOf(groundTruths);
        matches = List.copyOf(matches);
    }

    /**
     * The errors of {@code imageId} in {@code ev} (as of its last update) at {@code iouThreshold}; null when the
     * image is not evaluated or the threshold is not one of the evaluation's.
     */
    public static ImageErrors of(IncrementalEvaluation ev, long imageId, double iouThreshold) {
        ImageEvaluations images = ev.images();
        int i = images.imageIndex(imageId);
        int t = thresholdIndex(images.params().iouThrs(), iouThreshold);
        if (i < 0 || t < 0) return null;
        Map<Long, ErrorOutcome> dts = new LinkedHashMap<>();
        Map<Long, ErrorOutcome> gts = new LinkedHashMap<>();
        List<Match> matches = new ArrayList<>();
        long[] catIds = images.catIds();
        for (int k = 0; k < catIds.length; k++) {
            ImageEvaluation e = images.matching(k, i);
            if (e == null) continue;
            CellErrors c = CellErrors.of(imageId, catIds[k], e, t);
            for (long[] pair : c.tp()) {
                dts.put(pair[0], ErrorOutcome.TRUE_POSITIVE);
                gts.put(pair[1], ErrorOutcome.TRUE_POSITIVE);
                matches.add(new Match(pair[0], pair[1], ev.iou(imageId, pair[0], pair[1])));
            }
            for (long d : c.fp()) dts.put(d, ErrorOutcome.FALSE_POSITIVE);
            for (long g : c.fn()) gts.put(g, ErrorOutcome.FALSE_NEGATIVE);
            for (long d : e.dtIds()) dts.putIfAbsent(d, ErrorOutcome.IGNORED);
            for (long g : e.gtIds()) gts.putIfAbsent(g, ErrorOutcome.IGNORED);
        }
        return new ImageErrors(imageId, images.params().iouType(), iouThreshold, dts, gts, matches);
    }

    /** The index of {@code thr} among {@code thrs} (exact, as COCO's thresholds are linspace values), or -1. */
    static int thresholdIndex(double[] thrs, double thr) {
        for (int t = 0; t < thrs.length; t++) if (Math.abs(thrs[t] - thr) < 1e-9) return t;
        return -1;
    }

    /** The outcome of a detection (result id); {@link ErrorOutcome#IGNORED} for one the evaluation did not keep. */
    public ErrorOutcome detection(long resultId) {
        return detections.getOrDefault(resultId, ErrorOutcome.IGNORED);
    }

    /** The outcome of a ground truth (annotation id); {@link ErrorOutcome#IGNORED} for one not evaluated. */
    public ErrorOutcome groundTruth(long annotationId) {
        return groundTruths.getOrDefault(annotationId, ErrorOutcome.IGNORED);
    }

    /** The match of a detection, or null when it is not a true positive. */
    public Match matchOfDetection(long resultId) {
        for (Match m : matches) if (m.dtId() == resultId) return m;
        return null;
    }

    /** The match of a ground truth, or null when no detection matched it. */
    public Match matchOfGroundTruth(long annotationId) {
        for (Match m : matches) if (m.gtId() == annotationId) return m;
        return null;
    }

    /**
     * How many of each outcome, as the Evaluation tab's image list counts them: true positives are pairs, false
     * positives detections, false negatives ground truths; ignored counts both.
     */
    public Map<ErrorOutcome, Integer> counts() {
        Map<ErrorOutcome, Integer> n = new EnumMap<>(ErrorOutcome.class);
        for (ErrorOutcome o : ErrorOutcome.values()) n.put(o, 0);
        n.put(ErrorOutcome.TRUE_POSITIVE, matches.size());
        for (ErrorOutcome o : detections.values()) if (o != ErrorOutcome.TRUE_POSITIVE) n.merge(o, 1, Integer::sum);
        for (ErrorOutcome o : groundTruths.values()) if (o != ErrorOutcome.TRUE_POSITIVE) n.merge(o, 1, Integer::sum);
        return n;
    }
}
