package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** evaluateImg corner cases on hand-made IoU matrices; expected matches derived by hand from pycocotools' rules. */
class ImageEvaluationTest {
    private static final double[] THRS = EvalParams.defaults(IouType.BBOX).iouThrs();
    private static final double ALL = 1e10;

    private static EvalCell cell(
            long[] gtIds, boolean[] crowd, double[] gtAreas, double[] scores, double[] dtAreas, double[][] ious) {
        long[] dtIds = new long[scores.length];
        for (int i = 0; i < dtIds.length; i++) dtIds[i] = i + 1;
        return new EvalCell(gtIds, gtAreas, crowd, crowd.clone(), dtIds, scores, dtAreas, sel -> {
            double[][] o = new double[sel.length][];
            for (int i = 0; i < sel.length; i++) o[i] = ious[sel[i]];
            return o;
        });
    }

    private static ImageEvaluation run(EvalCell c, double lo, double hi) {
        int[] order = ScoreOrder.descending(c.dtScores());
        return ImageEvaluation.evaluate(c, order, c.ious().compute(order), lo, hi, 100, THRS);
    }

    @Test
    void crowdGroundTruthAbsorbsSeveralDetectionsAndIsIgnored() {
        // gt 10 regular, gt 11 crowd; d1 (.9) overlaps gt10 .8; d2 (.8) gt10 .7 / crowd .6; d3 (.7) crowd .9
        EvalCell c = cell(
                new long[] {10, 11},
                new boolean[] {false, true},
                new double[] {5000, 5000},
                new double[] {.9, .8, .7},
                new double[] {5000, 5000, 5000},
                new double[][] {{.8, 0}, {.7, .6}, {0, .9}});
        ImageEvaluation e = run(c, 0, ALL);
        // t = .50: d1 -> gt10; d2 skips the matched regular gt10, takes the crowd; d3 also takes the crowd
        assertArrayEquals(new long[] {10, 11, 11}, e.dtMatches()[0]);
        assertArrayEquals(new boolean[] {false, true, true}, e.dtIgnore()[0]);
        assertArrayEquals(new long[] {1, 3}, e.gtMatches()[0]); // the crowd keeps the last detection's id
        // t = .65: d2's .6 with the crowd is too low: unmatched, not ignored (a false positive)
        assertArrayEquals(new long[] {10, 0, 11}, e.dtMatches()[3]);
        assertArrayEquals(new boolean[] {false, false, true}, e.dtIgnore()[3]);
        // t = .85: d1 unmatched, d3 still on the crowd
        assertArrayEquals(new long[] {0, 0, 11}, e.dtMatches()[7]);
        assertArrayEquals(new boolean[] {false, true}, e.gtIgnore());
    }

    @Test
    void matchOnRegularGroundTruthStopsBeforeIgnoredOnes() {
        // crowd listed first in the input: sorted last; the detection overlaps the regular gt .6, the crowd .9
        EvalCell c = cell(
                new long[] {7, 8},
                new boolean[] {true, false},
                new double[] {5000, 5000},
                new double[] {.5},
                new double[] {5000},
                new double[][] {{.9, .6}});
        ImageEvaluation e = run(c, 0, ALL);
        assertArrayEquals(new long[] {8, 7}, e.gtIds());
        assertEquals(8, e.dtMatches()[0][0]); // regular match found, loop breaks at the ignored crowd
        assertFalse(e.dtIgnore()[0][0]);
        // at .65 the regular gt is too far: the crowd takes it and the detection is ignored
        assertEquals(7, e.dtMatches()[3][0]);
        assertTrue(e.dtIgnore()[3][0]);
    }

    @Test
    void bestRegularMatchWinsAndEqualIousPickTheLaterGroundTruth() {
        EvalCell c = cell(
                new long[] {1, 2, 3},
                new boolean[3],
                new double[] {5000, 5000, 5000},
                new double[] {.9, .8},
                new double[] {5000, 5000},
                new double[][] {{.55, .7, .7}, {.6, .6, 0}});
        ImageEvaluation e = run(c, 0, ALL);
        // d1: .55 then .7 (better) then .7 (not lower: taken) -> gt 3; d2: .6 and .6 -> gt 2
        assertArrayEquals(new long[] {3, 2}, e.dtMatches()[0]);
        assertArrayEquals(new long[] {0, 2, 1}, e.gtMatches()[0]);
    }

    @Test
    void equalScoresKeepInputOrder() {
        EvalCell c = cell(
                new long[] {5},
                new boolean[1],
                new double[] {5000},
                new double[] {.3, .7, .7},
                new double[] {5000, 5000, 5000},
                new double[][] {{.9}, {.9}, {.9}});
        ImageEvaluation e = run(c, 0, ALL);
        assertArrayEquals(new long[] {2, 3, 1}, e.dtIds()); // .7 (input 2nd), .7 (3rd), .3
        assertArrayEquals(new long[] {5, 0, 0}, e.dtMatches()[0]);
    }

    @Test
    void areaRangeIgnoresOutOfRangeGroundTruthAndUnmatchedDetections() {
        // medium range [1024, 9216]; gt 1 is large (ignored), gt 2 medium
        EvalCell c = cell(
                new long[] {1, 2},
                new boolean[2],
                new double[] {20000, 2000},
                new double[] {.9, .8, .7},
                new double[] {20000, 2000, 100},
                new double[][] {{.9, 0}, {0, .9}, {0, 0}});
        ImageEvaluation e = run(c, 32 * 32, 96 * 96);
        assertArrayEquals(new long[] {2, 1}, e.gtIds());
        assertArrayEquals(new boolean[] {false, true}, e.gtIgnore());
        // d1 matched the ignored large gt: ignored; d2 matched the medium gt: counted; d3 small & unmatched: ignored
        assertArrayEquals(new long[] {1, 2, 0}, e.dtMatches()[0]);
        assertArrayEquals(new boolean[] {true, false, true}, e.dtIgnore()[0]);
    }

    @Test
    void maxDetKeepsTheHighestScores() {
        EvalCell c = cell(
                new long[] {1},
                new boolean[1],
                new double[] {5000},
                new double[] {.1, .9, .5},
                new double[] {5000, 5000, 5000},
                new double[][] {{.9}, {.2}, {.9}});
        int[] order = ScoreOrder.descending(c.dtScores());
        ImageEvaluation e = ImageEvaluation.evaluate(c, order, c.ious().compute(order), 0, ALL, 2, THRS);
        assertArrayEquals(new long[] {2, 3}, e.dtIds());
        assertArrayEquals(new long[] {0, 1}, e.dtMatches()[0]);
    }
}
