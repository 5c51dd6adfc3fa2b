package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** accumulate/summarize on small hand-made cases; expected values derived by hand in the comments. */
class CocoEvaluatorTest {

    private static EvalCell cell(long[] gtIds, boolean[] crowd, double[] scores, double[][] ious) {
        long[] dtIds = new long[scores.length];
        for (int i = 0; i < dtIds.length; i++) dtIds[i] = i + 1;
        double[] gtAreas = new double[gtIds.length];
        java.util.Arrays.fill(gtAreas, 10000); // "large"
        double[] dtAreas = new double[scores.length];
        java.util.Arrays.fill(dtAreas, 10000);
        return new EvalCell(gtIds, gtAreas, crowd, crowd.clone(), dtIds, scores, dtAreas, sel -> {
            double[][] o = new double[sel.length][];
            for (int i = 0; i < sel.length; i++) o[i] = ious[sel[i]];
            return o;
        });
    }

    private static EvalResult evaluate(EvalCell... perImage) {
        return new CocoEvaluator(EvalParams.defaults(IouType.BBOX))
                .evaluate(perImage.length, new long[] {1}, new String[] {"thing"}, i -> new EvalCell[] {perImage[i]});
    }

    @Test
    void averagePrecisionWithEnvelope() {
        // 2 gts; d1 (.9) hits gt1 (IoU 1), d2 (.8) misses, d3 (.7) hits gt2 with IoU .62.
        // t = .50/.55/.60: TP FP TP: recall .5 .5 1, precision 1 .5 .667 -> envelope 1 .667 .667:
        //   51 recall thresholds (0..0.50) at 1, 50 at 2/3: AP_t = (51 + 100/3) / 101 = 253/303
        // t = .65 .. .95: TP FP FP: recall stays .5: AP_t = 51/101
        // AP = (3 * 253/303 + 7 * 51/101) / 10 = 61/101; recall 1 (3 thresholds), .5 (7): AR = .65; AR@1 = .5
        EvalResult r = evaluate(cell(
                new long[] {1, 2}, new boolean[2], new double[] {.9, .8, .7}, new double[][] {{1, 0}, {0, 0}, {0, .62}
                }));
        double[] expected = {61.0 / 101, 253.0 / 303, 51.0 / 101, -1, -1, 61.0 / 101, .5, .65, .65, -1, -1, .65};
        assertArrayEquals(expected, r.stats(), 1e-12);
        CategoryEval c = r.perCategory().get(0);
        assertEquals(61.0 / 101, c.ap(), 1e-12);
        assertEquals(253.0 / 303, c.ap50(), 1e-12);
        assertEquals(51.0 / 101, c.ap75(), 1e-12);
        assertEquals(2, c.gtCount());
        assertEquals(3, c.dtCount());
        double[] curve = r.precisionCurve(0, 0);
        assertEquals(1.0, curve[50], 1e-12);
        assertEquals(2.0 / 3, curve[51], 1e-12);
        assertEquals(0.0, r.precisionCurve(0, 9)[51], 0);
        assertEquals(.7, r.score(0, 100, 0, 0, 2), 0); // recall 1 reached at d3's score
    }

    @Test
    void detectionsOnCrowdAreIgnoredNotFalsePositives() {
        // d1 (.9) only covers the crowd gt (IoU 1): ignored; d2 (.8) hits the regular gt (IoU 1): precision 1
        // everywhere, AP 1.
        // (Counted as a false positive d1 would give AP (1/2 at every threshold) = .5.)
        EvalResult r = evaluate(cell(
                new long[] {1, 2}, new boolean[] {false, true}, new double[] {.9, .8}, new double[][] {{0, 1}, {1, 0}
                }));
        assertEquals(1.0, r.stats()[0], 1e-12);
        assertEquals(1.0, r.stats()[8], 1e-12);
        // the first sorted entry is the ignored detection: the precision at recall 0 is read there (envelope 1)
        assertEquals(.9, r.score(0, 0, 0, 0, 2), 0);
    }

    @Test
    void imagesAreConcatenatedInOrderAndTiesAcrossImagesKeepImageOrder() {
        // image 0: gt a, detection .5 missing; image 1: gt b, detection .5 hitting.
        // stable order: image 0's FP first, then image 1's TP: precision 0, .5; recall 0, .5 -> envelope .5 .5:
        // 51 thresholds at .5, the rest 0: AP = 25.5 / 101 at every IoU.
        EvalCell i0 = cell(new long[] {1}, new boolean[1], new double[] {.5}, new double[][] {{0}});
        EvalCell i1 = cell(new long[] {2}, new boolean[1], new double[] {.5}, new double[][] {{1}});
        assertEquals(25.5 / 101, evaluate(i0, i1).stats()[0], 1e-12);
        // swapped images: TP first: precision 1 then .5 at recall .5: AP = 51 / 101
        assertEquals(51.0 / 101, evaluate(i1, i0).stats()[0], 1e-12);
    }

    @Test
    void groundTruthIdZeroCountsAsUnmatchedLikePycocotools() {
        // pycocotools stores the matched gt id and treats 0 as "no match": a perfect detection of gt id 0 is a FP
        EvalResult r = evaluate(cell(new long[] {0}, new boolean[1], new double[] {.9}, new double[][] {{1}}));
        assertEquals(0.0, r.stats()[0], 0);
        assertEquals(0.0, r.stats()[8], 0);
    }

    @Test
    void categoryWithoutGroundTruthIsMinusOne() {
        EvalResult r = evaluate(cell(new long[0], new boolean[0], new double[] {.9}, new double[][] {{}}));
        assertEquals(-1, r.stats()[0], 0);
        assertEquals(-1, r.perCategory().get(0).ap(), 0);
    }

    @Test
    void parametersAreNumpyExact() {
        EvalParams p = EvalParams.defaults(IouType.BBOX);
        assertEquals(10, p.iouThrs().length);
        assertEquals(0.8999999999999999, p.iouThrs()[8], 0); // np.linspace(.5, .95, 10)[8]
        assertEquals(0.75, p.iouThrs()[5], 0);
        assertEquals(101, p.recThrs().length);
        assertEquals(0.35000000000000003, p.recThrs()[35], 0); // np.linspace(0, 1, 101)[35]
        assertEquals(0.5700000000000001, p.recThrs()[57], 0);
        assertEquals(0.56, p.recThrs()[56], 0);
        assertArrayEquals(new int[] {1, 10, 100}, p.maxDets());
        assertArrayEquals(new int[] {20}, EvalParams.defaults(IouType.KEYPOINTS).maxDets());
        assertEquals(0.026, EvalParams.COCO_KEYPOINT_SIGMAS[0], 1e-17);
    }

    @Test
    void summaryLinesUsePycocotoolsLayout() {
        EvalResult r = evaluate(cell(
                new long[] {1, 2}, new boolean[2], new double[] {.9, .8, .7}, new double[][] {{1, 0}, {0, 0}, {0, .62}
                }));
        List<String> lines = r.summaryLines();
        assertEquals(12, lines.size());
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.604", lines.get(0));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835", lines.get(1));
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000", lines.get(3));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.500", lines.get(6));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines.get(10));
    }

    @Test
    void pythonRoundingIsHalfEvenOnTheBinaryValue() {
        assertEquals("0.062", EvalResult.fixed(0.0625, 3)); // exact tie: half-even, as Python
        assertEquals("0.001", EvalResult.fixed(0.0005000000000000001, 3));
        assertEquals("-1.000", EvalResult.fixed(-1, 3));
    }
}
