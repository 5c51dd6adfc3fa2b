package dev.masklab.app.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.IouType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ComparisonViewModel} without a display (tasks run at once) on the fixture person-s1: A is the loaded
 * predictions without the reviewed ones, as the evaluation takes them; the side-by-side lists follow the threshold;
 * a cancelled comparison shows nothing.
 */
class ComparisonViewModelTest {
    static final Path FIXTURE = EvaluationViewModelTest.FIXTURE.resolve("detections.json");

    static CocoDataset gt;
    static List<CocoResult> dts;

    @BeforeAll
    static void read() throws Exception {
        gt = CocoReader.read(EvaluationViewModelTest.SHARED.resolve("data/coco-person-kp/test_coco.json"));
        dts = CocoResults.read(FIXTURE, gt);
    }

    @Test
    void reviewedPredictionsLeaveA() {
        ComparisonViewModel vm = new ComparisonViewModel(new DirectTaskExecutor());
        // the best prediction was accepted: A is the file without it, B the whole file
        CocoResult best =
                dts.stream().max((x, y) -> Double.compare(x.score(), y.score())).orElseThrow();
        vm.setData(gt, dts, r -> r.id() == best.id());
        vm.compare(FIXTURE, IouType.SEGM);
        assertEquals(
                CocoEvaluator.evaluate(
                                gt,
                                dts.stream().filter(r -> r.id() != best.id()).toList(),
                                EvalParams.defaults(IouType.SEGM))
                        .perCategory(),
                vm.comparisonProperty().get().a().perCategory());
        assertEquals(
                CocoEvaluator.evaluate(gt, dts, EvalParams.defaults(IouType.SEGM))
                        .perCategory(),
                vm.comparisonProperty().get().b().perCategory());
        assertEquals(best.imageId(), vm.images().getFirst().imageId());
        assertTrue(
                vm.statusProperty().get().contains("1 of 4 images differ"),
                vm.statusProperty().get());
        assertEquals("detections.json", vm.nameBProperty().get());

        // side by side: at the threshold, highest score first; B has the accepted prediction, A not
        vm.scoreThresholdProperty().set(0);
        List<CocoResult> left = vm.shown(best.imageId(), true);
        List<CocoResult> right = vm.shown(best.imageId(), false);
        assertEquals(right.size() - 1, left.size());
        assertEquals(best.id(), right.getFirst().id());
        vm.scoreThresholdProperty().set(best.score());
        assertEquals(
                List.of(best.id()),
                vm.shown(best.imageId(), false).stream().map(CocoResult::id).toList());
        assertTrue(vm.shown(best.imageId(), true).isEmpty());
    }

    @Test
    void aCancelledComparisonShowsNothing() {
        ComparisonViewModel vm = new ComparisonViewModel(new DirectTaskExecutor(true));
        vm.setData(gt, dts, r -> false);
        vm.compare(FIXTURE, IouType.BBOX);
        assertEquals("Comparison cancelled", vm.statusProperty().get());
        assertNull(vm.comparisonProperty().get());
        assertTrue(vm.categories().isEmpty() && vm.images().isEmpty());
    }
}
