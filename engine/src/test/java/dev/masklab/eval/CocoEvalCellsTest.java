package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dataset adapter on hand-made datasets; expected values derived by hand in the comments. */
class CocoEvalCellsTest {

    private static CocoAnnotation box(long id, long cat, double x, double y, double w, double h) {
        CocoAnnotation a = new CocoAnnotation(id, 1, cat);
        a.setBbox(new double[] {x, y, w, h});
        a.setArea(w * h);
        a.setIscrowd(0);
        a.setSegmentation(Segmentation.polygons(List.of(new double[] {x, y, x + w, y, x + w, y + h, x, y + h})));
        return a;
    }

    private static CocoResult det(long id, long cat, double score, double x, double y, double w, double h) {
        return new CocoResult(1, cat, score, new double[] {x, y, w, h}, null, null, id, w * h);
    }

    private static CocoDataset twoCategories() {
        CocoDataset ds = new CocoDataset();
        ds.addImage(new CocoImage(1, "a.jpg", 100, 100));
        ds.addCategory(new CocoCategory(1, "one", "x"));
        ds.addCategory(new CocoCategory(2, "two", "x"));
        ds.addAnnotation(box(1, 1, 0, 0, 10, 10));
        ds.addAnnotation(box(2, 2, 50, 50, 10, 10));
        return ds;
    }

