package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.coco.Rle;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end tolerance decided in issue #19: from image pixels the engine gives torchvision's detections, ALL
 * of them (at score threshold 0), each with the same label, its score within {@link #SCORE} and every box corner
 * within {@link #BOX_PX}, and each pasted mask (probability > 0.5) with IoU >= {@link #MASK_IOU} against
 * torchvision's. torchvision itself moves its float32 outputs by up to 2.7e-4 in score and 1.6e-2 px in box when only
 * its thread count or convolution algorithm changes (docs/benchmarks.md).
 *
 * <p>Where the reference lists the pixels whose mask probability lies within float noise of the threshold
 * ({@link Detection#nearThreshold}), a mask below the IoU bound still counts when every pixel on which the two masks
 * differ is one of those: on a small mask (under 50 pixels) one such pixel is already 2% of the union. Such masks are
 * counted and reported ({@link Report#thresholdNoiseMasks}); without the list the bound is strict.
 */
final class TorchvisionTolerance {
    static final double SCORE = 5e-4;
    static final double BOX_PX = 2e-2;
    static final double MASK_IOU = 0.98;

    private TorchvisionTolerance() {}

    /**
     * One detection in original image coordinates.
     *
     * @param label model label (or category id: compared for equality only)
     * @param score class score
     * @param box x1, y1, x2, y2 in pixels
     * @param mask the pasted mask, or null
     * @param nearThreshold row-major indices of the mask pixels whose probability is within noise of 0.5, or null
     */
    record Detection(int label, double score, double[] box, Rle mask, int[] nearThreshold) {
        Detection(int label, double score, double[] box, Rle mask) {
            this(label, score, box, mask, null);
        }
    }

    /**
     * What a comparison measured: over each reference detection and its nearest candidate of the same label (by the
     * largest corner difference), the largest score and box differences and the smallest mask IoU, and how many were
     * within the tolerance; {@code nearest[i]} is the index of reference i's candidate in the actual list (-1: none).
     */
    record Report(
            int matched,
            int reference,
            int actual,
            double maxScoreDiff,
            double maxBoxDiff,
            double minMaskIou,
            int unmatchedLabel,
            int thresholdNoiseMasks,
            int[] nearest) {
        boolean holds() {
            return matched == reference && reference == actual;
        }

        @Override
        public String toString() {
            return String.format(
                    "%d/%d torchvision detections matched (%d written, %d without a same-label candidate), max"
                            + " score diff %.3e (<= %.0e), max box diff %.3e px (<= %.0e), min mask IoU %.6f (>= %.2f; %d below it"
                            + " differing only in pixels within noise of 0.5)",
                    matched,
                    reference,
                    actual,
                    unmatchedLabel,
                    maxScoreDiff,
                    SCORE,
                    maxBoxDiff,
                    BOX_PX,
                    minMaskIou,
                    MASK_IOU,
                    thresholdNoiseMasks);
        }
    }

    /** Matches each reference detection to an unused actual one: same label, then the nearest box. */
    static Report compare(List<Detection> reference, List<Detection> actual) {
        boolean[] used = new boolean[actual.size()];
        int matched = 0;
        int noLabel = 0;
        double maxScore = 0;
        double maxBox = 0;
        double minIou = 1;
        int noiseMasks = 0;
        int[] nearest = new int[reference.size()];
        for (int i = 0; i < nearest.length; i++) {
            Detection r = reference.get(i);
            nearest[i] = -1;
            int best = -1;
            double bestBox = Double.MAX_VALUE;
            for (int j = 0; j < actual.size(); j++) {
                Detection a = actual.get(j);
                if (used[j] || a.label() != r.label()) {
                    continue;
                }
                double d = boxDiff(a.box(), r.box());
                if (d < bestBox) {
                    bestBox = d;
                    best = j;
                }
            }
            if (best < 0) {
                noLabel++;
                continue;
            }
            Detection a = actual.get(best);
            used[best] = true;
            nearest[i] = best;
            double scoreDiff = Math.abs(a.score() - r.score());
            double iou = r.mask() == null ? 1 : maskIou(a.mask(), r.mask());
            maxScore = Math.max(maxScore, scoreDiff);
            maxBox = Math.max(maxBox, bestBox);
            minIou = Math.min(minIou, iou);
            boolean maskHolds = iou >= MASK_IOU;
            if (!maskHolds
                    && r.nearThreshold() != null
                    && onlyDiffersNearThreshold(a.mask(), r.mask(), r.nearThreshold())) {
                maskHolds = true;
                noiseMasks++;
            }
            if (scoreDiff <= SCORE && bestBox <= BOX_PX && maskHolds) {
                matched++;
            }
        }
        return new Report(
                matched, reference.size(), actual.size(), maxScore, maxBox, minIou, noLabel, noiseMasks, nearest);
    }

    /** Asserts that {@code actual} holds within the tolerance; prints the measured maxima under {@code name}. */
    static Report assertHolds(String name, List<Detection> reference, List<Detection> actual) {
        Report r = compare(reference, actual);
        System.out.println("tolerance " + name + ": " + r);
        assertTrue(reference.size() > 0, name + ": torchvision found no detections to compare");
        assertEquals(reference.size(), actual.size(), name + ": detections written; " + r);
        assertTrue(r.holds(), name + ": " + r);
        return r;
    }

    /**
     * Detections of a COCO results array (the image's entries): category_id as the label, bbox (x, y, w, h) as corners,
     * segmentation as compressed or uncompressed RLE; a {@code box} field (x1, y1, x2, y2), when present, is used
     * instead of bbox.
     */
    static List<Detection> fromResults(JsonNode results) {
        List<Detection> out = new ArrayList<>();
        for (JsonNode d : results) {
            double[] box = new double[4];
            if (d.has("box")) {
                for (int k = 0; k < 4; k++) {
                    box[k] = d.get("box").get(k).asDouble();
                }
            } else {
                JsonNode b = d.path("bbox");
                // as float32, the precision both sides computed in
                box[0] = (float) b.get(0).asDouble();
                box[1] = (float) b.get(1).asDouble();
                box[2] = (float) (b.get(0).asDouble() + b.get(2).asDouble());
                box[3] = (float) (b.get(1).asDouble() + b.get(3).asDouble());
            }
            Rle mask = null;
            JsonNode seg = d.path("segmentation");
            if (seg.isObject()) {
                int h = seg.path("size").get(0).asInt();
                int w = seg.path("size").get(1).asInt();
                JsonNode counts = seg.path("counts");
                if (counts.isTextual()) {
                    mask = Rle.fromString(counts.asText(), h, w);
                } else {
                    int[] c = new int[counts.size()];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = counts.get(i).asInt();
                    }
                    mask = Rle.fromCounts(c, h, w);
                }
            }
            int[] near = null;
            if (d.has("near_threshold")) {
                near = new int[d.get("near_threshold").size()];
                for (int i = 0; i < near.length; i++) {
                    near[i] = d.get("near_threshold").get(i).asInt();
                }
            }
            out.add(new Detection(d.path("category_id").asInt(), d.path("score").asDouble(), box, mask, near));
        }
        return out;
    }

    /** The largest absolute difference of the four corners. */
    static double boxDiff(double[] a, double[] b) {
        double d = 0;
        for (int k = 0; k < 4; k++) {
            d = Math.max(d, Math.abs(a[k] - b[k]));
        }
        return d;
    }

    /** Whether every pixel where masks {@code a} and {@code b} differ is in {@code near} (row-major indices). */
    static boolean onlyDiffersNearThreshold(Rle a, Rle b, int[] near) {
        if (a == null || b == null) {
            return false;
        }
        byte[] x = a.decode();
        byte[] y = b.decode();
        if (x.length != y.length) {
            return false;
        }
        java.util.BitSet allowed = new java.util.BitSet(x.length);
        for (int p : near) {
            allowed.set(p);
        }
        for (int p = 0; p < x.length; p++) {
            if ((x[p] != 0) != (y[p] != 0) && !allowed.get(p)) {
                return false;
            }
        }
        return true;
    }

    /** IoU of two masks of the same size (1 when both are empty). */
    static double maskIou(Rle a, Rle b) {
        if (a == null || b == null) {
            return a == b ? 1 : 0;
        }
        byte[] x = a.decode();
        byte[] y = b.decode();
        if (x.length != y.length) {
            return 0;
        }
        long inter = 0;
        long union = 0;
        for (int p = 0; p < x.length; p++) {
            boolean u = x[p] != 0;
            boolean v = y[p] != 0;
            inter += u && v ? 1 : 0;
            union += u || v ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }
}
