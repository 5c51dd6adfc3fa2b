package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.masklab.app.evaluation.ComparisonView;
import dev.masklab.app.evaluation.ComparisonViewModel;
import dev.masklab.app.evaluation.EvaluationView;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.cli.Main;
import dev.masklab.eval.ResultsComparison;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.scene.control.Button;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import picocli.CommandLine;

/**
 * "Compare with…" of the Evaluation tab (#17 part 5) on the shared person set: the fixture person-s1's detections (A,
 * loaded as the predictions) against a copy without the detections of the image with A's best detection (B). The
 * table's ΔAP of person is what two {@code masklab eval --json} runs say, the top image is the changed one, and
 * clicking it opens it side by side: A's detections at the threshold left, none right.
 */
@ExtendWith(ApplicationExtension.class)
class ComparisonTabTest {
    private static final ObjectMapper OM = new ObjectMapper();

    private final FxRobot robot = new FxRobot();
    private TestWindow window;
    private MainViewModel vm;
    private MainView view;

    @Start
    void start(Stage stage) {
        window = TestWindow.create();
        vm = window.vm();
        view = window.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1400);
        stage.setHeight(860);
        stage.show();
    }

    private static JsonNode evalJson(Path dt) throws Exception {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(
                "eval",
                "--gt",
                MainWindowTest.PERSON.toString(),
                "--dt",
                dt.toString(),
                "--iou-type",
                "bbox",
                "--json");
        assertEquals(0, code, err.toString());
        return OM.readTree(out.toString());
    }

    @Test
    void comparesWithAModifiedCopyAndOpensTheChangedImageSideBySide(@TempDir Path tmp) throws Exception {
        JsonNode dets = OM.readTree(MainWindowTest.DETECTIONS.toFile());
        JsonNode best = dets.get(0);
        for (JsonNode d : dets)
            if (d.get("score").asDouble() > best.get("score").asDouble()) best = d;
        long changed = best.get("image_id").asLong();
        ArrayNode kept = OM.createArrayNode();
        for (JsonNode d : dets) if (d.get("image_id").asLong() != changed) kept.add(d);
        Path b = tmp.resolve("without-one-image.json");
        OM.writeValue(b.toFile(), kept);
        JsonNode plainA = evalJson(MainWindowTest.DETECTIONS).get("perCategory").get("1");
        JsonNode plainB = evalJson(b).get("perCategory").get("1");
        double wantDelta = plainB.get("ap").asDouble() - plainA.get("ap").asDouble();
        assertNotEquals(0, wantDelta, "dropping the image's detections changes person's AP");

        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(MainWindowTest.PERSON));
        MainWindowTest.waitUntil(() -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(MainWindowTest.DETECTIONS));
        MainWindowTest.waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        EvaluationTabTest.fx(() -> view.centerTabs().getSelectionModel().select(3));
        EvaluationView tab = view.evaluationView();
        ComparisonViewModel model = tab.model().comparison();

        window.dialogs().fileToOpen = b;
        robot.clickOn((Button) tab.lookup("#compareButton"));
        MainWindowTest.waitUntil(() -> model.comparisonProperty().get() != null
                && !model.runningProperty().get());
        assertTrue(tab.comparisonView().isVisible(), "the comparison page is shown");

        ResultsComparison.CategoryComparison person = model.categories().getFirst();
        assertEquals("person", person.name());
        assertEquals(plainA.get("ap").asDouble(), person.a().ap(), 1e-12);
        assertEquals(plainB.get("ap").asDouble(), person.b().ap(), 1e-12);
        assertEquals(wantDelta, person.apDelta(), 1e-12);
        ComparisonView cv = tab.comparisonView();
        Set<String> shown = cv.lookup("#comparisonCategories").lookupAll(".table-cell").stream()
                .map(n -> ((TableCell<?, ?>) n).getText())
                .filter(t -> t != null)
                .collect(Collectors.toSet());
        String delta = String.format(Locale.ROOT, "%+.3f", wantDelta);
        assertTrue(shown.contains(delta), "the table shows ΔAP " + delta + " (shown: " + shown + ")");

        assertEquals(changed, model.images().getFirst().imageId());
        assertEquals(0, model.images().getFirst().b().tp());
        // a click on the top row opens that image side by side
        TableRow<?> top = cv.lookup("#comparisonImages").lookupAll(".table-row-cell").stream()
                .map(n -> (TableRow<?>) n)
                .filter(r -> r.getIndex() == 0 && !r.isEmpty())
                .findFirst()
                .orElseThrow();
        robot.clickOn(top);
        MainWindowTest.waitUntil(() -> Long.valueOf(changed)
                .equals(cv.sideBySide().shownImageProperty().get()));
        double thr = vm.predictions().scoreThresholdProperty().get();
        long wantLeft = 0;
        for (JsonNode d : dets)
            if (d.get("image_id").asLong() == changed && d.get("score").asDouble() >= thr) wantLeft++;
        assertTrue(wantLeft > 0);
        assertEquals(wantLeft, cv.sideBySide().shownDetections(true).size());
        assertEquals(0, cv.sideBySide().shownDetections(false).size());
        assertNotNull(model.imageFile(changed));
        assertTrue(Files.isRegularFile(model.imageFile(changed)));

        // the threshold of the window applies: at 0 every detection of A in the image is shown
        EvaluationTabTest.fx(() -> vm.predictions().scoreThresholdProperty().set(0));
        long all = 0;
        for (JsonNode d : dets) if (d.get("image_id").asLong() == changed) all++;
        long wantAll = all;
        MainWindowTest.waitUntil(() -> cv.sideBySide().shownDetections(true).size() == wantAll);
    }

    @Test
    void aBadResultsFileIsOneStatusLine(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"image_id\": 1, \"category_id\": 1, \"score\": NaN}]");
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(MainWindowTest.PERSON));
        MainWindowTest.waitUntil(() -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(MainWindowTest.DETECTIONS));
        MainWindowTest.waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        ComparisonViewModel model = view.evaluationView().model().comparison();
        EvaluationTabTest.fx(() -> model.compare(bad, dev.masklab.eval.IouType.BBOX));
        MainWindowTest.waitUntil(() -> !model.runningProperty().get());
        String status = model.statusProperty().get();
        assertTrue(status.startsWith("Cannot compare with bad.json: ") && status.contains("bad.json"), status);
        assertEquals(1, status.lines().count(), status);
        assertTrue(model.categories().isEmpty());
    }
}
