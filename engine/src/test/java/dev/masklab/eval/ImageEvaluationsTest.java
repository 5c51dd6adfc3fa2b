package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the evaluation view reads from {@link ImageEvaluations} and {@link EvalResult}: per-image AP (= COCOeval of
 * that image alone), per-image counts (= the image's errors), PR curves whose means are the APs, and per-category
 * rows with the area APs.
 */
class ImageEvaluationsTest {
    private static final double EPS = 1e-12;

    private static Path random(String name) throws Exception {
        return Path.of(ImageEvaluationsTest.class
                .getResource("pycocotools-cases/" + name)
                .toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm", "keypoints"})
    void perImageApAndCountsAgreeWithEvaluatingTheImageAlone(String type) throws Exception {
        Path dir = random("case009");
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        List<CocoResult> results = CocoResults.read(dir.resolve("dt.json"), gt);
        EvalParams params = EvalParams.defaults(IouType.parse(type));
        ImageEvaluations ev = CocoEvaluator.evaluateImages(gt, results, params, true);
        long[] ids = ev.imgIds();
        int withAp = 0;
        for (int i = 0; i < ids.length; i++) {
            double alone = CocoEvaluator.evaluate(gt, results, params.withImgIds(new long[] {ids[i]}))
                    .stats()[0];
            assertEquals(alone, ev.imageAp(i), 0, "image " + ids[i]);
            if (alone > -1) withAp++;
            for (int t : new int[] {0, 5}) {
                int tp = 0;
                int fp = 0;
                int fn = 0;
                for (CellErrors c : ev.errors(t)) {
                    if (c.imageId() != ids[i]) continue;
                    tp += c.tp().length;
                    fp += c.fp().length;
                    fn += c.fn().length;
                }
                assertEquals(new ErrorCounts(tp, fp, fn), ev.counts(i, t));
            }
        }
        assertTrue(withAp >= 3, "images with an AP: " + withAp);
        double[] all = ev.imageAps();
        for (int i = 0; i < ids.length; i++) assertEquals(ev.imageAp(i), all[i], 0);
        assertThrows(
                IllegalStateException.class,
                () -> CocoEvaluator.evaluateImages(gt, results, params, false).errors(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm", "keypoints"})
    void precisionCurvesAverageToTheAps(String type) throws Exception {
        Path dir = random("case009");
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        EvalResult r = CocoEvaluator.evaluate(gt, dir.resolve("dt.json"), EvalParams.defaults(IouType.parse(type)));
        double[] stats = r.stats();
        assertEquals(stats[0], mean(r.precisionCurve(EvalResult.ALL_CATEGORIES, EvalResult.MEAN_IOU)), EPS);
        assertEquals(stats[1], mean(r.precisionCurve(EvalResult.ALL_CATEGORIES, r.iouThresholdIndex(.5))), EPS);
        assertEquals(stats[2], mean(r.precisionCurve(EvalResult.ALL_CATEGORIES, r.iouThresholdIndex(.75))), EPS);
        assertEquals(101, r.precisionCurve(0, EvalResult.MEAN_IOU).length);
        int scored = 0;
        for (int k = 0; k < r.catIds().length; k++) {
            CategoryEval c = r.perCategory().get(k);
            if (c.ap() == -1) continue;
            scored++;
            assertEquals(c.ap(), mean(r.precisionCurve(k, EvalResult.MEAN_IOU)), EPS);
            assertEquals(c.ap50(), mean(r.precisionCurve(k, 0)), EPS);
            // interpolated precision never rises with recall
            double[] curve = r.precisionCurve(k, 0);
            for (int i = 1; i < curve.length; i++) assertTrue(curve[i] <= curve[i - 1]);
        }
        assertTrue(scored >= 2, "categories with ground truth: " + scored);
        assertThrows(IndexOutOfBoundsException.class, () -> r.precisionCurve(r.catIds().length, 0));
        assertEquals(-1, r.iouThresholdIndex(.6 + 1e-3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm"})
    void perCategoryAreaApsOfASingleCategoryAreTheSummarys(String type) throws Exception {
        Path dir = random("case002"); // one category
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        EvalResult r = CocoEvaluator.evaluate(gt, dir.resolve("dt.json"), EvalParams.defaults(IouType.parse(type)));
        CategoryEval c = r.perCategory().get(0);
        double[] s = r.stats();
        assertEquals(
                List.of(s[0], s[1], s[2], s[3], s[4], s[5]),
                List.of(c.ap(), c.ap50(), c.ap75(), c.apSmall(), c.apMedium(), c.apLarge()));
        assertTrue(Arrays.stream(new double[] {c.apSmall(), c.apMedium(), c.apLarge()})
                .anyMatch(v -> v > -1));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }
}
