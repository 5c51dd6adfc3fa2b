package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.evaluation.EvaluationView;
import dev.masklab.app.evaluation.EvaluationViewModel;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.eval.IouType;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Evaluation tab in the main window on the shared fixture person-s1 (its detections against the COCO person set):
 * Ctrl+E shows the tab, Evaluate shows pycocotools' stats from the fixture's expected.json in the summary table (bbox
 * and segm), the precision/recall chart draws a curve, and a double-click on an image row opens it in the Image tab.
 */
@ExtendWith(ApplicationExtension.class)
class EvaluationTabTest {
    static final Path FIXTURE = MainWindowTest.DETECTIONS.getParent();

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

    static void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void showsTheFixturesStatsAndOpensAnImage() throws Exception {
        JsonNode expected = new ObjectMapper()
                .readTree(FIXTURE.resolve("expected.json").toFile())
                .get("stats");
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(SharedData.workingCopy(MainWindowTest.PERSON)));
        MainWindowTest.waitUntil(() -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(FIXTURE.resolve("detections.json")));
        MainWindowTest.waitUntil(() -> vm.predictions().predictionsProperty().get() != null);

        robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(
                "evaluationTab",
                view.centerTabs().getSelectionModel().getSelectedItem().getId());
        EvaluationView tab = view.evaluationView();
        EvaluationViewModel model = tab.model();
        assertEquals(Set.of(IouType.BBOX, IouType.SEGM, IouType.KEYPOINTS), Set.copyOf(model.iouTypes()));

        for (IouType type : new IouType[] {IouType.BBOX, IouType.SEGM}) {
            fx(() -> model.iouTypeProperty().set(type));
            robot.clickOn((Button) tab.lookup("#evaluateButton"));
            MainWindowTest.waitUntil(() -> model.resultProperty().get() != null
                    && !model.runningProperty().get()
                    && model.resultProperty().get().iouType() == type);
            JsonNode want = expected.get(type.cocoName());
            assertEquals(12, model.summary().size());
            for (int i = 0; i < want.size(); i++)
                assertEquals(want.get(i).asDouble(), model.summary().get(i).value(), 5e-7, type + " stat " + i);
            // what the summary table shows: each stat to three decimals
            Set<String> shown = tab.lookup("#evaluationSummary").lookupAll(".table-cell").stream()
                    .map(n -> ((TableCell<?, ?>) n).getText())
                    .filter(t -> t != null)
                    .collect(Collectors.toSet());
            for (int i = 0; i < want.size(); i++) {
                String v = String.format(Locale.ROOT, "%.3f", want.get(i).asDouble());
                assertTrue(shown.contains(v), type + ": the summary shows " + v + " (shown: " + shown + ")");
            }
            assertEquals(1, tab.curve().getData().size());
            assertFalse(tab.curve().getData().getFirst().getData().isEmpty());
            assertEquals(1, model.categories().size());
        }

        // the confusion matrix (IoU .50, one category): a click on the matched cell opens its first image
        dev.masklab.eval.ConfusionMatrix cm = model.confusionProperty().get();
        Button matched = (Button) tab.lookup("#confusion-0-0");
        assertEquals(Long.toString(cm.count(0, 0)), matched.getText());
        assertEquals(Long.toString(cm.count(1, 0)), ((Button) tab.lookup("#confusion-1-0")).getText());
        long firstMatched = cm.entries(0, 0).getFirst().imageId();
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().stream()
                        .filter(e -> e.id() != firstMatched)
                        .findFirst()
                        .orElseThrow()));
        fx(matched::fire);
        assertEquals(firstMatched, vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());
        fx(() -> view.centerTabs().getSelectionModel().select(3));

        // live: rejecting a prediction re-evaluates its image; the summary is that of the data without it
        dev.masklab.app.model.PredictionSet ps =
                vm.predictions().predictionsProperty().get();
        long busiest = ps.byImage().entrySet().stream()
                .max(java.util.Comparator.comparingInt(e -> e.getValue().size()))
                .orElseThrow()
                .getKey();
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().stream()
                        .filter(e -> e.id() == busiest)
                        .findFirst()
                        .orElseThrow()));
        dev.masklab.app.model.Instance rejected =
                vm.shown().shownPredictionsProperty().get().getFirst();
        fx(() -> {
            vm.selection().selectedProperty().set(rejected);
            assertTrue(vm.edits().deleteSelected());
        });
        double[] full = dev.masklab.eval.CocoEvaluator.evaluate(
                        vm.getDataset().coco(),
                        ps.results().stream()
                                .filter(r -> r.id() != rejected.id())
                                .toList(),
                        dev.masklab.eval.EvalParams.defaults(IouType.SEGM))
                .stats();
        for (int i = 0; i < full.length; i++)
            assertEquals(full[i], model.summary().get(i).value(), 1e-12);
        String lastEdit = ((javafx.scene.control.Label) tab.lookup("#evaluationLastEdit")).getText();
        assertTrue(
                lastEdit.startsWith("Last edit (") && lastEdit.contains(String.format(Locale.ROOT, "-> %.3f", full[0])),
                lastEdit);

        // the image list: a double-click opens that image in the Image tab
        long first = model.images().getFirst().imageId();
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().stream()
                        .filter(e -> e.id() != first)
                        .findFirst()
                        .orElseThrow()));
        assertNotEquals(first, vm.navigation().getCurrentImage().id());
        Node row = tab.lookup("#evaluationImages").lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && r.getIndex() == 0 && !((IndexedCell<?>) r).isEmpty())
                .findFirst()
                .orElseThrow();
        robot.doubleClickOn(row);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(first, vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());
    }
}
