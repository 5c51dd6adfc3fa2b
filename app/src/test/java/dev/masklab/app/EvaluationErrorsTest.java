package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.evaluation.ErrorOutcome;
import dev.masklab.app.evaluation.EvaluationView;
import dev.masklab.app.evaluation.EvaluationViewModel;
import dev.masklab.app.evaluation.ImageErrors;
import dev.masklab.app.inspector.InstanceDetails;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.IncrementalEvaluation;
import dev.masklab.eval.IouType;
import dev.masklab.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.TableRow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Evaluation tab's errors on the canvas, on the shared fixture person-s1 (segm): a double-click on the image with
 * the most false positives opens it with the errors layer on, a false-positive detection's mask is drawn in the
 * false-positive colour at a pixel only it covers, the inspector shows a true positive's partner and the IoU the
 * engine computes, the layer follows an edit as a full evaluation of the edited data would, and reloading the
 * predictions turns it off.
 */
@ExtendWith(ApplicationExtension.class)
class EvaluationErrorsTest {
    private final FxRobot robot = new FxRobot();
    private MainViewModel vm;
    private MainView view;

    @Start
    void start(Stage stage) {
        TestWindow w = TestWindow.create();
        vm = w.vm();
        view = w.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1400);
        stage.setHeight(860);
        stage.show();
    }

    private static void fx(Runnable r) {
        EvaluationTabTest.fx(r);
    }

    @Test
    void theImageWithTheMostFalsePositivesShowsThemInTheirColour() {
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(SharedData.workingCopy(MainWindowTest.PERSON)));
        MainWindowTest.waitUntil(() -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(
                () -> view.files().openPredictions(EvaluationTabTest.FIXTURE.resolve("detections.json")));
        MainWindowTest.waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        // every prediction drawn, whatever its score, so that each false positive is on the canvas
        fx(() -> vm.predictions().scoreThresholdProperty().set(0));
        CheckBox toggle = (CheckBox) view.lookup("#layerErrors");
        assertTrue(toggle.isDisabled(), "no errors to show before an evaluation");

        fx(() -> view.centerTabs().getSelectionModel().select(3));
        EvaluationView tab = view.evaluationView();
        EvaluationViewModel model = tab.model();
        fx(() -> model.iouTypeProperty().set(IouType.SEGM));
        robot.clickOn((Button) tab.lookup("#evaluateButton"));
        MainWindowTest.waitUntil(() ->
                model.resultProperty().get() != null && !model.runningProperty().get());
        assertEquals(
                EvaluationViewModel.ImageOrder.FALSE_POSITIVES,
                model.imageOrderProperty().get());
        EvaluationViewModel.ImageRow worst = model.images().getFirst();
        assertTrue(worst.fp() > 0, "the fixture has false positives");
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().stream()
                        .filter(e -> e.id() != worst.imageId())
                        .findFirst()
                        .orElseThrow()));

        Node row = tab.lookup("#evaluationImages").lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && r.getIndex() == 0 && !((IndexedCell<?>) r).isEmpty())
                .findFirst()
                .orElseThrow();
        robot.doubleClickOn(row);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(worst.imageId(), vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());
        assertEquals(
                dev.masklab.app.prediction.ViewMode.OVERLAY,
                vm.predictions().viewModeProperty().get());
        assertTrue(toggle.isSelected() && !toggle.isDisabled(), "the errors layer is on");
        ImageEntry entry = vm.navigation().getCurrentImage();
        MainWindowTest.waitUntil(() -> view.mainCanvas().renderedEntryProperty().get() == entry);
        ImageErrors errors = view.errorOverlay().errors();
        assertNotNull(errors);
        assertEquals(worst.fp(), errors.counts().get(ErrorOutcome.FALSE_POSITIVE), "as the image list counts");

        // a pixel of a false positive's mask that no other drawn instance covers shows the false-positive colour
        List<Instance> drawn =
                new ArrayList<>(vm.shown().shownGroundTruthProperty().get());
        drawn.addAll(vm.shown().shownPredictionsProperty().get());
        int w = entry.width(), h = entry.height();
        List<byte[]> masks = new ArrayList<>();
        for (Instance i : drawn)
            masks.add(i.mask() == null ? new byte[w * h] : i.mask().decode(h, w));
        int checked = 0;
        for (int k = 0; k < drawn.size(); k++) {
            Instance fp = drawn.get(k);
            if (!fp.prediction() || errors.detection(fp.id()) != ErrorOutcome.FALSE_POSITIVE) continue;
            int pixel = onlyIn(masks, k, w, h);
            if (pixel < 0) continue;
            int x = pixel % w, y = pixel / w; // decode() is row-major

            int argb = view.mainCanvas().overlayArgbAt(x + 0.5, y + 0.5);
            assertEquals(
                    ErrorOutcome.FALSE_POSITIVE.rgb(),
                    argb & 0xFFFFFF,
                    String.format(Locale.ROOT, "result #%d at (%d, %d): %08X", fp.id(), x, y, argb));
            assertTrue((argb >>> 24) > 0, "drawn, not transparent");
            checked++;
        }
        assertTrue(checked > 0, "a false positive with a pixel of its own");

        // the inspector: a true positive's outcome, partner and the IoU the engine computes
        ImageErrors.Match match = errors.matches().getFirst();
        Instance tp = vm.shown().shownPredictionsProperty().get().stream()
                .filter(i -> i.id() == match.dtId())
                .findFirst()
                .orElseThrow();
        fx(() -> vm.selection().selectedProperty().set(tp));
        double iou = model.evaluation().iou(entry.id(), match.dtId(), match.gtId());
        List<InstanceDetails.Row> rows = view.inspector().table().getItems();
        assertTrue(
                rows.contains(new InstanceDetails.Row("matched with", "ground truth #" + match.gtId())),
                rows.toString());
        assertTrue(
                rows.contains(new InstanceDetails.Row("IoU", String.format(Locale.ROOT, "%.4f", iou))),
                rows.toString());
        assertTrue(
                rows.stream()
                        .anyMatch(r -> r.field().equals("outcome") && r.value().startsWith("TP")),
                rows.toString());

        // an edit: rejecting the true positive, the layer shows what a full evaluation of the edited data gives
        fx(() -> assertTrue(vm.edits().deleteSelected()));
        ImageErrors after = view.errorOverlay().errors();
        var ps = vm.predictions().predictionsProperty().get();
        ImageErrors full = ImageErrors.of(
                IncrementalEvaluation.start(
                        vm.getDataset().coco(),
                        ps.results().stream().filter(r -> r.id() != tp.id()).toList(),
                        EvalParams.defaults(IouType.SEGM)),
                entry.id(),
                .5);
        assertEquals(full, after);
        assertFalse(after.detections().containsKey(tp.id()));

        // a confusion-matrix cell opens its first image with its item selected
        fx(() -> view.centerTabs().getSelectionModel().select(3));
        dev.masklab.eval.ConfusionMatrix cm = model.confusionProperty().get();
        dev.masklab.eval.ConfusionMatrix.Entry item = cm.entries(0, 0).getFirst();
        fx(() -> toggle.setSelected(false));
        fx(((Button) tab.lookup("#confusion-0-0"))::fire);
        assertEquals(item.imageId(), vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());
        assertTrue(toggle.isSelected());
        assertEquals(item.dtId(), vm.selection().selectedProperty().get().id());
        assertTrue(vm.selection().selectedProperty().get().prediction());

        // a click on the precision/recall curve at recall .5 opens the image of the detection reaching it
        fx(() -> view.centerTabs().getSelectionModel().select(3));
        dev.masklab.app.evaluation.CurvePoint point =
                model.curvePoint(dev.masklab.eval.EvalResult.ALL_CATEGORIES, EvaluationViewModel.CurveIou.IOU_50, .5);
        assertNotNull(point);
        javafx.scene.chart.NumberAxis recall =
                (javafx.scene.chart.NumberAxis) tab.curve().getXAxis();
        javafx.geometry.Point2D at = recall.localToScreen(recall.getDisplayPosition(.5), 0);
        javafx.geometry.Bounds chart = tab.curve().localToScreen(tab.curve().getBoundsInLocal());
        robot.clickOn(at.getX(), (chart.getMinY() + chart.getMaxY()) / 2);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());
        assertEquals(point.imageId(), vm.navigation().getCurrentImage().id());
        assertEquals(point.dtId(), vm.selection().selectedProperty().get().id());

        // Enter on a row of the image list opens it as a double-click does
        fx(() -> view.centerTabs().getSelectionModel().select(3));
        long shownNow = vm.navigation().getCurrentImage().id();
        EvaluationViewModel.ImageRow last = model.images().stream()
                .filter(r -> r.imageId() != shownNow)
                .reduce((x, y) -> y)
                .orElseThrow();
        @SuppressWarnings("unchecked")
        javafx.scene.control.TableView<EvaluationViewModel.ImageRow> list =
                (javafx.scene.control.TableView<EvaluationViewModel.ImageRow>) tab.lookup("#evaluationImages");
        fx(() -> {
            list.getSelectionModel().select(last);
            list.requestFocus();
        });
        robot.type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(last.imageId(), vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());

        // the toggle turns it off; new predictions turn it off too
        fx(() -> toggle.setSelected(false));
        assertEquals(null, view.errorOverlay().errors());
        fx(() -> toggle.setSelected(true));
        assertNotNull(view.errorOverlay().errors());
        WaitForAsyncUtils.asyncFx(
                () -> view.files().openPredictions(EvaluationTabTest.FIXTURE.resolve("detections.json")));
        MainWindowTest.waitUntil(() -> vm.predictions().predictionsProperty().get() != ps);
        assertFalse(view.errorOverlay().activeProperty().get());
        assertEquals(null, view.errorOverlay().errors());
    }

    /** A pixel (row-major index) set in masks[k] and in no other mask, away from its edge; -1 when none. */
    private static int onlyIn(List<byte[]> masks, int k, int w, int h) {
        byte[] m = masks.get(k);
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int p = y * w + x;
                if (m[p] == 0 || m[p - 1] == 0 || m[p + 1] == 0 || m[p - w] == 0 || m[p + w] == 0) continue;
                boolean alone = true;
                for (int j = 0; j < masks.size() && alone; j++) if (j != k && masks.get(j)[p] != 0) alone = false;
                if (alone) return p;
            }
        }
        return -1;
    }
}
