package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.training.DatasetHealthView;
import dev.masklab.app.training.DatasetHealthViewModel;
import dev.masklab.app.training.TrainingView;
import dev.masklab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextField;
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
 * The Training tab's dataset health box (#17 part 6) in the main window: for the shared person set (suggested as the
 * training set when it is opened) and a copy without one image's annotations, the box shows what
 * {@code masklab stats --training --json} says (images, objects per image, image sizes, size classes, box centres,
 * skipped images); a click on a skipped image opens it; a validation set with other categories is a red error that
 * disables Start.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingHealthTest {
    private static final ObjectMapper OM = new ObjectMapper();

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
        stage.setHeight(900);
        stage.show();
    }

    private static JsonNode stats(Path json) throws Exception {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("stats", "--training", "--json", json.toString()), err.toString());
        return OM.readTree(out.toString());
    }

    private static Map<String, Number> series(XYChart.Series<String, Number> s) {
        Map<String, Number> m = new LinkedHashMap<>();
        for (XYChart.Data<String, Number> d : s.getData()) m.put(d.getXValue(), d.getYValue());
        return m;
    }

    private static Map<String, Number> fields(JsonNode o) {
        Map<String, Number> m = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    /** Every number the box shows equals the CLI's JSON. */
    private static void assertShows(DatasetHealthView box, JsonNode want) {
        String summary = ((Label) box.lookup("#healthSummary")).getText();
        int objects = 0;
        for (var e : fields(want.get("objectsPerImage")).entrySet())
            objects += Integer.parseInt(e.getKey()) * e.getValue().intValue();
        int skipped = want.get("skipped").size();
        assertTrue(
                summary.contains(want.get("images").asInt() + " images, " + objects + " objects; training skips "
                        + skipped + " image"),
                summary);
        assertEquals(
                fields(want.get("objectsPerImage")),
                series(box.objectsPerImageChart().getData().getFirst()));
        assertEquals(
                fields(want.get("imageSizes")),
                series(box.imageSizesChart().getData().getFirst()));
        List<XYChart.Series<String, Number>> classes = box.sizeClassesChart().getData();
        assertEquals(
                List.of("small", "medium", "large"),
                classes.stream().map(XYChart.Series::getName).toList());
        for (int s = 0; s < 3; s++) {
            Map<String, Number> wantClass = new LinkedHashMap<>();
            for (JsonNode c : want.get("sizeClasses")) {
                int total = c.get("small").asInt()
                        + c.get("medium").asInt()
                        + c.get("large").asInt();
                if (total > 0)
                    wantClass.put(
                            c.get("name").asText(),
                            c.get(classes.get(s).getName()).asInt());
            }
            assertEquals(wantClass, series(classes.get(s)));
        }
        JsonNode grid = want.get("centreGrid");
        int[][] drawn = box.drawnCentres();
        assertEquals(grid.size(), drawn.length);
        for (int y = 0; y < drawn.length; y++) {
            int[] row = new int[grid.get(y).size()];
            for (int x = 0; x < row.length; x++) row[x] = grid.get(y).get(x).asInt();
            assertArrayEquals(row, drawn[y], "centre grid row " + y);
        }
    }

    @Test
    void showsWhatStatsTrainingSaysAndOpensASkippedImage(@TempDir Path tmp) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(MainWindowTest.PERSON));
        MainWindowTest.waitUntil(() -> vm.getDataset() != null);
        EvaluationTabTest.fx(() -> view.centerTabs().getSelectionModel().select(2));
        TrainingView tab = view.trainingView();
        DatasetHealthViewModel model = tab.healthModel();
        DatasetHealthView box = tab.healthView();
        // the open dataset is suggested as the training set and checked
        MainWindowTest.waitUntil(() -> model.reportProperty().get() != null
                && model.reportProperty().get().file().equals(MainWindowTest.PERSON.toAbsolutePath()));
        assertTrue(box.isVisible());
        assertShows(box, stats(MainWindowTest.PERSON));
        assertEquals("1 class to learn, from scratch", ((Label) box.lookup("#healthClasses")).getText());
        assertFalse(box.lookup("#healthEmptyCategories").isVisible());
        assertTrue(model.issues().isEmpty());

        // a copy without the annotations of one image: training skips it; a click on it opens it
        JsonNode person = OM.readTree(MainWindowTest.PERSON.toFile());
        long emptied = person.get("images").get(1).get("id").asLong();
        ArrayNode kept = OM.createArrayNode();
        for (JsonNode a : person.get("annotations")) if (a.get("image_id").asLong() != emptied) kept.add(a);
        ((ObjectNode) person).set("annotations", kept);
        Path copy = tmp.resolve("person-one-empty.json");
        OM.writeValue(copy.toFile(), person);
        JsonNode want = stats(copy);
        assertEquals(1, want.get("skipped").size());
        assertEquals(emptied, want.get("skipped").get(0).get("image_id").asLong());
        EvaluationTabTest.fx(() -> ((TextField) tab.lookup("#trainDataset")).setText(copy.toString()));
        MainWindowTest.waitUntil(() -> model.reportProperty().get() != null
                && model.reportProperty().get().file().equals(copy));
        assertShows(box, want);
        assertEquals(1, model.issues().size());
        assertEquals(emptied, model.issues().getFirst().imageId());
        assertTrue(model.issues()
                .getFirst()
                .text()
                .contains(want.get("skipped").get(0).get("file_name").asText()));
        EvaluationTabTest.fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().stream()
                        .filter(e -> e.id() != emptied)
                        .findFirst()
                        .orElseThrow()));
        EvaluationTabTest.fx(() -> ((javafx.scene.control.ScrollPane) tab.lookup("#trainForm")).setVvalue(1));
        Node cell = box.lookup("#healthIssues").lookupAll(".list-cell").stream()
                .filter(n -> ((ListCell<?>) n).getIndex() == 0)
                .findFirst()
                .orElseThrow();
        robot.clickOn(cell);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(emptied, vm.navigation().getCurrentImage().id());
        assertEquals(0, view.centerTabs().getSelectionModel().getSelectedIndex());

        // a validation set with other categories: a red error, and Start is disabled
        EvaluationTabTest.fx(() -> view.centerTabs().getSelectionModel().select(2));
        EvaluationTabTest.fx(() -> ((TextField) tab.lookup("#trainValidation")).setText(MainWindowTest.VOC.toString()));
        MainWindowTest.waitUntil(() -> model.blocksStartProperty().get());
        Label valError = (Label) box.lookup("#healthValError");
        assertTrue(valError.isVisible());
        assertTrue(valError.getText().contains("categories differ"), valError.getText());
        assertTrue(tab.lookup("#trainStart").isDisabled());
        EvaluationTabTest.fx(() -> ((TextField) tab.lookup("#trainValidation")).setText(""));
        MainWindowTest.waitUntil(() ->
                !model.blocksStartProperty().get() && model.reportProperty().get() != null);
        assertFalse(tab.lookup("#trainStart").isDisabled());
        assertFalse(valError.isVisible());

        // starting weights whose box predictor has 4 classes (+ background): the box says the predictors start fresh
        Path pth = tmp.resolve("four-classes.pth");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            dev.masklab.model.io.PthWriter.write(
                    pth, Map.of(dev.masklab.train.WeightsClasses.KEY, m.zeros(new ai.djl.ndarray.types.Shape(5, 8))));
        }
        EvaluationTabTest.fx(() -> ((TextField) tab.lookup("#trainWeights")).setText(pth.toString()));
        Label classes = (Label) box.lookup("#healthClasses");
        MainWindowTest.waitUntil(() -> classes.getText().contains("weights have"));
        assertEquals("1 class to learn; " + dev.masklab.train.WeightsClasses.compare(5, 2), classes.getText());
        assertTrue(classes.getText().contains("the weights have 4 classes, the training set 1"), classes.getText());
    }
}
