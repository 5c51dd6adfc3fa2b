package dev.masklab.app.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CategoryEval;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.ConfusionMatrix;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.IouType;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EvaluationViewModel} on the shared fixture person-s1 (detections with boxes, masks and keypoints against
 * coco-person-kp's test set): the summary rows equal pycocotools' stats from the fixture's expected.json, the
 * per-category rows, curves and image rows agree with the summary, and a cancelled evaluation shows nothing.
 */
class EvaluationViewModelTest {
    static final Path SHARED = SharedData.root();
    static final Path FIXTURE = SHARED.resolve("fixtures/coco-eval/person-s1");

    static CocoDataset gt;
    static List<CocoResult> dts;
    static JsonNode expected;

    @BeforeAll
    static void read() throws Exception {
        gt = CocoReader.read(SHARED.resolve("data/coco-person-kp/test_coco.json"));
        dts = CocoResults.read(FIXTURE.resolve("detections.json"), gt);
        expected = new ObjectMapper()
                .readTree(FIXTURE.resolve("expected.json").toFile())
                .get("stats");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bbox", "segm", "keypoints"})
    void summaryEqualsPycocotools(String type) {
        EvaluationViewModel vm = new EvaluationViewModel(new DirectTaskExecutor());
        vm.setData(gt, dts);
        assertEquals(List.of(IouType.BBOX, IouType.SEGM, IouType.KEYPOINTS), vm.iouTypes());
        vm.iouTypeProperty().set(IouType.parse(type));
        vm.evaluate(gt, dts);
        assertFalse(vm.runningProperty().get());
        JsonNode want = expected.get(type);
        assertEquals(want.size(), vm.summary().size(), "summary lines");
        assertEquals(type.equals("keypoints") ? 10 : 12, vm.summary().size());
        for (int i = 0; i < want.size(); i++) {
            // expected.json rounds pycocotools' values to 6 decimals
            assertEquals(
                    want.get(i).asDouble(),
                    vm.summary().get(i).value(),
                    5e-7,
                    vm.summary().get(i).name());
        }
        assertTrue(
                vm.summary().getFirst().name().startsWith("Average Precision  (AP) @[ IoU=0.50:0.95"),
                vm.summary().getFirst().name());

        // one category (person): its AP is the summary's AP, and the mean of its curves are AP, AP50, AP75
        assertEquals(1, vm.categories().size());
        CategoryEval person = vm.categories().getFirst();
        assertEquals("person", person.name());
        assertEquals(want.get(0).asDouble(), person.ap(), 5e-7);
        assertEquals(want.get(1).asDouble(), person.ap50(), 5e-7);
        assertEquals(
                gt.annotations().stream()
                        .filter(a -> !a.isCrowd()
                                && (!type.equals("keypoints") || a.numKeypoints() != null && a.numKeypoints() > 0))
                        .count(),
                person.gtCount());
        assertEquals(101, vm.recallThresholds().length);
        assertEquals(want.get(0).asDouble(), mean(vm.curve(0, EvaluationViewModel.CurveIou.MEAN)), 5e-7);
        assertEquals(
                want.get(1).asDouble(),
                mean(vm.curve(EvalResult.ALL_CATEGORIES, EvaluationViewModel.CurveIou.IOU_50)),
                5e-7);
        assertEquals(want.get(2).asDouble(), mean(vm.curve(0, EvaluationViewModel.CurveIou.IOU_75)), 5e-7);
    }

    @Test
    void imagesAreSortedByErrorsWithCountsThatAddUp() {
        EvaluationViewModel vm = new EvaluationViewModel(new DirectTaskExecutor());
        vm.setData(gt, dts);
        vm.evaluate(gt, dts);
        List<EvaluationViewModel.ImageRow> rows = List.copyOf(vm.images());
        assertEquals(gt.images().size(), rows.size());
        for (int i = 1; i < rows.size(); i++)
            assertTrue(rows.get(i - 1).fp() >= rows.get(i).fp());
        // at IoU .50 every evaluated detection is a tp or fp, every counted ground truth a tp or fn
        int tp = rows.stream().mapToInt(EvaluationViewModel.ImageRow::tp).sum();
        int fn = rows.stream().mapToInt(EvaluationViewModel.ImageRow::fn).sum();
        int fp = rows.stream().mapToInt(EvaluationViewModel.ImageRow::fp).sum();
        CategoryEval person = vm.categories().getFirst();
        assertEquals(person.gtCount(), tp + fn);
        assertEquals(person.dtCount(), tp + fp);
        assertTrue(fp > 0 && tp > 0);
        // one category: the class-agnostic confusion matrix at IoU .50 counts the same pairs and errors
        ConfusionMatrix cm = vm.confusionProperty().get();
        assertEquals(0.5, cm.iouThreshold());
        assertEquals(1, cm.background());
        assertEquals(tp, cm.count(0, 0));
        assertEquals(fp, cm.count(1, 0));
        assertEquals(fn, cm.count(0, 1));
        assertEquals(tp, cm.entries(0, 0).size());

        vm.imageOrderProperty().set(EvaluationViewModel.ImageOrder.FALSE_NEGATIVES);
        for (int i = 1; i < vm.images().size(); i++)
            assertTrue(vm.images().get(i - 1).fn() >= vm.images().get(i).fn());
        vm.imageOrderProperty().set(EvaluationViewModel.ImageOrder.LOWEST_AP);
        double last = -2;
        for (EvaluationViewModel.ImageRow r : vm.images()) {
            double ap = r.ap() < 0 ? Double.MAX_VALUE : r.ap();
            assertTrue(ap >= last, "ascending AP, images without ground truth last");
            last = ap;
        }
        assertEquals(
                vm.evaluation()
                        .images()
                        .imageAp(vm.evaluation()
                                .images()
                                .imageIndex(vm.images().getFirst().imageId())),
                vm.images().getFirst().ap());
    }

    @Test
    void aCancelledEvaluationShowsNothing() {
        EvaluationViewModel vm = new EvaluationViewModel(new DirectTaskExecutor(true));
        vm.setData(gt, dts);
        vm.evaluate(gt, dts);
        assertEquals("Evaluation cancelled", vm.statusProperty().get());
        assertNull(vm.resultProperty().get());
        assertTrue(vm.summary().isEmpty());
        assertFalse(vm.runningProperty().get());
    }

    @Test
    void typesFollowTheData() {
        List<CocoResult> boxesOnly = dts.stream()
                .map(r ->
                        new CocoResult(r.imageId(), r.categoryId(), r.score(), r.bbox(), null, null, r.id(), r.area()))
                .toList();
        assertEquals(List.of(IouType.BBOX), EvaluationViewModel.allowedTypes(gt, boxesOnly));
        EvaluationViewModel vm = new EvaluationViewModel(new DirectTaskExecutor());
        vm.setData(gt, dts);
        vm.iouTypeProperty().set(IouType.KEYPOINTS);
        vm.setData(gt, boxesOnly);
        assertEquals(IouType.BBOX, vm.iouTypeProperty().get());
    }

    @Test
    void anEditReevaluatesItsImageAsAFullEvaluationOfTheEditedData() {
        CocoDataset edited = gt.shallowCopy();
        Set<Long> rejected = new HashSet<>();
        EvaluationViewModel vm = new EvaluationViewModel(new DirectTaskExecutor());
        vm.setData(edited, dts, r -> rejected.contains(r.id()));
        vm.iouTypeProperty().set(IouType.SEGM);
        vm.evaluate();
        assertEquals("", vm.lastEditProperty().get());
        double before = vm.summary().getFirst().value();

        // delete an annotation of the image with the most annotations, reject its best prediction
        long image = edited.images().stream()
                .mapToLong(CocoImage::id)
                .boxed()
                .max(Comparator.comparingInt(id -> edited.annotationsOf(id).size()))
                .orElseThrow();
        edited.removeAnnotation(edited.annotationsOf(image).getFirst().id());
        CocoResult best = dts.stream()
                .filter(r -> r.imageId() == image)
                .max(Comparator.comparingDouble(CocoResult::score))
                .orElseThrow();
        rejected.add(best.id());
        vm.imageEdited(image);

        List<CocoResult> kept =
                dts.stream().filter(r -> !rejected.contains(r.id())).toList();
        double[] full = CocoEvaluator.evaluate(edited, kept, EvalParams.defaults(IouType.SEGM))
                .stats();
        for (int i = 0; i < full.length; i++)
            assertEquals(full[i], vm.summary().get(i).value(), 1e-12);
        assertNotEquals(before, full[0], "the edit changes AP");
        String name = edited.image(image).fileName();
        assertEquals(
                String.format(
                        Locale.ROOT,
                        "Last edit (%s): AP %.3f -> %.3f (%+.3f)",
                        name,
                        before,
                        full[0],
                        full[0] - before),
                vm.lastEditProperty().get());
        EvaluationViewModel.ImageRow row = vm.images().stream()
                .filter(r -> r.imageId() == image)
                .findFirst()
                .orElseThrow();
        var ev = vm.evaluation().images();
        assertEquals(ev.imageAp(ev.imageIndex(image)), row.ap());

        // a new full evaluation leaves the rejected prediction out too
        vm.evaluate();
        for (int i = 0; i < full.length; i++)
            assertEquals(full[i], vm.summary().get(i).value(), 1e-12);
    }

    private static double mean(double[] v) {
        assertEquals(101, v.length);
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
