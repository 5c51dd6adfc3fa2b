package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.app.training.TrainingService.Settings;
import dev.masklab.app.training.TrainingView;
import dev.masklab.app.training.TrainingViewModel;
import dev.masklab.model.Architecture;
import dev.masklab.predict.Predictor;
import dev.masklab.train.TrainingCheckpoint;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The training tab, headless: the form becomes {@code masklab train}'s settings (bad fields named), a short run from
 * scratch on the bundled sample plots every logged loss, evaluates on a validation file, writes the model and offers
 * it to "Run model"; Stop ends a run with a checkpoint that Resume continues.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingViewTest {
    static final Path SAMPLE =
            Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");
    /** A short CPU run from scratch: the small preset at 240 px, one image per step, every stage trained. */
    static final TrainingConfig TINY = TrainingConfig.preset("small").toBuilder()
            .batchSize(1)
            .baseLr(0.005)
            .shorterSide(240)
            .trainableBackboneLayers(5)
            .clipGradNorm(10)
            .trainBatchNorm(true)
            .build();

    private TrainingView view;
    private final List<Path> offered = new ArrayList<>();
    private final dev.masklab.app.dialog.ScriptedDialogs dialogs = new dev.masklab.app.dialog.ScriptedDialogs();

    @Start
    void start(Stage stage) {
        view = new TrainingView(new TrainingViewModel(), offered::add, dialogs);
        stage.setScene(new Scene(view, 1200, 800));
        stage.show();
    }

    void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static void waitUntil(int seconds, Callable<Boolean> c) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, c);
        } catch (Exception e) {
            throw new AssertionError("condition not reached in " + seconds + " s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void set(String id, String text) {
        fx(() -> ((TextField) view.lookup("#" + id)).setText(text));
    }

    /** The sample's images 1 and 2 as a validation set in {@code dir}. */
    static Path validationFile(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(SAMPLE.toFile());
        Set<Long> keep = Set.of(1L, 2L);
        ArrayNode images = json.createArrayNode();
        for (JsonNode i : root.get("images")) {
            if (!keep.contains(i.get("id").asLong())) continue;
            images.add(i);
            Path to = dir.resolve(i.get("file_name").asText());
            Files.createDirectories(to.getParent());
            Files.copy(SAMPLE.resolveSibling(i.get("file_name").asText()), to);
        }
        ArrayNode anns = json.createArrayNode();
        for (JsonNode a : root.get("annotations"))
            if (keep.contains(a.get("image_id").asLong())) anns.add(a);
        root.set("images", images);
        root.set("annotations", anns);
        Path f = dir.resolve("val.json");
        Files.writeString(f, json.writeValueAsString(root));
        return f;
    }

    @Test
    void formBecomesTheTrainSettingsAndBadFieldsAreNamed(@TempDir Path tmp) {
        fx(() -> view.suggestDataset(SAMPLE));
        set("trainIterations", "30");
        set("trainLr", "0.005");
        set("trainMinSize", "240");
        Settings s = view.settings();
        assertEquals(SAMPLE, s.dataset());
        assertEquals(SAMPLE.toAbsolutePath().resolveSibling("runs").resolve("annotations"), s.runDir());
        assertEquals(Architecture.MASKRCNN_RESNET50_FPN, s.arch());
        assertNull(s.weights(), "from scratch");
        assertEquals(30, s.iterations());
        assertEquals(0.005, s.config().effectiveBaseLr(), 0);
        assertEquals(240, s.config().minSizes()[0]);
        assertTrue(s.config().trainBatchNorm(), "from scratch: batch-statistics batch norms, as masklab train");
        // every other setting is the preset's (seed 42 included), as masklab train --config small builds it
        ObjectMapper json = new ObjectMapper();
        assertEquals(
                json.valueToTree(TrainingConfig.preset("small").toBuilder()
                        .batchSize(2)
                        .baseLr(0.005)
                        .shorterSide(240)
                        .trainableBackboneLayers(3)
                        .clipGradNorm(10)
                        .trainBatchNorm(true)
                        .build()),
                json.valueToTree(s.config()));
        assertEquals(42, s.config().seed());

        set("trainBatch", "2.5");
        fx(view::start);
        String err = ((Label) view.lookup("#trainFormError")).getText();
        assertTrue(err.startsWith("images per step"), err);
        assertFalse(view.viewModel().runningProperty().get());
        set("trainBatch", "2");
        set("trainLr", "fast");
        fx(view::start);
        assertTrue(((Label) view.lookup("#trainFormError")).getText().startsWith("learning rate: not a number"));
        assertFalse(view.viewModel().runningProperty().get());
    }

    @Test
    void shortRunPlotsEvaluatesWritesTheModelAndStopResumes(@TempDir Path tmp) throws Exception {
        Path val = validationFile(Files.createDirectories(tmp.resolve("val")));
        Path run = tmp.resolve("run");
        TrainingViewModel vm = view.viewModel();
        Settings s = new Settings(SAMPLE, val, Architecture.MASKRCNN_RESNET50_FPN, null, run, 3, TINY, 0, 0, false);
        fx(() -> view.start(s));
        assertTrue(vm.runningProperty().get());
        assertTrue(view.lookup("#trainStart").isDisabled());
        waitUntil(300, () -> !vm.runningProperty().get());
        assertNotNull(vm.trainedModelProperty().get(), vm.statusProperty().get());
        assertEquals(run.resolve("model.masklab"), vm.trainedModelProperty().get());
        assertTrue(Files.isRegularFile(run.resolve("model.masklab")));
        assertTrue(
                vm.statusProperty().get().startsWith("Done: 3 iterations"),
                vm.statusProperty().get());
        assertEquals(1.0, vm.progressProperty().get());

        // every iteration logged (3 <= 400) and plotted: total loss and each term
        assertEquals(
                List.of(1, 2, 3),
                vm.iterations().stream()
                        .map(TrainingListener.Progress::iteration)
                        .toList());
        XYChart.Series<Number, Number> total = view.chart().getData().stream()
                .filter(x -> x.getName().equals("loss"))
                .findFirst()
                .orElseThrow();
        assertEquals(3, total.getData().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    vm.iterations().get(i).totalLoss(),
                    total.getData().get(i).getYValue().doubleValue(),
                    0);
        }
        assertTrue(view.chart().getData().stream().anyMatch(x -> x.getName().equals("mask")));
        // the run folder is the CLI's: metrics.jsonl has the same iterations
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(
                3, lines.stream().filter(l -> l.contains("\"type\":\"train\"")).count());

        // evaluation at the end on the validation file
        assertEquals(1, vm.evaluations().size());
        TrainingViewModel.Evaluation e = vm.evaluations().getFirst();
        assertEquals(3, e.iteration());
        assertTrue(e.segmAp() >= 0 && e.segmAp() <= 1 && e.bboxAp() >= 0, e.toString());
        assertTrue(Double.isNaN(e.keypointsAp()));
        assertTrue(
                vm.log().stream().anyMatch(l -> l.startsWith("evaluation at iteration 3: bbox AP")),
                vm.log().toString());

        // "Run this model" hands the trained model to the window
        fx(() -> ((Button) view.lookup("#trainRunModel")).fire());
        assertEquals(List.of(run.resolve("model.masklab")), offered);

        // a longer run stopped after its first logged iteration keeps a checkpoint; Resume continues from it
        Path run2 = tmp.resolve("run2");
        Settings longRun =
                new Settings(SAMPLE, null, Architecture.MASKRCNN_RESNET50_FPN, null, run2, 200, TINY, 0, 0, false);
        fx(() -> view.start(longRun));
        waitUntil(300, () -> !vm.iterations().isEmpty() || !vm.runningProperty().get());
        assertTrue(vm.runningProperty().get(), vm.statusProperty().get() + " " + vm.log());
        fx(view::stop);
        waitUntil(300, () -> !vm.runningProperty().get());
        assertTrue(
                vm.statusProperty().get().startsWith("Stopped at iteration"),
                vm.statusProperty().get());
        assertTrue(
                vm.log().stream().anyMatch(l -> l.startsWith("checkpoint at iteration")),
                vm.log().toString());
        int stoppedAt = vm.iterations().getLast().iteration();
        // #20: "Run this model" is enabled after Stop: the stopped checkpoint's model, which the predictor opens
        Path checkpoint = TrainingCheckpoint.latest(run2.resolve("checkpoints"));
        assertEquals(
                checkpoint.resolve("model.masklab"), vm.trainedModelProperty().get());
        assertFalse(view.lookup("#trainRunModel").isDisabled());
        try (Predictor p = Predictor.open(
                vm.trainedModelProperty().get(),
                null,
                new Predictor.Options(0.05f, Predictor.defaultDevice(), false))) {
            JsonNode categories = new ObjectMapper().readTree(SAMPLE.toFile()).get("categories");
            assertEquals(categories.size() + 1, p.config().numClasses());
            assertEquals(categories.get(0).get("id").asLong(), p.categoryId(1));
            assertEquals(240, p.config().minSize(), "the run's inference size");
        }
        List<Integer> before = vm.iterations().stream()
                .map(TrainingListener.Progress::iteration)
                .toList();
        assertEquals(stoppedAt, before.size(), "every iteration up to the stop logged: " + before);
        Settings resumed = new Settings(
                SAMPLE, null, Architecture.MASKRCNN_RESNET50_FPN, null, run2, stoppedAt + 1, TINY, 0, 0, true);
        fx(() -> view.start(resumed));
        waitUntil(300, () -> !vm.runningProperty().get());
        assertTrue(vm.log().getFirst().contains("run2"), vm.log().toString());
        assertTrue(
                vm.log().stream().anyMatch(l -> l.startsWith("resuming")),
                vm.log().toString());
        assertTrue(
                vm.statusProperty().get().startsWith("Done: " + (stoppedAt + 1) + " iterations"),
                vm.statusProperty().get());
        // #20: the plot keeps the losses before the resume (read back from metrics.jsonl), then the new iteration
        List<Integer> plotted = new ArrayList<>(before);
        plotted.add(stoppedAt + 1);
        assertEquals(
                plotted,
                vm.iterations().stream()
                        .map(TrainingListener.Progress::iteration)
                        .toList());
        XYChart.Series<Number, Number> resumedTotal = view.chart().getData().stream()
                .filter(x -> x.getName().equals("loss"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                plotted,
                resumedTotal.getData().stream()
                        .map(d -> d.getXValue().intValue())
                        .toList());
        assertEquals(
                before.size() + 1,
                Files.readAllLines(run2.resolve("metrics.jsonl")).stream()
                        .filter(l -> l.contains("\"type\":\"train\""))
                        .count());
    }

    @Test
    void iterationAxisShowsWholeIterations() {
        // a resumed run's points from iteration 3 to 5 (NumberAxis' own ranging put ticks at 3.25, 3.75, 4.25)
        TrainingViewModel vm = view.viewModel();
        fx(() -> {
            vm.started("test");
            TrainingListener l = vm.listener(Runnable::run);
            for (int i = 3; i <= 5; i++) {
                l.onIteration(new TrainingListener.Progress(
                        i, 10, java.util.Map.of("loss_mask", 1.0 / i), 2.0 / i, 0.01, 1, 1, 1));
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        NumberAxis x = (NumberAxis) view.chart().getXAxis();
        List<Double> ticks =
                x.getTickMarks().stream().map(t -> t.getValue().doubleValue()).toList();
        assertTrue(ticks.size() >= 2, ticks.toString());
        for (double t : ticks) assertEquals(Math.rint(t), t, 0, "tick " + t + " of " + ticks);
        List<String> labels = x.getChildrenUnmodifiable().stream()
                .filter(n -> n instanceof javafx.scene.text.Text && n.isVisible())
                .map(n -> ((javafx.scene.text.Text) n).getText())
                .toList();
        assertTrue(labels.containsAll(List.of("3", "4", "5")), labels.toString());
        assertTrue(ticks.getFirst() <= 3 && ticks.getLast() >= 5, "the points are inside the axis: " + ticks);
    }
}
