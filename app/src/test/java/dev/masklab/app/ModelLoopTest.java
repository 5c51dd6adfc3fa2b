package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.prediction.PredictionService;
import dev.masklab.app.prediction.RunModelDialog;
import dev.masklab.app.prediction.RunSubset;
import dev.masklab.app.prediction.WarmModel;
import dev.masklab.app.service.TestModels;
import dev.masklab.app.training.TrainingService;
import dev.masklab.model.Architecture;
import dev.masklab.review.ReviewState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.concurrent.Task;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The labelling loop of #16, headless, as one user session on a copy of the bundled sample (its first six images) with
 * a seeded MaskLab
 * checkpoint: a box prompt's mask accepted, another prediction rejected, images marked done, saved and reopened
 * (decisions restored, nothing offered twice), the model run on the images not yet reviewed (merged into the loaded
 * predictions), then "Fine-tune on what is labelled" for 3 iterations: the split written into a run folder, the
 * Training tab's run, the trained model loaded in place of the seed and run again on the unreviewed images.
 */
@ExtendWith(ApplicationExtension.class)
class ModelLoopTest {
    static final Path SAMPLE =
            Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Images of the sample used: three to label, three left to review. */
    static final int IMAGES = 6;

    private MainViewModel vm;
    private MainView view;
    private ScriptedDialogs dialogs;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        TestWindow w = TestWindow.create();
        dialogs = w.dialogs();
        vm = w.vm();
        view = w.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1280);
        stage.setHeight(800);
        stage.show();
    }

    /** With -Dmasklab.screenshots=true, the window as docs/screenshots/NAME (the README's loop). */
    void shoot(String name) throws Exception {
        if (!Boolean.getBoolean("masklab.screenshots")) return;
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(500); // thumbnails and the canvas settle
        javafx.scene.image.WritableImage img = fxGet(() -> stage.getScene().snapshot(null));
        Path dir = Path.of(System.getProperty("masklab.root", "..")).resolve("docs/screenshots");
        Files.createDirectories(dir);
        javax.imageio.ImageIO.write(
                javafx.embed.swing.SwingFXUtils.fromFXImage(img, null),
                "png",
                dir.resolve(name).toFile());
    }

    static void waitUntil(int seconds, Callable<Boolean> c) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, c);
        } catch (Exception e) {
            throw new AssertionError("condition not reached in " + seconds + " s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T> T fxGet(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void open(Path json) {
        fx(() -> view.files().openDataset(json));
        waitUntil(
                30,
                () -> vm.getDataset() != null
                        && vm.getDataset().jsonFile().equals(json.toAbsolutePath())
                        && vm.navigation().getCurrentImage() != null);
    }

    void run(PredictionService.Request r) {
        Future<?> f = fxGet(() -> view.modelRuns().runModel(r));
        assertNotNull(f, vm.messageProperty().get());
        waitUntil(
                300, () -> f.isDone() && !view.modelRuns().predictingProperty().get());
    }

    void show(int index) {
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().get(index)));
    }

    /**
     * The sample's first {@link #IMAGES} images and their annotations copied into {@code dir} (saving writes beside
     * the dataset; fewer images keep the CPU runs of a seeded ResNet-50 short).
     */
    static Path copySample(Path dir) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(SAMPLE.toFile());
        com.fasterxml.jackson.databind.node.ArrayNode images = JSON.createArrayNode();
        Set<Long> kept = new TreeSet<>();
        for (JsonNode i : root.get("images")) {
            if (kept.size() == IMAGES) break;
            kept.add(i.get("id").asLong());
            images.add(i);
            Path to = dir.resolve(i.get("file_name").asText());
            Files.createDirectories(to.getParent());
            Files.copy(SAMPLE.resolveSibling(i.get("file_name").asText()), to);
        }
        com.fasterxml.jackson.databind.node.ArrayNode anns = JSON.createArrayNode();
        for (JsonNode a : root.get("annotations"))
            if (kept.contains(a.get("image_id").asLong())) anns.add(a);
        root.set("images", images);
        root.set("annotations", anns);
        Path f = dir.resolve("annotations.json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return f;
    }

    /** The results of a results file by image id, each as its JSON. */
    static Map<Long, List<JsonNode>> byImage(Path results) throws IOException {
        Map<Long, List<JsonNode>> m = new LinkedHashMap<>();
        for (JsonNode r : JSON.readTree(results.toFile()))
            m.computeIfAbsent(r.get("image_id").asLong(), k -> new ArrayList<>())
                    .add(r);
        return m;
    }

    @Test
    void promptReviewSaveReopenRunOnTheUnreviewedFineTuneAndRunAgain(@TempDir Path tmp, FxRobot robot)
            throws Exception {
        Path dataset = copySample(Files.createDirectories(tmp.resolve("sample")));
        Path seed = TestModels.randomCheckpoint(
                new dev.masklab.app.document.DatasetService()
                        .load(dataset, n -> {})
                        .coco(),
                Architecture.MASKRCNN_RESNET50_FPN,
                tmp.resolve("seed.masklab"));
        open(dataset);
        List<Long> all = vm.navigation().images().stream().map(ImageEntry::id).toList();
        assertEquals(IMAGES, all.size());
        Path predictions = PredictionService.defaultOutput(vm.getDataset());
        fx(() -> vm.predictions().scoreThresholdProperty().set(0));

        // the seed model on the first image: it is loaded (warm) and its predictions shown
        long first = all.getFirst();
        run(new PredictionService.Request(
                seed, null, 0.05f, PredictionService.DeviceChoice.CPU, false, List.of(first), predictions));
        WarmModel warm = view.modelLoop().model();
        assertEquals(seed.toAbsolutePath(), warm.spec().orElseThrow().weights());
        int loads = warm.loads();
        List<Instance> seedPredictions =
                vm.predictions().predictionsProperty().get().forImage(first);
        assertTrue(seedPredictions.size() >= 2, "the seed model predicts on the sample");

        // box prompt -> a pending prediction, selected; Enter accepts its mask as an annotation
        int gt = vm.shown().shownGroundTruthProperty().get().size();
        assertTrue(fxGet(() -> vm.prompts().promptBox(60, 40, 200, 180)));
        waitUntil(
                120,
                () -> vm.selection().selectedProperty().get() != null
                        && vm.selection().selectedProperty().get().prediction()
                        && vm.predictions()
                                        .predictionsProperty()
                                        .get()
                                        .forImage(first)
                                        .size()
                                == seedPredictions.size() + 1);
        Instance prompted = vm.selection().selectedProperty().get();
        shoot("loop-1-box-prompt.png");
        assertTrue(prompted.mask() != null, "a Mask R-CNN answers with a mask");
        assertTrue(fxGet(vm.review()::acceptSelected));
        assertEquals(gt + 1, vm.shown().shownGroundTruthProperty().get().size());
        long acceptedId = vm.shown().shownGroundTruthProperty().get().getLast().id();
        // Delete rejects another prediction
        Instance rejected = vm.shown().shownPredictionsProperty().get().getFirst();
        fx(() -> vm.selection().selectedProperty().set(rejected));
        assertTrue(fxGet(vm.edits()::deleteSelected));
        assertFalse(vm.shown().shownPredictionsProperty().get().contains(rejected));
        // the first three images marked done: what is labelled (the first with its key, Ctrl+Enter)
        show(0);
        robot.push(KeyCode.SHORTCUT, KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.editor().review().isDone(first), vm.messageProperty().get());
        for (int i = 1; i < 3; i++) {
            show(i);
            fx(view.modelLoop()::toggleDone);
        }
        assertEquals(Set.of(all.get(0), all.get(1), all.get(2)), fxGet(view.modelLoop()::complete));

        // save: the annotation in the dataset file, the decisions and done images beside it
        fxGet(view.files()::save).get(60, TimeUnit.SECONDS);
        waitUntil(30, () -> !vm.document().dirtyProperty().get());
        JsonNode saved = JSON.readTree(dataset.toFile());
        assertTrue(
                saved.get("annotations").findValues("id").stream().anyMatch(n -> n.asLong() == acceptedId),
                "the accepted mask is an annotation of the file");
        Path reviewFile = ReviewState.fileFor(dataset);
        ReviewState onDisk = ReviewState.read(reviewFile);
        assertEquals(2, onDisk.size());
        assertEquals(
                ReviewState.Status.ACCEPTED,
                onDisk.decision(prompted.key()).orElseThrow().status());
        assertEquals(acceptedId, onDisk.decision(prompted.key()).orElseThrow().annotationId());
        assertEquals(
                ReviewState.Status.REJECTED,
                onDisk.decision(rejected.key()).orElseThrow().status());
        assertEquals(Set.of(all.get(0), all.get(1), all.get(2)), onDisk.doneImages());

        // reopen, load the predictions again: decisions restored, the rejected one not offered again
        open(dataset);
        fx(() -> vm.predictions().scoreThresholdProperty().set(0));
        assertEquals(2, vm.editor().review().size());
        assertEquals(onDisk.doneImages(), vm.editor().review().doneImages());
        fxGet(() -> view.files().openPredictions(predictions)).get(60, TimeUnit.SECONDS);
        waitUntil(30, () -> vm.predictions().predictionsProperty().get() != null);
        show(0);
        List<Instance> shown = vm.shown().shownPredictionsProperty().get();
        assertEquals(seedPredictions.size() - 1, shown.size(), "every prediction but the rejected one");
        assertTrue(shown.stream().noneMatch(p -> p.key().equals(rejected.key())), "nothing pending twice");
        assertEquals(
                "1 of " + seedPredictions.size() + " reviewed",
                vm.review().reviewProgressProperty().get());

        // Run model on the images not yet reviewed: the dialog's choice, merged into the loaded predictions
        List<Long> unreviewed = all.subList(3, all.size());
        Map<RunSubset, List<Long>> subsets = fxGet(view.modelLoop()::subsets);
        assertEquals(unreviewed, subsets.get(RunSubset.NOT_REVIEWED));
        RunModelDialog dialog = fxGet(() -> new RunModelDialog(
                null,
                dialogs,
                vm.getDataset(),
                vm.navigation().getCurrentImage(),
                null,
                subsets,
                view.modelLoop().loadedPredictions()));
        DialogPane pane = dialog.getDialogPane();
        fx(() -> ((TextField) pane.lookup("#runWeights")).setText(seed.toString()));
        fx(() -> ((RadioButton) pane.lookup("#runSubsetNOT_REVIEWED")).setSelected(true));
        ButtonType runType = pane.getButtonTypes().getFirst();
        PredictionService.Request asked =
                fxGet(() -> dialog.getResultConverter().call(runType));
        assertEquals(unreviewed, asked.imageIds());
        assertEquals(predictions.toAbsolutePath(), asked.output().toAbsolutePath(), "joins the loaded predictions");
        List<JsonNode> firstBefore = byImage(predictions).get(first);
        run(new PredictionService.Request(
                seed, null, 0.05f, PredictionService.DeviceChoice.CPU, false, asked.imageIds(), asked.output()));
        assertEquals(loads, warm.loads(), "the loaded model ran: nothing loaded again");
        Map<Long, List<JsonNode>> afterSubset = byImage(predictions);
        Set<Long> expectedIds = new TreeSet<>(unreviewed);
        expectedIds.add(first);
        assertEquals(expectedIds, new TreeSet<>(afterSubset.keySet()), "images 2 and 3 were not run");
        assertEquals(firstBefore, afterSubset.get(first), "the first image's predictions kept as they were");
        assertEquals(2, vm.editor().review().size(), "decisions undisturbed");
        assertEquals(
                seedPredictions.size() - 1,
                vm.shown().shownPredictionsProperty().get().size());

        // Fine-tune on what is labelled: small preset, 3 iterations
        dialogs.choice = (header, choices) -> header.contains("preset") ? choices.indexOf("small") : -1;
        dialogs.text = header -> header.contains("iterations") ? "3" : null;
        Task<TrainingService.Outcome> training = fxGet(view.modelLoop()::fineTuneOnLabelled);
        assertNotNull(training, dialogs.errors.toString());
        Path runDir;
        try (Stream<Path> runs = Files.list(dataset.resolveSibling("runs"))) {
            List<Path> made = runs.toList();
            assertEquals(1, made.size(), made.toString());
            runDir = made.getFirst();
        }
        assertTrue(runDir.getFileName().toString().startsWith("annotations-finetune-"), runDir.toString());
        JsonNode train = JSON.readTree(runDir.resolve("train.json").toFile());
        JsonNode val = JSON.readTree(runDir.resolve("val.json").toFile());
        Set<Long> split = new TreeSet<>();
        train.get("images").forEach(i -> split.add(i.get("id").asLong()));
        assertEquals(2, split.size(), "two images to train on");
        val.get("images").forEach(i -> split.add(i.get("id").asLong()));
        assertEquals(new TreeSet<>(List.of(all.get(0), all.get(1), all.get(2))), split, "one held out");
        assertTrue(
                train.get("annotations").findValues("id").stream().anyMatch(n -> n.asLong() == acceptedId)
                        || val.get("annotations").findValues("id").stream().anyMatch(n -> n.asLong() == acceptedId),
                "the accepted mask is trained or validated on");
        waitUntil(
                600,
                () -> training.isDone()
                        && !view.trainingView().viewModel().runningProperty().get());
        TrainingService.Outcome o = training.get();
        assertTrue(
                o.result().completed(),
                view.trainingView().viewModel().statusProperty().get());
        assertEquals(3, view.trainingView().viewModel().iterations().size(), "the live plot's iterations");
        assertEquals(runDir.resolve("model.masklab"), o.model());
        shoot("loop-2-fine-tuned.png");

        // the trained model replaces the seed and runs on the images not yet reviewed
        waitUntil(60, () -> view.modelLoop().rerun() != null);
        PredictionService.Outcome rerun = view.modelLoop().rerun().get(300, TimeUnit.SECONDS);
        waitUntil(30, () -> !view.modelRuns().predictingProperty().get());
        assertEquals(o.model().toAbsolutePath(), warm.spec().orElseThrow().weights(), "model replaced");
        assertEquals(loads + 1, warm.loads());
        assertNotEquals(seed.getFileName().toString(), warm.info().orElseThrow().name());
        assertEquals(unreviewed.size(), rerun.imagesRequested());
        assertTrue(rerun.merged());
        Map<Long, List<JsonNode>> afterLoop = byImage(predictions);
        assertEquals(expectedIds, new TreeSet<>(afterLoop.keySet()));
        assertEquals(firstBefore, afterLoop.get(first), "the reviewed image's predictions untouched");
        assertNotEquals(
                afterSubset.get(unreviewed.getFirst()), afterLoop.get(unreviewed.getFirst()), "predicted again");
        assertEquals(2, vm.editor().review().size(), "decisions undisturbed");
        fx(() -> view.centerTabs().getSelectionModel().select(0));
        show(all.indexOf(unreviewed.getFirst()));
        shoot("loop-3-predicted-again.png");
    }
}