    /** Results straight from a model (CocoResult.of: no area yet) are refused, not evaluated with NaN areas. */
    @Test
    void resultsNotLoadedLikeLoadResAreRefused() {
        CocoDataset ds = twoCategories();
        List<CocoResult> dt = List.of(CocoResult.of(1, 1, .9, new double[] {0, 0, 10, 10}, null, null));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.BBOX)));
        assertTrue(e.getMessage().contains("has no area"), e.getMessage());
    }

    @Test
    void categoriesMatterUnlessUseCatsIsOff() {
        CocoDataset ds = twoCategories();
        // each detection sits exactly on the other category's object
        List<CocoResult> dt = List.of(det(1, 2, .9, 0, 0, 10, 10), det(2, 1, .8, 50, 50, 10, 10));
        EvalResult perCat = CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.BBOX));
        assertEquals(0.0, perCat.stats()[0], 0); // both categories: one gt, one false positive
        assertEquals(2, perCat.perCategory().size());
        assertEquals("two", perCat.perCategory().get(1).name());
        EvalResult anyCat =
                CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.BBOX).withUseCats(false));
        assertEquals(1.0, anyCat.stats()[0], 1e-12); // both hit (IoU 1 at every threshold)
        assertEquals(1, anyCat.perCategory().size());
    }

    @Test
    void segmUsesMasksAndBoxOnlyResultsBecomeBoxPolygons() {
        CocoDataset ds = twoCategories();
        // box-only result 10x5 over the 10x10 square: mask IoU 50/100 = .5 -> matched only at IoU .50
        List<CocoResult> dt = List.of(det(1, 1, .9, 0, 0, 10, 5));
        EvalResult r = CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.SEGM));
        // category 1: AP 1 at .50, 0 elsewhere = .1; category 2: no detection, AP 0 -> mean .05
        assertEquals(0.05, r.stats()[0], 1e-12);
        assertEquals(0.1, r.perCategory().get(0).ap(), 1e-12);
        assertEquals(1.0, r.perCategory().get(0).ap50(), 1e-12);
    }

    private static double[] kps(double x, double y, int v) {
        double[] k = new double[51];
        for (int i = 0; i < 17; i++) {
            k[3 * i] = x + i;
            k[3 * i + 1] = y + i;
            k[3 * i + 2] = v;
        }
        return k;
    }

    @Test
    void keypointGroundTruthWithoutKeypointsIsIgnored() {
        CocoDataset ds = new CocoDataset();
        ds.addImage(new CocoImage(1, "a.jpg", 200, 200));
        List<String> names = new ArrayList<>(Collections.nCopies(17, "k"));
        ds.addCategory(new CocoCategory(1, "person", "person", names, new int[0][], new java.util.LinkedHashMap<>()));
        CocoAnnotation a = box(1, 1, 0, 0, 40, 40);
        a.setKeypoints(kps(5, 5, 2));
        a.setNumKeypoints(17);
        ds.addAnnotation(a);
        CocoAnnotation b = box(2, 1, 100, 100, 40, 40);
        b.setKeypoints(kps(0, 0, 0));
        b.setNumKeypoints(0);
        ds.addAnnotation(b);
        List<CocoResult> dt = List.of(
                new CocoResult(1, 1, .9, new double[] {5, 5, 16, 16}, null, kps(5, 5, 1), 1, 256),
                // on the keypoint-less gt (inside its grown box: OKS 1): matched to an ignored gt, so ignored
                new CocoResult(1, 1, .95, new double[] {110, 110, 16, 16}, null, kps(110, 110, 1), 2, 256));
        EvalResult r = CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.KEYPOINTS));
        assertEquals(10, r.stats().length);
        assertEquals(1.0, r.stats()[0], 1e-12); // AP 1 (not ignored, gt 2 would halve the recall: AR .5)
        assertEquals(1.0, r.stats()[5], 1e-12);
        assertEquals(1, r.perCategory().get(0).gtCount());
    }

    @Test
    void keypointsEvaluateOnlyCategoriesWithKeypoints() {
        CocoDataset ds = twoCategories(); // "one" and "two" without keypoints
        ds.addCategory(new CocoCategory(
                3,
                "person",
                "person",
                new ArrayList<>(Collections.nCopies(17, "k")),
                new int[0][],
                new java.util.LinkedHashMap<>()));
        CocoAnnotation p = box(3, 3, 20, 20, 40, 40);
        p.setKeypoints(kps(25, 25, 2));
        p.setNumKeypoints(17);
        ds.addAnnotation(p);
        // a box result for category 1 (no keypoints) is not looked at; the person result is exact
        List<CocoResult> dt = List.of(
                det(1, 1, .9, 0, 0, 10, 10),
                new CocoResult(1, 3, .8, new double[] {25, 25, 16, 16}, null, kps(25, 25, 1), 2, 256));
        EvalResult r = CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.KEYPOINTS));
        assertEquals(1, r.perCategory().size());
        assertEquals(3, r.perCategory().get(0).id());
        assertEquals(1.0, r.stats()[0], 1e-12);
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class,
                () -> CocoEvaluator.evaluate(twoCategories(), dt, EvalParams.defaults(IouType.KEYPOINTS)));
        assertTrue(none.getMessage().contains("no category"), none.getMessage());
    }

    @Test
    void wrongKeypointCountNamesTheResult() {
        CocoDataset ds = new CocoDataset();
        ds.addImage(new CocoImage(1, "a.jpg", 200, 200));
        ds.addCategory(new CocoCategory(
                1,
                "person",
                "person",
                new ArrayList<>(Collections.nCopies(17, "k")),
                new int[0][],
                new java.util.LinkedHashMap<>()));
        CocoAnnotation a = box(1, 1, 0, 0, 40, 40);
        a.setKeypoints(kps(5, 5, 2));
        a.setNumKeypoints(17);
        ds.addAnnotation(a);
        List<CocoResult> dt = List.of(
                new CocoResult(1, 1, .9, new double[] {5, 5, 1, 1}, null, new double[] {1, 1, 1, 2, 2, 1}, 7, 1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CocoEvaluator.evaluate(ds, dt, EvalParams.defaults(IouType.KEYPOINTS)));
        assertTrue(e.getMessage().contains("result 7") && e.getMessage().contains("2.0 keypoints"), e.getMessage());
    }

    @Test
    void otherKeypointCountsUseTheUniformSigma() {
        EvalParams p = EvalParams.defaults(IouType.KEYPOINTS);
        assertEquals(17, p.sigmasFor(17).length);
        assertEquals(0.026, p.sigmasFor(17)[0], 1e-17);
        double[] five = p.sigmasFor(5);
        assertEquals(5, five.length);
        assertEquals(11.38 / 17 / 10, five[3], 1e-15); // mean of the COCO sigmas (sum 11.38 / 10)
        assertThrows(
                IllegalArgumentException.class,
                () -> p.withKeypointSigmas(new double[] {.1, .1}).sigmasFor(5));
    }
}
