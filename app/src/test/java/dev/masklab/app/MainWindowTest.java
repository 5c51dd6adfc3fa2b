package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.canvas.ImageCanvas;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.inspector.InstanceDetails;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.prediction.PredictionService;
import dev.masklab.app.prediction.RunModelDialog;
import dev.masklab.app.prediction.ViewMode;
import dev.masklab.app.service.TestModels;
import dev.masklab.app.training.TrainingService;
import dev.masklab.app.training.TrainingViewModel;
import dev.masklab.model.Architecture;
import dev.masklab.testing.SharedData;
import dev.masklab.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextField;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
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
 * The main window on the shared COCO person set (4 images, 14 people with polygons and keypoints) and the VOC set,
 * headless (Monocle, software rendering). Asserts view-model state and the canvas's rendered pixels.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path VOC = SHARED.resolve("data/labelme-voc/annotations.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");

    private MainViewModel vm;
    private MainView view;
    private dev.masklab.app.dialog.ScriptedDialogs dialogs;

    @Start
    void start(Stage stage) {
        TestWindow w = TestWindow.create();
        dialogs = w.dialogs();
        vm = w.vm();
        view = w.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1400);
        stage.setHeight(860);
        stage.show();
    }

    // ---- helpers ----

    static void waitUntil(Callable<Boolean> c) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, c);
        } catch (Exception e) {
            throw new AssertionError("condition not reached in 20 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Opens {@code json}, a shared dataset as a working copy (edits journal beside the file); returns the file. */
    Path open(Path json) {
        Path file = SharedData.isShared(json) ? SharedData.workingCopy(json) : json;
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(file));
        waitUntil(() -> vm.getDataset() != null && vm.getDataset().jsonFile().equals(file.toAbsolutePath()));
        waitRendered(view.mainCanvas());
        return file;
    }

    void waitRendered(ImageCanvas c) {
        waitUntil(() -> c.renderedEntryProperty().get() != null
                && c.renderedEntryProperty().get() == vm.navigation().getCurrentImage());
    }

    void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    static WritableImage snapshot(Canvas c) {
        WritableImage[] out = new WritableImage[1];
        WaitForAsyncUtils.asyncFx(() -> out[0] = c.snapshot(null, null));
        WaitForAsyncUtils.waitForFxEvents();
        return out[0];
    }

    /** Only layer shown: masks (fill), at 100% zoom so one image pixel is one screen pixel. */
    void masksOnlyAtActualSize(double opacity) {
        fx(() -> {
            vm.layers().masksProperty().set(true);
            vm.layers().outlinesProperty().set(false);
            vm.layers().boxesProperty().set(false);
            vm.layers().labelsProperty().set(false);
            vm.layers().keypointsProperty().set(false);
            vm.layers().opacityProperty().set(opacity);
            view.viewport().actualSize();
        });
    }

    /** A pixel (x, y) inside {@code target}'s mask and in no other instance's mask, 3 pixels from its edge. */
    static int[] interiorPixel(ImageEntry e, Instance target, List<Instance> others) {
        int w = e.width(), h = e.height();
        byte[] m = target.mask().decode(h, w);
        byte[] any = new byte[w * h];
        for (Instance o : others) {
            if (o == target || o.mask() == null) continue;
            byte[] om = o.mask().decode(h, w);
            for (int i = 0; i < om.length; i++) any[i] |= om[i];
        }
        int[] best = null;
        for (int y = 3; y < h - 3; y++)
            for (int x = 3; x < w - 3; x++) {
                boolean ok = true;
                for (int dy = -3; dy <= 3 && ok; dy++)
                    for (int dx = -3; dx <= 3 && ok; dx++) {
                        int i = (y + dy) * w + x + dx;
                        ok = m[i] != 0 && any[i] == 0;
                    }
                if (ok) {
                    best = new int[] {x, y};
                    // prefer the middle of the mask's rows
                    if (y > target.bbox()[1] + target.bbox()[3] / 3) return best;
                }
            }
        assertNotNull(best, "no interior pixel for instance " + target.id());
        return best;
    }

    static int blend(int color, int under, double a) {
        return (int) Math.round(color * a + under * (1 - a));
    }

    static void assertColor(int expectedRgb, int argb, int tol, String what) {
        int[] e = {(expectedRgb >> 16) & 255, (expectedRgb >> 8) & 255, expectedRgb & 255};
        int[] a = {(argb >> 16) & 255, (argb >> 8) & 255, argb & 255};
        for (int i = 0; i < 3; i++)
            assertTrue(
                    Math.abs(e[i] - a[i]) <= tol,
                    what + String.format(": expected #%06X, got #%06X", expectedRgb & 0xFFFFFF, argb & 0xFFFFFF));
    }

    /** The image pixel under the mask overlay blended at {@code opacity} with the instance's color. */
    int expectedBlend(Instance inst, Image image, int x, int y, double opacity) {
        int c = vm.categories().colorOf(inst);
        int under = image.getPixelReader().getArgb(x, y);
        return (blend((c >> 16) & 255, (under >> 16) & 255, opacity) << 16)
                | (blend((c >> 8) & 255, (under >> 8) & 255, opacity) << 8)
                | blend(c & 255, under & 255, opacity);
    }

    int screenX(double ix) {
        return (int) Math.floor(view.viewport().toScreenX(ix));
    }

    int screenY(double iy) {
        return (int) Math.floor(view.viewport().toScreenY(iy));
    }

    // ---- tests ----

    @Test
    void opensDatasetAndDrawsMaskBlendedAtChosenOpacity() {
        open(PERSON);
        assertEquals(4, vm.navigation().images().size());
        assertEquals(1, vm.categories().rows().size());
        assertEquals(14, vm.categories().rows().getFirst().count());
        ImageEntry e = vm.navigation().getCurrentImage();
        assertEquals(785L, e.id());
        assertTrue(view.mainCanvas().error() == null, view.mainCanvas().error());

        for (double opacity : new double[] {0.5, 0.8}) {
            masksOnlyAtActualSize(opacity);
            List<Instance> shown = vm.shown().shownGroundTruthProperty().get();
            Instance target = shown.getFirst();
            int[] p = interiorPixel(e, target, shown);
            PixelReader snap = snapshot(view.mainCanvas().canvas()).getPixelReader();
            int got = snap.getArgb(screenX(p[0]), screenY(p[1]));
            assertColor(
                    expectedBlend(target, view.mainCanvas().image(), p[0], p[1], opacity),
                    got,
                    3,
                    "mask pixel at opacity " + opacity);
        }
    }

    @Test
    void keyboardMovesBetweenImagesAndTogglesLayers() {
        open(PERSON);
        FxRobot robot = new FxRobot();
        robot.clickOn(view.mainCanvas());
        robot.type(KeyCode.RIGHT);
        assertEquals(1, vm.navigation().currentIndex());
        robot.type(KeyCode.D);
        assertEquals(2, vm.navigation().currentIndex());
        robot.type(KeyCode.A);
        assertEquals(1, vm.navigation().currentIndex());
        robot.type(KeyCode.LEFT);
        robot.type(KeyCode.LEFT); // at the first image: stays
        assertEquals(0, vm.navigation().currentIndex());
        waitRendered(view.mainCanvas());

        masksOnlyAtActualSize(0.6);
        ImageEntry e = vm.navigation().getCurrentImage();
        List<Instance> shown = vm.shown().shownGroundTruthProperty().get();
        int[] p = interiorPixel(e, shown.getFirst(), shown);
        int sx = screenX(p[0]), sy = screenY(p[1]);
        int raw = view.mainCanvas().image().getPixelReader().getArgb(p[0], p[1]);

        robot.type(KeyCode.M);
        assertFalse(vm.layers().masksProperty().get());
        assertColor(
                raw,
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(sx, sy),
                2,
                "masks off: image pixel");
        robot.type(KeyCode.M);
        assertTrue(vm.layers().masksProperty().get());
        assertColor(
                expectedBlend(shown.getFirst(), view.mainCanvas().image(), p[0], p[1], 0.6),
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(sx, sy),
                3,
                "masks on again");

        robot.type(KeyCode.B);
        assertTrue(vm.layers().boxesProperty().get());
        robot.type(KeyCode.L);
        assertTrue(vm.layers().labelsProperty().get());
        robot.type(KeyCode.K);
        assertTrue(vm.layers().keypointsProperty().get());
        robot.type(KeyCode.DIGIT0);
        assertTrue(view.viewport().isFitting());
        double fitZoom = view.viewport().zoom();
        robot.type(KeyCode.ADD);
        assertEquals(fitZoom * 1.25, view.viewport().zoom(), 1e-9);
        robot.type(KeyCode.DIGIT1);
        assertEquals(1.0, view.viewport().zoom(), 1e-9);
    }

    @Test
    void keypointsDrawnInInstanceColorAndHiddenWhenToggledOff() {
        open(PERSON);
        fx(() -> {
            vm.layers().masksProperty().set(false);
            vm.layers().outlinesProperty().set(false);
            vm.layers().boxesProperty().set(false);
            vm.layers().labelsProperty().set(false);
            vm.layers().keypointsProperty().set(true);
            view.viewport().actualSize();
        });
        // image 785 has one person: its nose (visibility 2) at (367, 81)
        Instance person = vm.shown().shownGroundTruthProperty().get().getFirst();
        double[] k = person.keypoints();
        assertEquals(2.0, k[2]);
        int sx = screenX(k[0]), sy = screenY(k[1]);
        assertColor(
                vm.categories().colorOf(person),
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(sx, sy),
                2,
                "visible keypoint");
        fx(() -> vm.layers().keypointsProperty().set(false));
        int raw = view.mainCanvas().image().getPixelReader().getArgb((int) k[0], (int) k[1]);
        assertColor(raw, snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(sx, sy), 2, "keypoints off");
    }

    @Test
    void clickSelectsInstanceAndInspectorShowsIt() {
        open(PERSON);
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().get(3))); // 197388: several people
        waitRendered(view.mainCanvas());
        masksOnlyAtActualSize(0.5);
        List<Instance> shown = vm.shown().shownGroundTruthProperty().get();
        assertTrue(shown.size() > 1);
        Instance target = shown.get(1);
        int[] p = interiorPixel(vm.navigation().getCurrentImage(), target, shown);
        Point2D screen = view.mainCanvas()
                .canvas()
                .localToScreen(
                        view.viewport().toScreenX(p[0] + 0.5), view.viewport().toScreenY(p[1] + 0.5));
        new FxRobot().moveTo(screen).clickOn(screen);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(target, vm.selection().selectedProperty().get());
        assertEquals(target, vm.selection().hoveredProperty().get());
        List<InstanceDetails.Row> rows = view.inspector().table().getItems();
        assertTrue(rows.contains(new InstanceDetails.Row("id", Long.toString(target.id()))), rows.toString());
        assertTrue(rows.contains(new InstanceDetails.Row("category", "person (1)")), rows.toString());
    }

    @Test
    void filtersVocImagesByCategoriesWithPerCategoryColors() throws Exception {
        open(VOC);
        JsonNode root = new ObjectMapper().readTree(VOC.toFile());
        assertEquals(root.get("categories").size(), vm.categories().rows().size());
        assertEquals(3, vm.navigation().filteredImages().size());
        // choose the categories of the first two annotations; expected: images having any of them
        Set<Integer> chosen = new HashSet<>();
        chosen.add(root.get("annotations").get(0).get("category_id").asInt());
        chosen.add(root.get("annotations")
                .get(root.get("annotations").size() - 1)
                .get("category_id")
                .asInt());
        Set<Long> expected = new HashSet<>();
        for (JsonNode a : root.get("annotations"))
            if (chosen.contains(a.get("category_id").asInt()))
                expected.add(a.get("image_id").asLong());
        fx(() -> {
            for (CategoryRow r : vm.categories().rows())
                if (chosen.contains(r.id()))
                    view.browser().categoryFilter().getCheckModel().check(r);
        });
        assertEquals(chosen, vm.navigation().filter().categories());
        assertEquals(
                expected,
                new HashSet<>(vm.navigation().filteredImages().stream()
                        .map(ImageEntry::id)
                        .toList()));
        fx(() -> view.browser().categoryFilter().getCheckModel().clearChecks());
        assertEquals(3, vm.navigation().filteredImages().size());
        fx(() -> vm.navigation().filter().unannotatedOnlyProperty().set(true));
        assertEquals(0, vm.navigation().filteredImages().size());
        fx(() -> vm.navigation().filter().clear());

        // per-category colors: a mask pixel of the first shown instance carries its category's palette color
        fx(() -> vm.layers().colorModeProperty().set(dev.masklab.app.canvas.LayerSettings.ColorMode.CATEGORY));
        masksOnlyAtActualSize(0.5);
        List<Instance> shown = vm.shown().shownGroundTruthProperty().get();
        Instance target = shown.getFirst();
        assertEquals(
                vm.categories().category(target.categoryId()).rgb(),
                vm.categories().colorOf(target));
        int[] p = interiorPixel(vm.navigation().getCurrentImage(), target, shown);
        assertColor(
                expectedBlend(target, view.mainCanvas().image(), p[0], p[1], 0.5),
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(screenX(p[0]), screenY(p[1])),
                3,
                "category-colored mask");

        // hiding the category removes its instances from the canvas
        fx(() -> vm.categories().category(target.categoryId()).visibleProperty().set(false));
        assertFalse(vm.shown().shownGroundTruthProperty().get().contains(target));
        int raw = view.mainCanvas().image().getPixelReader().getArgb(p[0], p[1]);
        assertColor(
                raw,
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(screenX(p[0]), screenY(p[1])),
                2,
                "hidden category");
    }

    @Test
    void predictionsSideBySideFollowTheScoreThreshold() throws Exception {
        open(PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(DETECTIONS));
        waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        assertEquals(ViewMode.SIDE_BY_SIDE, vm.predictions().viewModeProperty().get());
        waitRendered(view.predictionCanvas());
        waitUntil(() -> view.predictionCanvas().getWidth() > 100);

        JsonNode dets = new ObjectMapper().readTree(DETECTIONS.toFile());
        assertEquals(dets.size(), vm.predictions().predictionsProperty().get().total());
        long imageId = vm.navigation().getCurrentImage().id();
        for (double t : new double[] {0.0, 0.3, 0.6, 0.9}) {
            fx(() -> vm.predictions().scoreThresholdProperty().set(t));
            long expected = 0;
            for (JsonNode d : dets)
                if (d.get("image_id").asLong() == imageId && d.get("score").asDouble() >= t) expected++;
            assertEquals(expected, vm.shown().shownPredictionsProperty().get().size(), "predictions at threshold " + t);
            for (Instance p : vm.shown().shownPredictionsProperty().get()) assertTrue(p.score() >= t && p.prediction());
        }

        // pixels: at threshold 0 the best prediction's mask is drawn on the prediction canvas, above its score it is
        // not
        fx(() -> vm.predictions().scoreThresholdProperty().set(0));
        masksOnlyAtActualSize(0.5);
        List<Instance> shown = vm.shown().shownPredictionsProperty().get();
        Instance best = shown.getFirst();
        int[] p = interiorPixel(vm.navigation().getCurrentImage(), best, shown);
        ImageCanvas pc = view.predictionCanvas();
        int sx = screenX(p[0]), sy = screenY(p[1]);
        assertTrue(sx >= 0 && sx < pc.getWidth(), "pixel on screen");
        assertColor(
                expectedBlend(best, pc.image(), p[0], p[1], 0.5),
                snapshot(pc.canvas()).getPixelReader().getArgb(sx, sy),
                3,
                "prediction mask");
        fx(() -> vm.predictions().scoreThresholdProperty().set(Math.nextUp(best.score())));
        assertFalse(vm.shown().shownPredictionsProperty().get().contains(best));
        assertColor(
                pc.image().getPixelReader().getArgb(p[0], p[1]),
                snapshot(pc.canvas()).getPixelReader().getArgb(sx, sy),
                2,
                "below threshold: image pixel");
    }

    @Test
    void runModelShowsTheWrittenPredictionsAndStoppingKeepsWhatIsShown(@TempDir Path tmp) throws Exception {
        Path sample = Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");
        open(sample);
        Path model = TestModels.randomCheckpoint(
                vm.getDataset().coco(), Architecture.MASKRCNN_RESNET50_FPN, tmp.resolve("model.masklab"));
        // the dialog: Run needs an existing weights file; a MaskLab checkpoint names its own architecture
        RunModelDialog[] dialog = new RunModelDialog[1];
        fx(() -> dialog[0] = new RunModelDialog(
                null,
                dialogs,
                vm.getDataset(),
                vm.navigation().getCurrentImage(),
                null,
                view.modelLoop().subsets(),
                null));
        DialogPane pane = dialog[0].getDialogPane();
        ButtonType runType = pane.getButtonTypes().getFirst();
        TextField weights = (TextField) pane.lookup("#runWeights");
        fx(() -> weights.setText(tmp.resolve("absent.pth").toString()));
        assertTrue(pane.lookupButton(runType).isDisabled());
        fx(() -> weights.setText(model.toString()));
        assertFalse(pane.lookupButton(runType).isDisabled());
        PredictionService.Request[] asked = new PredictionService.Request[1];
        fx(() -> asked[0] = dialog[0].getResultConverter().call(runType));
        assertEquals(model, asked[0].weights());
        assertNull(asked[0].arch(), "architecture from the checkpoint");
        assertNull(asked[0].imageIds(), "all images by default");
        assertEquals(PredictionService.defaultOutput(vm.getDataset()), asked[0].output());
        assertEquals(0.05f, asked[0].scoreThreshold(), 1e-6);
        // a threshold typed without Enter is the one used; text that is no number keeps the last value
        javafx.scene.control.Spinner<?> threshold = (javafx.scene.control.Spinner<?>) pane.lookup("#runThreshold");
        fx(() -> threshold.getEditor().setText("0.3"));
        fx(() -> asked[0] = dialog[0].getResultConverter().call(runType));
        assertEquals(0.3f, asked[0].scoreThreshold(), 1e-6);
        fx(() -> threshold.getEditor().setText("high"));
        fx(() -> asked[0] = dialog[0].getResultConverter().call(runType));
        assertEquals(0.3f, asked[0].scoreThreshold(), 1e-6);

        Path out = tmp.resolve("predictions.json");
        long imageId = vm.navigation().getCurrentImage().id();
        fx(() -> view.modelRuns()
                .runModel(new PredictionService.Request(
                        model, null, 0f, PredictionService.DeviceChoice.CPU, false, List.of(imageId), out)));
        assertTrue(view.modelRuns().predictingProperty().get(), "running");
        Node stop = view.lookup("#stopPrediction");
        assertTrue(stop.isVisible(), "Stop shown while the model runs");
        assertTrue(view.lookup("#runModelButton").isDisabled(), "one run at a time");
        try {
            WaitForAsyncUtils.waitFor(
                    120,
                    TimeUnit.SECONDS,
                    () -> !view.modelRuns().predictingProperty().get());
        } catch (Exception e) {
            throw new AssertionError("model run did not end in 120 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
        var ps = vm.predictions().predictionsProperty().get();
        assertNotNull(ps, vm.messageProperty().get());
        assertEquals(out.toAbsolutePath(), ps.file());
        JsonNode written = new ObjectMapper().readTree(out.toFile());
        assertTrue(written.size() > 0);
        assertEquals(written.size(), ps.total());
        assertEquals(written.size(), ps.forImage(imageId).size(), "only the current image was run");
        assertTrue(
                vm.messageProperty().get().startsWith(written.size() + " predictions in 1 of 1 images"),
                vm.messageProperty().get());
        assertFalse(stop.isVisible());
        assertEquals(ViewMode.SIDE_BY_SIDE, vm.predictions().viewModeProperty().get());
        fx(() -> vm.predictions().scoreThresholdProperty().set(0));
        assertEquals(written.size(), vm.shown().shownPredictionsProperty().get().size());

        // a run stopped before its first image writes nothing and leaves the shown predictions as they were (the
        // model is unloaded first: a warm model would reach the first image before the Stop below is pressed)
        Path out2 = tmp.resolve("stopped.json");
        fx(() -> {
            view.modelRuns().unloadModel();
            view.modelRuns()
                    .runModel(new PredictionService.Request(
                            model, null, 0f, PredictionService.DeviceChoice.CPU, false, null, out2));
            view.modelRuns().stopPrediction();
        });
        try {
            WaitForAsyncUtils.waitFor(
                    120,
                    TimeUnit.SECONDS,
                    () -> !view.modelRuns().predictingProperty().get());
        } catch (Exception e) {
            throw new AssertionError("stopped run did not end in 120 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(
                "Stopped before the first image: nothing written",
                vm.messageProperty().get());
        assertFalse(Files.exists(out2));
        assertEquals(ps, vm.predictions().predictionsProperty().get());
    }

    @Test
    void quittingDuringTrainingAsksThenStopsWithACheckpointAndQuits(@TempDir Path tmp) throws Exception {
        AtomicInteger quits = new AtomicInteger();
        boolean[] may = new boolean[1];
        fx(() -> may[0] = view.mayClose(quits::incrementAndGet));
        assertTrue(may[0], "nothing runs: the window closes at once");
        TrainingViewModel tvm = view.trainingView().viewModel();
        Path run = tmp.resolve("run");
        TrainingService.Settings longRun = new TrainingService.Settings(
                TrainingViewTest.SAMPLE,
                null,
                Architecture.MASKRCNN_RESNET50_FPN,
                null,
                run,
                200,
                TrainingViewTest.TINY,
                0,
                0,
                false);
        fx(() -> view.trainingView().start(longRun));
        TrainingViewTest.waitUntil(
                300, () -> !tvm.iterations().isEmpty() || !tvm.runningProperty().get());
        assertTrue(tvm.runningProperty().get(), tvm.statusProperty().get() + " " + tvm.log());
        assertEquals("a training run", view.runningWork());

        List<String> asked = new java.util.ArrayList<>();
        fx(() -> {
            dialogs.quit = (work -> { // the user answers Cancel
                asked.add(work);
                return false;
            });
            may[0] = view.mayClose(quits::incrementAndGet);
        });
        assertFalse(may[0]);
        assertEquals(List.of("a training run"), asked);
        assertTrue(tvm.runningProperty().get(), "Cancel leaves the run going");

        fx(() -> {
            dialogs.quit = (work -> true); // Stop and quit
            may[0] = view.mayClose(quits::incrementAndGet);
        });
        assertFalse(may[0], "the window stays until the run has stopped");
        TrainingViewTest.waitUntil(300, () -> quits.get() > 0);
        assertFalse(tvm.runningProperty().get());
        assertEquals(1, quits.get());
        assertTrue(
                tvm.statusProperty().get().startsWith("Stopped at iteration"),
                tvm.statusProperty().get());
        assertNotNull(TrainingCheckpoint.latest(run.resolve("checkpoints")), "a checkpoint to resume from");
        assertTrue(
                vm.messageProperty().get().startsWith("Stopping a training run before quitting"),
                vm.messageProperty().get());
    }

    @Test
    void reviewWithKeysDragABoxCornerUndoAndSave(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        open(file);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(DETECTIONS));
        waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        fx(() -> {
            vm.predictions().viewModeProperty().set(ViewMode.OVERLAY);
            vm.predictions().scoreThresholdProperty().set(0);
            vm.navigation().currentImageProperty().set(vm.navigation().images().get(2)); // 196141: 9 predictions
        });
        waitRendered(view.mainCanvas());
        int gt = vm.shown().shownGroundTruthProperty().get().size();
        List<Instance> preds = vm.shown().shownPredictionsProperty().get();
        FxRobot robot = new FxRobot();

        // Enter accepts the selected prediction, Delete rejects the next one
        fx(() -> {
            vm.selection().selectedProperty().set(preds.get(0));
            view.mainCanvas().requestFocus();
        });
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(gt + 1, vm.shown().shownGroundTruthProperty().get().size());
        assertEquals(preds.get(1), vm.selection().selectedProperty().get());
        robot.type(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(
                preds.size() - 2, vm.shown().shownPredictionsProperty().get().size());
        assertFalse(view.lookup("#saveButton").isDisabled(), "unsaved edits can be saved");
        waitRendered(view.mainCanvas());

        // drag the accepted annotation's bottom-right box corner
        Instance accepted = vm.shown().shownGroundTruthProperty().get().getLast();
        fx(() -> vm.selection().selectedProperty().set(accepted));
        double[] b = accepted.bbox();
        double z = view.viewport().zoom();
        Point2D from = view.mainCanvas()
                .canvas()
                .localToScreen(
                        view.viewport().toScreenX(b[0] + b[2]), view.viewport().toScreenY(b[1] + b[3]));
        robot.drag(from, javafx.scene.input.MouseButton.PRIMARY)
                .moveBy(10, 5)
                .moveBy(10, 10)
                .release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        Instance moved = vm.selection().selectedProperty().get();
        assertEquals(accepted.id(), moved.id(), "the edited annotation stays selected");
        // the mask is scaled with its box (#20: box and mask never disagree), so both sit on whole pixels
        assertEquals(b[0], moved.bbox()[0], 1.0, "the opposite corner stays");
        assertEquals(b[1], moved.bbox()[1], 1.0);
        assertEquals(b[2] + 20 / z, moved.bbox()[2], 1.0 + 1.5 / z, "width grows by the drag");
        assertEquals(b[3] + 15 / z, moved.bbox()[3], 1.0 + 1.5 / z);
        assertTrue(moved.area() > accepted.area(), "the mask grows with its box");
        assertTrue(
                vm.document().undoLabelProperty().get().startsWith("Move box"),
                vm.document().undoLabelProperty().get());

        // Ctrl+Z takes the drag back, Ctrl+S saves (the original kept as .bak)
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(
                java.util.Arrays.equals(
                        b, vm.selection().selectedProperty().get().bbox()),
                "undone");
        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        waitUntil(() -> !vm.document().dirtyProperty().get()
                && !vm.document().savingProperty().get());
        JsonNode saved = new ObjectMapper().readTree(file.toFile());
        JsonNode orig = new ObjectMapper().readTree(PERSON.toFile());
        assertEquals(
                orig.get("annotations").size() + 1, saved.get("annotations").size());
        JsonNode last = saved.get("annotations").get(saved.get("annotations").size() - 1);
        assertEquals(accepted.id(), last.get("id").asLong());
        assertEquals(b[2], last.get("bbox").get(2).asDouble(), 1e-9);
        assertEquals(
                orig, new ObjectMapper().readTree(tmp.resolve("person.json.bak").toFile()));

        // unsaved edits: quitting asks; Cancel keeps them, Don't save lets go
        fx(() -> vm.edits().deleteSelected());
        assertTrue(vm.document().dirtyProperty().get());
        List<String> asked = new java.util.ArrayList<>();
        fx(() -> dialogs.unsaved = (what -> {
            asked.add(what);
            return dev.masklab.app.dialog.DialogService.UnsavedChoice.CANCEL;
        }));
        boolean[] may = new boolean[1];
        fx(() -> may[0] = view.mayClose(() -> {}));
        assertFalse(may[0]);
        assertEquals(List.of("quitting"), asked);
        assertTrue(vm.document().dirtyProperty().get());
        fx(() -> dialogs.unsaved = (what -> dev.masklab.app.dialog.DialogService.UnsavedChoice.DISCARD));
        fx(() -> may[0] = view.mayClose(() -> {}));
        assertTrue(may[0]);
        assertEquals(saved, new ObjectMapper().readTree(file.toFile()), "discarding leaves the file as saved");
    }

    @Test
    void drawBoxPolygonAndBrushStrokeWithTheToolsThenUndo(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        open(file);
        ImageCanvas c = view.mainCanvas();
        int gt = vm.shown().shownGroundTruthProperty().get().size();
        int count0 = vm.categories().category(1).count();
        FxRobot robot = new FxRobot();
        java.util.function.BiFunction<Double, Double, Point2D> at = (ix, iy) -> c.canvas()
                .localToScreen(view.viewport().toScreenX(ix), view.viewport().toScreenY(iy));
        double z = view.viewport().zoom();
        fx(c::requestFocus);

        // R, drag: a box, stored as its 4-corner polygon
        robot.type(KeyCode.R);
        assertEquals(ToolKind.BOX, vm.tools().toolProperty().get());
        robot.drag(at.apply(100.0, 100.0), javafx.scene.input.MouseButton.PRIMARY)
                .moveTo(at.apply(150.0, 130.0))
                .moveTo(at.apply(200.0, 160.0))
                .release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(gt + 1, vm.shown().shownGroundTruthProperty().get().size());
        Instance box = vm.selection().selectedProperty().get();
        assertEquals("polygon", box.maskKind());
        assertEquals(100, box.bbox()[0], 1 / z + 1e-9);
        assertEquals(100, box.bbox()[2], 2 / z + 1e-9);
        assertEquals(60, box.bbox()[3], 2 / z + 1e-9);
        assertEquals(box.bbox()[2] * box.bbox()[3], box.area(), box.bbox()[2] + box.bbox()[3] + 1);

        // Esc (select tool, nothing selected), a click selects the box, a drag inside it moves it whole
        robot.type(KeyCode.ESCAPE);
        assertNull(vm.selection().selectedProperty().get(), "Esc clears the selection");
        robot.clickOn(at.apply(150.0, 130.0));
        assertEquals(box.id(), vm.selection().selectedProperty().get().id());
        double[] b0 = box.bbox();
        robot.drag(at.apply(150.0, 130.0), javafx.scene.input.MouseButton.PRIMARY)
                .moveBy(10, 5)
                .moveBy(10, 5)
                .release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        box = vm.selection().selectedProperty().get();
        assertEquals(b0[0] + 20 / z, box.bbox()[0], 1.5 / z);
        assertEquals(b0[1] + 10 / z, box.bbox()[1], 1.5 / z);
        assertEquals(b0[2], box.bbox()[2], 1e-9);
        assertTrue(
                vm.document().undoLabelProperty().get().startsWith("Move #"),
                vm.document().undoLabelProperty().get());
        robot.type(KeyCode.P);

        // P, three clicks, Backspace drops the last point, two more clicks, Enter closes: a 4-point polygon
        for (double[] p : new double[][] {{250, 50}, {350, 60}, {330, 90}}) robot.clickOn(at.apply(p[0], p[1]));
        robot.type(KeyCode.BACK_SPACE);
        assertTrue(c.isDrawingPolygon());
        for (double[] p : new double[][] {{340, 150}, {260, 140}}) robot.clickOn(at.apply(p[0], p[1]));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(c.isDrawingPolygon());
        assertEquals(gt + 2, vm.shown().shownGroundTruthProperty().get().size());
        Instance poly = vm.selection().selectedProperty().get();
        List<double[]> polys = vm.edits().polygonsOf(poly);
        assertEquals(1, polys.size());
        assertEquals(8, polys.getFirst().length, "Backspace removed the third click");
        assertEquals(340, polys.getFirst()[4], 1 / z + 1e-9);
        assertEquals(1, poly.categoryId(), "new shapes get the draw category (the first one)");
        assertEquals(count0 + 2, vm.categories().category(1).count());

        // Esc, select the polygon with a click inside it, drag the first vertex: the polygon follows, its area too
        robot.type(KeyCode.ESCAPE);
        assertNull(vm.selection().selectedProperty().get(), "Esc clears the selection");
        robot.clickOn(at.apply(300.0, 100.0));
        assertEquals(poly, vm.selection().selectedProperty().get());
        robot.drag(at.apply(250.0, 50.0), javafx.scene.input.MouseButton.PRIMARY)
                .moveTo(at.apply(245.0, 45.0))
                .moveTo(at.apply(240.0, 40.0))
                .release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        poly = vm.selection().selectedProperty().get();
        assertEquals(240, vm.edits().polygonsOf(poly).getFirst()[0], 1 / z + 1e-9);
        assertEquals(40, vm.edits().polygonsOf(poly).getFirst()[1], 1 / z + 1e-9);
        assertTrue(vm.document().undoLabelProperty().get().startsWith("Move vertex"));

        // W with the polygon selected: a stroke grows its mask (stored as RLE from now on)
        robot.type(KeyCode.W);
        double area = poly.area();
        robot.drag(at.apply(340.0, 150.0), javafx.scene.input.MouseButton.PRIMARY)
                .moveTo(at.apply(380.0, 170.0))
                .moveTo(at.apply(400.0, 200.0))
                .release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        Instance painted = vm.selection().selectedProperty().get();
        assertEquals(poly.id(), painted.id());
        assertEquals("compressed RLE", painted.maskKind());
        assertTrue(painted.area() > area + 500, painted.area() + " vs " + area);
        assertTrue(painted.bbox()[0] + painted.bbox()[2] >= 400 - 1 / z, "the stroke's end is inside");

        // Esc back to select; five undos remove the stroke, the vertex move, the polygon, the box move and the box
        robot.type(KeyCode.ESCAPE);
        assertEquals(ToolKind.SELECT, vm.tools().toolProperty().get());
        for (int i = 0; i < 5; i++) fx(vm.edits()::undo);
        assertEquals(gt, vm.shown().shownGroundTruthProperty().get().size());
        assertFalse(vm.document().dirtyProperty().get());
    }

    @Test
    void unsavedCorrectionsAreJournaledAndRecoveredAfterACrash(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        open(file);
        int n = vm.getDataset().coco().annotations().size();
        Instance victim = vm.shown().shownGroundTruthProperty().get().getFirst();
        fx(() -> {
            vm.selection().selectedProperty().set(victim);
            vm.edits().deleteSelected();
        });
        Path journal = tmp.resolve("person.json.journal");
        assertTrue(Files.exists(journal), "the deletion is on disk as soon as it is made");

        // "crash": the window forgets the dataset without any question; the file on disk is unchanged
        fx(() -> vm.setDataset(null));
        List<Path> offered = new java.util.ArrayList<>();
        fx(() -> dialogs.recovery = (a -> offered.add(a)));
        open(file);
        assertEquals(List.of(journal), offered);
        assertEquals(n - 1, vm.getDataset().coco().annotations().size(), "the corrections are back");
        assertNull(vm.getDataset().coco().annotation(victim.id()));
        assertTrue(vm.document().dirtyProperty().get(), "recovered corrections are unsaved until saved");
        assertEquals(
                n, new ObjectMapper().readTree(file.toFile()).get("annotations").size());

        // saving keeps them and removes the journal
        java.util.concurrent.Future<?>[] save = new java.util.concurrent.Future<?>[1];
        fx(() -> save[0] = view.files().save());
        waitUntil(() -> save[0].isDone() && !vm.document().dirtyProperty().get());
        assertEquals(
                n - 1,
                new ObjectMapper().readTree(file.toFile()).get("annotations").size());
        assertFalse(Files.exists(journal));

        // declining a recovery keeps the journal aside
        fx(() -> {
            vm.navigation().currentImageProperty().set(vm.navigation().images().get(3));
            vm.selection()
                    .selectedProperty()
                    .set(vm.shown().shownGroundTruthProperty().get().getFirst());
            vm.edits().deleteSelected();
        });
        fx(() -> vm.setDataset(null));
        fx(() -> dialogs.recovery = (a -> false));
        open(file);
        assertEquals(n - 1, vm.getDataset().coco().annotations().size(), "opened as saved");
        assertFalse(vm.document().dirtyProperty().get());
        assertFalse(Files.exists(journal));
        assertTrue(Files.exists(tmp.resolve("person.json.journal.old")));
    }

    @Test
    void malformedJsonReportsTheProblemAndKeepsTheOpenDataset(@TempDir Path tmp) throws Exception {
        Path opened = open(PERSON);
        Path bad = tmp.resolve("broken.json");
        Files.writeString(
                bad,
                "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}], \"annotations\": [");
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(bad));
        waitUntil(() -> vm.messageProperty().get().startsWith("Cannot open dataset broken.json"));
        assertTrue(
                vm.messageProperty().get().contains("broken.json"),
                vm.messageProperty().get());
        assertEquals(opened.toAbsolutePath(), vm.getDataset().jsonFile());
    }

    @Test
    void veryLargeImageIsDownsampledForDisplayOnly(@TempDir Path tmp) throws Exception {
        // 6000 x 400 image: a left half red, right half blue; one box-shaped polygon over x 1000..2000
        java.awt.image.BufferedImage big =
                new java.awt.image.BufferedImage(6000, 400, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 400; y++) for (int x = 0; x < 6000; x++) big.setRGB(x, y, x < 3000 ? 0xC00000 : 0x0000C0);
        Files.createDirectories(tmp.resolve("images"));
        javax.imageio.ImageIO.write(big, "png", tmp.resolve("images/big.png").toFile());
        Path json = tmp.resolve("big.json");
        Files.writeString(json, """
                {"images": [{"id": 1, "file_name": "big.png", "width": 6000, "height": 400}],
                 "categories": [{"id": 1, "name": "thing"}],
                 "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 200000,
                   "bbox": [1000, 100, 1000, 200], "segmentation": [[1000, 100, 2000, 100, 2000, 300, 1000, 300]]}]}
                """);
        open(json);
        Image shown = view.mainCanvas().image();
        assertEquals(dev.masklab.app.canvas.ImageService.MAX_DISPLAY_SIDE, (int) shown.getWidth());
        assertTrue(shown.getHeight() < 400);
        masksOnlyAtActualSize(0.5);
        // annotation coordinates stay full resolution: the viewport is 6000 px wide at 100%
        fx(() -> {
            view.viewport().actualSize();
            view.viewport().panBy(-view.viewport().toScreenX(1500) + 100, 0);
        });
        Instance thing = vm.shown().shownGroundTruthProperty().get().getFirst();
        int sx = screenX(1500), sy = screenY(200);
        int got = snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(sx, sy);
        int c = vm.categories().colorOf(thing);
        int expected = (blend((c >> 16) & 255, 0xC0, 0.5) << 16)
                | (blend((c >> 8) & 255, 0, 0.5) << 8)
                | blend(c & 255, 0, 0.5);
        assertColor(expected, got, 4, "mask over the downsampled image");
        assertColor(
                0xC00000,
                snapshot(view.mainCanvas().canvas()).getPixelReader().getArgb(screenX(2100), sy),
                4,
                "outside the mask");
    }

    @Test
    void missingImageShowsPlaceholderWhileAnnotationsStillWork(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("test_coco.json");
        Files.copy(PERSON, copy); // no images beside it
        open(copy);
        assertFalse(vm.getDataset().rootFound());
        assertNull(view.mainCanvas().image());
        assertTrue(
                view.mainCanvas().error().contains("not found"),
                view.mainCanvas().error());
        assertTrue(
                vm.messageProperty().get().contains("not found"),
                vm.messageProperty().get());
        // the rest works: navigation and instances
        fx(vm.navigation()::next);
        waitRendered(view.mainCanvas());
        assertEquals(1, vm.navigation().currentIndex());
        assertFalse(vm.shown().shownGroundTruthProperty().get().isEmpty());
    }
}
