package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every tab of the main window (Image, Statistics, Training, Evaluation) with the shared person set and its
 * detections at 1366 x 768 and 1920 x 1080: no label, button or table header of the window is cut (its shown text is
 * its whole text). With {@code -Dmasklab.screenshots=true} it writes docs/screenshots/tab-NAME-WxH.png.
 */
@ExtendWith(ApplicationExtension.class)
class EveryTabLooksTest {
    @Start
    void start(Stage stage) {
        // each size is laid out in a scene of its own, off screen: the headless screen is smaller than 1920 x 1080
    }

    private static void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void everyTabIsReadableAt1366x768() throws Exception {
        check(1366, 768);
    }

    @Test
    void everyTabIsReadableAt1920x1080() throws Exception {
        check(1920, 1080);
    }

    private void check(int width, int height) throws Exception {
        TestWindow[] w = new TestWindow[1];
        Scene[] scene = new Scene[1];
        fx(() -> {
            w[0] = TestWindow.create();
            scene[0] = new Scene(w[0].view(), width, height);
            scene[0].getStylesheets()
                    .add(MaskLabApp.class.getResource(MaskLabApp.CSS).toExternalForm());
        });
        MainView view = w[0].view();
        MainViewModel vm = w[0].vm();
        Path json = SharedData.workingCopy(MainWindowTest.PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(json));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(MainWindowTest.DETECTIONS));
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> vm.predictions().predictionsProperty().get() != null);
        fx(() -> vm.navigation()
                .currentImageProperty()
                .set(vm.navigation().images().get(3)));

        List<String> cut = new ArrayList<>();
        for (Tab tab : List.copyOf(view.centerTabs().getTabs())) {
            fx(() -> view.centerTabs().getSelectionModel().select(tab));
            if ("evaluationTab".equals(tab.getId())) {
                fx(() -> view.evaluationView().model().evaluate());
                WaitForAsyncUtils.waitFor(
                        60,
                        TimeUnit.SECONDS,
                        () -> view.evaluationView().model().resultProperty().get() != null);
            }
            WaitForAsyncUtils.waitFor(
                    20,
                    TimeUnit.SECONDS,
                    () -> view.mainCanvas().renderedEntryProperty().get()
                            == vm.navigation().getCurrentImage());
            Thread.sleep(300); // thumbnails and charts settle
            WritableImage[] img = new WritableImage[1];
            fx(() -> img[0] = scene[0].snapshot(null)); // CSS and layout at this size
            assertEquals(width, img[0].getWidth(), 1, "the window's width");
            TrainingTabLooksTest.walk(view, n -> {
                if (n instanceof Labeled l
                        && !(n instanceof IndexedCell<?>)
                        && TrainingTabLooksTest.shown(n)
                        && l.getText() != null
                        && !l.getText().isEmpty()) {
                    String displayed = TrainingTabLooksTest.displayedText(l);
                    if (!l.getText().equals(displayed))
                        cut.add(tab.getText() + ": '" + l.getText() + "' shown as '" + displayed + "'");
                }
            });
            if (Boolean.getBoolean("masklab.screenshots")) {
                Path dir = Path.of(System.getProperty("masklab.root", "..")).resolve("docs/screenshots");
                Files.createDirectories(dir);
                String name = tab.getText().toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
                ImageIO.write(
                        SwingFXUtils.fromFXImage(img[0], null),
                        "png",
                        dir.resolve("tab-" + name + "-" + width + "x" + height + ".png")
                                .toFile());
            }
        }
        assertTrue(cut.isEmpty(), width + "x" + height + ": " + cut);
    }
}
