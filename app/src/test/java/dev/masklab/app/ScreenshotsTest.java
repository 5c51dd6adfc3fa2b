package dev.masklab.app;

import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.prediction.ViewMode;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Writes current PNGs of the main window into docs/screenshots/ (run on demand:
 * {@code mvn -o -DmlBuild=target-app -pl app -am test -Dtest=ScreenshotsTest -Dmasklab.screenshots=true}).
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "masklab.screenshots", matches = "true")
class ScreenshotsTest {
    private MainViewModel vm;
    private MainView view;
    private dev.masklab.app.dialog.ScriptedDialogs dialogs;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        TestWindow w = TestWindow.create();
        dialogs = w.dialogs();
        vm = w.vm();
        view = w.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1400);
        stage.setHeight(860);
        stage.show();
    }

    private void open(Path shared) throws Exception {
        Path json = SharedData.workingCopy(shared);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(json));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> vm.getDataset() != null && vm.getDataset().jsonFile().equals(json.toAbsolutePath()));
        rendered();
    }

    private void rendered() throws Exception {
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> view.mainCanvas().renderedEntryProperty().get()
                        == vm.navigation().getCurrentImage());
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(700); // thumbnails decode in the background
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void shoot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("masklab.root", "..")).resolve("docs/screenshots");
        Files.createDirectories(dir);
        WritableImage[] img = new WritableImage[1];
        WaitForAsyncUtils.asyncFx(() -> img[0] = stage.getScene().snapshot(null));
        WaitForAsyncUtils.waitForFxEvents();
        ImageIO.write(
                SwingFXUtils.fromFXImage(img[0], null), "png", dir.resolve(name).toFile());
    }

    private void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void writeScreenshots() throws Exception {
        open(MainWindowTest.PERSON);
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().get(3)));
        rendered();
        shoot("person-masks-keypoints.png");

        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(MainWindowTest.DETECTIONS));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> vm.predictions().predictionsProperty().get() != null);
        fx(() -> vm.predictions().scoreThresholdProperty().set(0.3));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> view.predictionCanvas().renderedEntryProperty().get()
                        == vm.navigation().getCurrentImage());
        rendered();
        fx(() -> vm.selection()
                .selectedProperty()
                .set(vm.shown().shownPredictionsProperty().get().getFirst()));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> view.predictionCanvas().renderedEntryProperty().get()
                        == vm.navigation().getCurrentImage());
        rendered();
        shoot("person-predictions-side-by-side.png");

        // correcting: one prediction accepted, an annotation selected with its handles (undone afterwards: the
        // shared file stays untouched and nothing is left to save)
        fx(() -> {
            vm.predictions().viewModeProperty().set(ViewMode.OVERLAY);
            vm.selection()
                    .selectedProperty()
                    .set(vm.shown().shownPredictionsProperty().get().getFirst());
            vm.review().acceptSelected();
            vm.selection()
                    .selectedProperty()
                    .set(vm.shown().shownGroundTruthProperty().get().getFirst());
        });
        rendered();
        shoot("person-correcting.png");
        fx(() -> {
            vm.edits().undo();
            vm.predictions().viewModeProperty().set(ViewMode.SIDE_BY_SIDE);
        });

        // the evaluation's errors on the image with the most false positives (segm, IoU .50), a true positive selected
        var evaluation = view.evaluationView().model();
        fx(() -> {
            evaluation.iouTypeProperty().set(dev.masklab.eval.IouType.SEGM);
            evaluation.evaluate();
        });
        WaitForAsyncUtils.waitFor(
                30,
                TimeUnit.SECONDS,
                () -> evaluation.resultProperty().get() != null
                        && !evaluation.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents(); // the rows are set after the result, in the same FX event
        long worst = evaluation.images().getFirst().imageId();
        fx(() -> vm.layers().keypointsProperty().set(false)); // the errors read better without the skeletons
        fx(() -> new dev.masklab.app.evaluation.ErrorsInImage(
                        vm,
                        view.errorOverlay(),
                        () -> view.centerTabs().getSelectionModel().select(0))
                .open(worst, null, null));
        rendered();
        fx(() -> {
            var match = view.errorOverlay().errors().matches().getFirst();
            vm.shown().shownPredictionsProperty().get().stream()
                    .filter(i -> i.id() == match.dtId())
                    .findFirst()
                    .ifPresent(vm.selection().selectedProperty()::set);
            ((javafx.scene.control.TabPane) view.lookup("#rightTabs"))
                    .getSelectionModel()
                    .select(1);
        });
        rendered();
        shoot("evaluation-errors.png");
        fx(() -> {
            view.errorOverlay().activeProperty().set(false);
            vm.layers().keypointsProperty().set(true);
            vm.predictions().viewModeProperty().set(dev.masklab.app.prediction.ViewMode.SIDE_BY_SIDE);
            ((javafx.scene.control.TabPane) view.lookup("#rightTabs"))
                    .getSelectionModel()
                    .select(0);
        });

        // Evaluation > Compare with…: the fixture's detections against a copy without those of the current image,
        // the changed image opened side by side
        long changed = vm.navigation().getCurrentImage().id();
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ArrayNode kept = om.createArrayNode();
        for (var d : om.readTree(MainWindowTest.DETECTIONS.toFile()))
            if (d.get("image_id").asLong() != changed) kept.add(d);
        Path b = Files.createTempDirectory("masklab-compare").resolve("detections-without-one-image.json");
        om.writeValue(b.toFile(), kept);
        dialogs.fileToOpen = b;
        fx(() -> view.centerTabs().getSelectionModel().select(3));
        var comparison = view.evaluationView().model().comparison();
        fx(() -> ((javafx.scene.control.Button) view.evaluationView().lookup("#compareButton")).fire());
        WaitForAsyncUtils.waitFor(
                20, TimeUnit.SECONDS, () -> comparison.comparisonProperty().get() != null);
        fx(() -> view.evaluationView()
                .comparisonView()
                .imagesTable()
                .getSelectionModel()
                .select(0));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> Long.valueOf(changed)
                        .equals(view.evaluationView()
                                .comparisonView()
                                .sideBySide()
                                .shownImageProperty()
                                .get()));
        Thread.sleep(300);
        shoot("person-compare.png");
        Files.deleteIfExists(b);
        Files.deleteIfExists(b.getParent());

        // the Training tab with the dataset health of the open dataset, scrolled to the health box
        fx(() -> view.centerTabs().getSelectionModel().select(2));
        fx(view.trainingView()::checkHealth);
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> view.trainingView().healthModel().reportProperty().get() != null);
        fx(() -> ((javafx.scene.control.ScrollPane) view.trainingView().lookup("#trainForm")).setVvalue(0.6));
        Thread.sleep(300);
        shoot("training-health.png");
        fx(() -> view.centerTabs().getSelectionModel().select(0));

        open(MainWindowTest.VOC);
        fx(() -> vm.layers().colorModeProperty().set(LayerSettings.ColorMode.CATEGORY));
        for (int i = 0; i < vm.navigation().images().size(); i++) {
            int k = i;
            fx(() -> vm.navigation()
                    .currentImageProperty()
                    .set(vm.navigation().images().get(k)));
            rendered();
            shoot("voc-categories-" + (i + 1) + ".png");
        }
        fx(() -> view.centerTabs().getSelectionModel().select(1));
        Thread.sleep(300);
        shoot("voc-statistics.png");
        fx(() -> view.centerTabs().getSelectionModel().select(0));

        // the README's dataset (generated by `./masklab generate`), when present
        Path sample = Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");
        if (Files.isRegularFile(sample)) {
            open(sample);
            fx(vm.navigation()::next);
            rendered();
            shoot("sample-dataset.png");
        }
    }
}
