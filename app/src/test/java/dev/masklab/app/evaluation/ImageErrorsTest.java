package dev.masklab.app.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CellErrors;
import dev.masklab.eval.ErrorCounts;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.IncrementalEvaluation;
import dev.masklab.eval.IouType;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ImageErrors} (the errors layer's outcome of every detection and ground truth of an image) against the
 * engine's {@link CellErrors} of the same image, and {@link CurvePoint} (the detection behind a point of the
 * precision/recall curve) against the score pycocotools' accumulate records at each recall threshold, on the shared
 * fixtures person-s1 and person-s3-crowd (crowd regions: ignored ground truth and detections).
 */
class ImageErrorsTest {
    static final Path SHARED = EvaluationViewModelTest.SHARED;

    private static IncrementalEvaluation evaluate(String fixture, IouType type) throws Exception {
        Path dir = SHARED.resolve("fixtures/coco-eval").resolve(fixture);
        CocoDataset gt = CocoReader.read(
                fixture.equals("person-s1")
                        ? SHARED.resolve("data/coco-person-kp/test_coco.json")
                        : dir.resolve("gt.json"));
        List<CocoResult> dts = CocoResults.read(dir.resolve("detections.json"), gt);
        return IncrementalEvaluation.start(gt, dts, EvalParams.defaults(type));
    }

    @ParameterizedTest
    @CsvSource({
        "person-s1, segm, 0.5",
        "person-s1, bbox, 0.75",
        "person-s1, keypoints, 0.5",
        "person-s3-crowd, segm, 0.5",
        "person-s3-crowd, bbox, 0.5"
    })
    void outcomesAreTheEnginesCellErrors(String fixture, String type, double thr) throws Exception {
        IncrementalEvaluation ev = evaluate(fixture, IouType.parse(type));
        int t = ImageErrors.thresholdIndex(ev.images().params().iouThrs(), thr);
        List<CellErrors> cells = ev.images().errors(t);
        Map<ErrorOutcome, Integer> seen = new EnumMap<>(ErrorOutcome.class);
        for (long imageId : ev.images().imgIds()) {
            ImageErrors e = ImageErrors.of(ev, imageId, thr);
            assertNotNull(e);
            Set<List<Long>> tp = new HashSet<>();
            Set<Long> fp = new HashSet<>();
            Set<Long> fn = new HashSet<>();
            for (CellErrors c : cells) {
                if (c.imageId() != imageId) continue;
                for (long[] p : c.tp()) tp.add(List.of(p[0], p[1]));
                for (long d : c.fp()) fp.add(d);
                for (long g : c.fn()) fn.add(g);
            }
            Set<List<Long>> pairs = new HashSet<>();
            for (ImageErrors.Match m : e.matches()) {
                pairs.add(List.of(m.dtId(), m.gtId()));
                assertEquals(ev.iou(imageId, m.dtId(), m.gtId()), m.iou());
                assertTrue(m.iou() >= thr, "a match reaches the threshold: " + m);
                assertEquals(m, e.matchOfDetection(m.dtId()));
                assertEquals(m, e.matchOfGroundTruth(m.gtId()));
            }
            assertEquals(tp, pairs, "true-positive pairs of image " + imageId);
            assertEquals(
                    tp.stream().map(List::getFirst).collect(java.util.stream.Collectors.toSet()),
                    with(e.detections(), ErrorOutcome.TRUE_POSITIVE));
            assertEquals(
                    tp.stream().map(List::getLast).collect(java.util.stream.Collectors.toSet()),
                    with(e.groundTruths(), ErrorOutcome.TRUE_POSITIVE));
            assertEquals(fp, with(e.detections(), ErrorOutcome.FALSE_POSITIVE), "false positives of " + imageId);
            assertEquals(fn, with(e.groundTruths(), ErrorOutcome.FALSE_NEGATIVE), "false negatives of " + imageId);
            assertEquals(Set.of(), with(e.detections(), ErrorOutcome.FALSE_NEGATIVE));
            assertEquals(Set.of(), with(e.groundTruths(), ErrorOutcome.FALSE_POSITIVE));
            ErrorCounts counts = ev.images().counts(ev.images().imageIndex(imageId), t);
            assertEquals(counts.tp(), e.counts().get(ErrorOutcome.TRUE_POSITIVE));
            assertEquals(counts.fp(), e.counts().get(ErrorOutcome.FALSE_POSITIVE));
            assertEquals(counts.fn(), e.counts().get(ErrorOutcome.FALSE_NEGATIVE));
            e.counts().forEach((o, n) -> seen.merge(o, n, Integer::sum));
        }
        // the fixtures have every kind of outcome (the crowd fixture its ignored ones)
        assertTrue(
                seen.get(ErrorOutcome.TRUE_POSITIVE) > 0 && seen.get(ErrorOutcome.FALSE_POSITIVE) > 0, seen.toString());
        if (fixture.equals("person-s3-crowd")) assertTrue(seen.get(ErrorOutcome.IGNORED) > 0, seen.toString());
        assertNull(ImageErrors.of(ev, -12345, thr), "an image not evaluated");
        assertNull(ImageErrors.of(ev, ev.images().imgIds()[0], 0.33), "a threshold not evaluated");
    }

    private static Set<Long> with(Map<Long, ErrorOutcome> m, ErrorOutcome o) {
        Set<Long> out = new HashSet<>();
        m.forEach((id, x) -> {
            if (x == o) out.add(id);
        });
        return out;
    }

    /**
     * At every recall threshold of every category's curve (IoU .50 and .75) the detection found is the one whose score
     * pycocotools' accumulate records there ({@code scores[t][r][k][all][maxDets 100]}); past the curve's last recall
     * there is none.
     */
    @ParameterizedTest
    @CsvSource({"person-s1, segm", "person-s1, bbox", "person-s3-crowd, segm"})
    void curvePointIsTheDetectionAccumulateReadsAtThatRecall(String fixture, String type) throws Exception {
        IncrementalEvaluation ev = evaluate(fixture, IouType.parse(type));
        EvalResult r = ev.result();
        double[] recThrs = r.params().recThrs();
        int m = r.params().maxDets().length - 1;
        int found = 0;
        for (double thr : new double[] {.5, .75}) {
            int t = r.iouThresholdIndex(thr);
            for (int k = 0; k < r.catIds().length; k++) {
                double maxRecall = r.recall(t, k, 0, m);
                for (int ri = 0; ri < recThrs.length; ri++) {
                    CurvePoint p = CurvePoint.at(ev.images(), k, t, recThrs[ri]);
                    if (recThrs[ri] > maxRecall) {
                        assertNull(p, "past the last recall " + maxRecall);
                        continue;
                    }
                    assertNotNull(p);
                    found++;
                    assertEquals(r.score(t, ri, k, 0, m), p.score(), "score at recall " + recThrs[ri]);
                    assertTrue(p.recall() >= recThrs[ri]);
                    assertTrue(ri == 0 || p.truePositive(), "a recall above 0 is reached by a true positive");
                }
            }
        }
        assertTrue(found > 20, "points found: " + found);
        // all categories pooled: the last point is the last true positive, reaching the pooled recall
        CurvePoint all = CurvePoint.at(ev.images(), EvalResult.ALL_CATEGORIES, r.iouThresholdIndex(.5), 0.01);
        assertNotNull(all);
        assertTrue(all.truePositive());
    }
}
