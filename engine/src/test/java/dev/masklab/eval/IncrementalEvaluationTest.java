package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IncrementalEvaluation}: after edits of single images (a prediction accepted as an annotation, a prediction
 * rejected, an annotation deleted, a category corrected) the updated result and matching equal a full evaluation of
 * the edited data, on a random case with 6 images, 3 categories and crowd regions.
 */
class IncrementalEvaluationTest {

    private static Path random(String name) throws Exception {
        return Path.of(IncrementalEvaluationTest.class
                .getResource("pycocotools-cases/" + name)
                .toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm", "keypoints"})
    void updatesEqualAFullEvaluationOfTheEditedData(String type) throws Exception {
        Path dir = random("case009");
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        List<CocoResult> results = new ArrayList<>(CocoResults.read(dir.resolve("dt.json"), gt));
        EvalParams params = EvalParams.defaults(IouType.parse(type));
        IncrementalEvaluation inc = IncrementalEvaluation.start(gt, results, params);
        assertArrayEquals(
                CocoEvaluator.evaluate(gt, results, params).stats(),
                inc.result().stats());
        double before = inc.result().stats()[0];

        CocoDataset edited = gt.shallowCopy();
        // the image with the most predictions: accept its best prediction (it becomes an annotation and leaves the
        // results), reject the next one
        long first = gt.images().stream()
                .mapToLong(im -> im.id())
                .boxed()
                .max(Comparator.comparingLong(id -> of(results, id).size()))
                .orElseThrow();
        List<CocoResult> ofFirst = results.stream()
                .filter(r -> r.imageId() == first)
                .sorted(Comparator.comparingDouble(r -> -r.score()))
                .toList();
        CocoResult accepted = ofFirst.get(0);
        CocoResult rejected = ofFirst.get(1);
        int w = gt.image(first).width();
        int h = gt.image(first).height();
        CocoAnnotation a = new CocoAnnotation(edited.nextAnnotationId(), first, accepted.categoryId())
                .setSegmentation(accepted.segmentation())
                .setArea((double) accepted.mask(h, w).area())
                .setBbox(accepted.bbox())
                .setIscrowd(0)
                .setKeypoints(accepted.keypoints())
                .setNumKeypoints(17);
        edited.addAnnotation(a);
        results.remove(accepted);
        results.remove(rejected);
        inc.update(first, edited.annotationsOf(first), of(results, first));
        assertSame(edited, results, params, inc);

        // another image: delete an annotation and correct another's category
        long second = gt.images().stream()
                .mapToLong(im -> im.id())
                .filter(id -> id != first && gt.annotationsOf(id).size() >= 2)
                .findFirst()
                .orElseThrow();
        List<CocoAnnotation> anns = edited.annotationsOf(second);
        edited.removeAnnotation(anns.get(0).id());
        CocoAnnotation corrected = anns.get(1);
        long otherCategory = gt.categories().stream()
                .mapToLong(c -> c.id())
                .filter(id -> id != corrected.categoryId())
                .findFirst()
                .orElseThrow();
        edited.replaceAnnotation(copyWithCategory(corrected, otherCategory));
        inc.update(second, edited.annotationsOf(second), of(results, second));
        assertSame(edited, results, params, inc);
        assertNotEquals(before, inc.result().stats()[0], "the edits change AP");

        // a failed update leaves the evaluation as it was
        EvalResult kept = inc.result();
        CocoResult elsewhere =
                results.stream().filter(r -> r.imageId() != second).findFirst().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> inc.update(second, List.of(), List.of(elsewhere)));
        assertThrows(IllegalArgumentException.class, () -> inc.update(-5, List.of(), List.of()));
        assertArrayEquals(kept.stats(), inc.images().result().stats());
    }

    private static CocoAnnotation copyWithCategory(CocoAnnotation a, long category) {
        return new CocoAnnotation(a.id(), a.imageId(), category)
                .setSegmentation(a.segmentation())
                .setArea(a.area())
                .setBbox(a.bbox())
                .setIscrowd(a.iscrowd())
                .setKeypoints(a.keypoints())
                .setNumKeypoints(a.numKeypoints());
    }

    private static List<CocoResult> of(List<CocoResult> results, long imageId) {
        return results.stream().filter(r -> r.imageId() == imageId).toList();
    }

    private static void assertSame(
            CocoDataset edited, List<CocoResult> results, EvalParams params, IncrementalEvaluation inc) {
        ImageEvaluations full = CocoEvaluator.evaluateImages(edited, results, params, true);
        EvalResult f = full.result();
        EvalResult r = inc.result();
        assertArrayEquals(f.stats(), r.stats());
        assertEquals(f.perCategory(), r.perCategory());
        int nT = params.iouThrs().length;
        for (int k = 0; k < f.catIds().length; k++) {
            for (int t = 0; t < nT; t++) assertArrayEquals(f.precisionCurve(k, t), r.precisionCurve(k, t));
        }
        for (int t = 0; t < nT; t++) {
            assertEquals(
                    CellErrorsTest.toJson(full.errors(t)).toString(),
                    CellErrorsTest.toJson(inc.images().errors(t)).toString());
        }
    }

    @Test
    void progressReachesEveryImageAndCancelStops() throws Exception {
        Path dir = random("case009");
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        List<CocoResult> results = CocoResults.read(dir.resolve("dt.json"), gt);
        EvalParams params = EvalParams.defaults(IouType.SEGM);
        java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        IncrementalEvaluation inc = IncrementalEvaluation.start(gt, results, params, (done, total) -> {
            assertEquals(gt.images().size(), total);
            seen.add(done);
        });
        assertEquals(
                java.util.stream.IntStream.rangeClosed(1, gt.images().size())
                        .boxed()
                        .collect(java.util.stream.Collectors.toSet()),
                seen);
        assertArrayEquals(
                CocoEvaluator.evaluate(gt, results, params).stats(),
                inc.result().stats());
        assertThrows(
                java.util.concurrent.CancellationException.class,
                () -> IncrementalEvaluation.start(gt, results, params, (done, total) -> {
                    if (done >= 2) throw new java.util.concurrent.CancellationException("stopped");
                }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm", "keypoints"})
    void truePositivePairsReachTheirThresholdAndFalsePositivesDoNot(String type) throws Exception {
        Path dir = random("case009");
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        List<CocoResult> results = CocoResults.read(dir.resolve("dt.json"), gt);
        EvalParams params = EvalParams.defaults(IouType.parse(type));
        IncrementalEvaluation inc = IncrementalEvaluation.start(gt, results, params);
        int pairs = 0;
        for (int t : new int[] {0, 5}) {
            double thr = params.iouThrs()[t];
            for (CellErrors c : inc.images().errors(t)) {
                for (long[] p : c.tp()) {
                    assertTrue(inc.iou(c.imageId(), p[0], p[1]) >= thr, type + " " + java.util.Arrays.toString(p));
                    pairs++;
                }
                // a false negative was matched by no false positive of its cell: their IoU stays below the threshold
                for (long d : c.fp()) {
                    for (long g : c.fn()) assertTrue(inc.iou(c.imageId(), d, g) < thr, type + " " + d + "/" + g);
                }
            }
        }
        assertTrue(pairs >= 4, "pairs: " + pairs);
        if (type.equals("bbox")) {
            CellErrors c = inc.images().errors(0).stream()
                    .filter(x -> x.tp().length > 0)
                    .findFirst()
                    .orElseThrow();
            long[] p = c.tp()[0];
            CocoResult d = results.get((int) p[0] - 1);
            double[] direct = dev.masklab.coco.Rle.bboxIou(
                    List.of(d.bbox()), List.of(gt.annotation(p[1]).bbox()), new boolean[] {false})[0];
            assertEquals(direct[0], inc.iou(c.imageId(), p[0], p[1]), 0);
        }
        assertThrows(
                IllegalArgumentException.class, () -> inc.iou(gt.images().get(0).id(), -1, -1));
    }
}
