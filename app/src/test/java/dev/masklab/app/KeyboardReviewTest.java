package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.canvas.ImageCanvas;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Slider;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Keys and focus (issue #20): the review and editing keys are the image's wherever the focus went (a slider, a
 * combo, a thumbnail), never reach a button, and a whole image is reviewed without the mouse. Headless (Monocle).
 */
@ExtendWith(ApplicationExtension.class)
class KeyboardReviewTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");

    private MainViewModel vm;
    private MainView view;
    private final FxRobot robot = new FxRobot();

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

    static void waitUntil(Callable<Boolean> c) {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, c);
        } catch (Exception e) {
            throw new AssertionError("condition not reached in 30 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Opens a copy of the person set with its detections, the first image rendered. */
    Path openWithPredictions(Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(file));
        waitUntil(() -> vm.getDataset() != null);
        WaitForAsyncUtils.asyncFx(() -> view.files().openPredictions(DETECTIONS));
        waitUntil(() -> vm.predictions().predictionsProperty().get() != null);
        // the third image has 7 detections at score 0.3 or more (the first has 2 below it)
        fx(() -> {
            vm.predictions().scoreThresholdProperty().set(0.3);
            vm.navigation().currentImageProperty().set(vm.navigation().images().get(2));
        });
        ImageCanvas c = view.mainCanvas();
        waitUntil(() -> c.renderedEntryProperty().get() == vm.navigation().getCurrentImage());
        return file;
    }

    void shiftTab() {
        robot.press(KeyCode.SHIFT).type(KeyCode.TAB).release(KeyCode.SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Drags the score slider's thumb a little with the mouse (it then has the focus, as after a user's drag). */
    void touchSlider() {
        Slider s = (Slider) view.lookup("#threshold");
        Node thumb = s.lookup(".thumb");
        robot.drag(thumb).moveBy(-4, 0).drop();
        WaitForAsyncUtils.waitForFxEvents();
        fx(() -> vm.predictions().scoreThresholdProperty().set(0.3)); // wherever the drag left it
    }

    @Test
    void afterTheSliderTabCyclesPredictionsAndEnterAcceptsInsteadOfPressingAButton(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        touchSlider();
        assertSame(view.mainCanvas(), view.getScene().getFocusOwner(), "the released slider gives the image the keys");
        List<Instance> preds = vm.shown().shownPredictionsProperty().get();
        assertTrue(preds.size() >= 2, "the first image has predictions at 0.3");
        int gt = vm.shown().shownGroundTruthProperty().get().size();
        robot.type(KeyCode.TAB);
        assertSame(preds.get(0), vm.selection().selectedProperty().get());
        robot.type(KeyCode.TAB);
        assertSame(preds.get(1), vm.selection().selectedProperty().get());
        shiftTab();
        assertSame(preds.get(0), vm.selection().selectedProperty().get(), "Shift+Tab goes back");
        robot.type(KeyCode.ENTER);
        assertEquals(gt + 1, vm.shown().shownGroundTruthProperty().get().size(), "Enter accepted, nothing deleted");
    }

    @Test
    void theFocusedSliderStillPassesEnterAndDeleteToTheImageNotToTheInspector(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        Instance gt = vm.shown().shownGroundTruthProperty().get().getFirst();
        fx(() -> {
            vm.selection().selectedProperty().set(gt);
            view.lookup("#threshold").requestFocus(); // focus left on a control, as keyboard users do
        });
        Button delete = (Button) view.lookup("#deleteSelected");
        assertFalse(delete.isFocusTraversable(), "the inspector's buttons never take the keyboard");
        assertFalse(((Button) view.lookup("#acceptPrediction")).isFocusTraversable());
        int n = vm.shown().shownGroundTruthProperty().get().size();
        robot.type(KeyCode.ENTER); // Enter on an annotation accepts nothing and deletes nothing
        assertEquals(n, vm.shown().shownGroundTruthProperty().get().size());
        robot.type(KeyCode.TAB);
        assertNotNull(
                vm.selection().selectedProperty().get(), "Tab selects the next annotation, it does not move the focus");
        assertSame(view.mainCanvas(), view.getScene().getFocusOwner());
    }

    @Test
    void aClickedThumbnailGivesTheKeysBackToTheImage(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        Node second = view.browser().grid().lookupAll(".thumb-cell").stream()
                .filter(n -> n instanceof javafx.scene.control.IndexedCell<?> c && c.getIndex() == 1)
                .findFirst()
                .orElseThrow();
        robot.clickOn(second);
        waitUntil(() -> vm.navigation().currentIndex() == 1);
        assertSame(view.mainCanvas(), view.getScene().getFocusOwner());
        robot.type(KeyCode.TAB);
        assertNotNull(vm.selection().selectedProperty().get());
    }

    @Test
    void aCategoryChosenInTheInspectorLeavesTheArrowsToTheImage(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        Instance gt = vm.shown().shownGroundTruthProperty().get().getFirst();
        fx(() -> vm.selection().selectedProperty().set(gt));
        @SuppressWarnings("unchecked")
        ComboBox<CategoryRow> box = (ComboBox<CategoryRow>) view.lookup("#inspectorCategory");
        fx(() -> view.lookup("#rightTabs").getStyleClass()); // the inspector tab is shown on selection
        robot.clickOn(box);
        WaitForAsyncUtils.waitForFxEvents();
        robot.type(KeyCode.ESCAPE); // closes the list without a change
        WaitForAsyncUtils.waitForFxEvents();
        assertSame(view.mainCanvas(), view.getScene().getFocusOwner(), "the closed drop-down gives the keys back");
        int cat = vm.selection().selectedProperty().get().categoryId();
        robot.type(KeyCode.DOWN);
        assertEquals(cat, vm.selection().selectedProperty().get().categoryId(), "Down does not change the category");
    }

    @Test
    void escapeSelectsTheSelectToolAndClearsTheSelection(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        robot.clickOn(view.mainCanvas());
        fx(() -> {
            vm.tools().toolProperty().set(ToolKind.BOX);
            vm.selection()
                    .selectedProperty()
                    .set(vm.shown().shownGroundTruthProperty().get().getFirst());
        });
        robot.type(KeyCode.ESCAPE);
        assertEquals(ToolKind.SELECT, vm.tools().toolProperty().get());
        assertNull(vm.selection().selectedProperty().get(), "Esc clears the selection, as the shortcut list says");
    }

    @Test
    void theImageShowsAFocusRingWhenItHasTheKeys(@TempDir Path tmp) throws Exception {
        openWithPredictions(tmp);
        fx(() -> view.lookup("#threshold").requestFocus());
        Color off = corner(view.mainCanvas());
        fx(() -> view.mainCanvas().requestFocus());
        Color on = corner(view.mainCanvas());
        assertEquals(Color.web("#4f9cff"), on);
        assertFalse(on.equals(off));
    }

    static Color corner(ImageCanvas c) {
        WritableImage[] img = new WritableImage[1];
        WaitForAsyncUtils.asyncFx(() -> img[0] = c.canvas().snapshot(null, null));
        WaitForAsyncUtils.waitForFxEvents();
        return img[0].getPixelReader().getColor(2, 2);
    }

    /**
     * The acceptance scenario of #20: open, load predictions, touch the slider and a combo, then review the first
     * image with Tab / Shift+Tab / Enter / Delete / Ctrl+Z only; the saved file holds every original annotation
     * unchanged plus exactly the accepted predictions.
     */
    @Test
    void aWholeImageIsReviewedWithTheKeyboardAlone(@TempDir Path tmp) throws Exception {
        Path file = openWithPredictions(tmp);
        touchSlider();
        robot.clickOn("#viewMode");
        WaitForAsyncUtils.waitForFxEvents();
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        long image = vm.navigation().getCurrentImage().id();
        int toReview = vm.shown().shownPredictionsProperty().get().size();
        assertTrue(toReview >= 3, "predictions to review: " + toReview);

        robot.type(KeyCode.TAB); // first prediction
        robot.type(KeyCode.ENTER); // accepted; the next one is selected
        robot.type(KeyCode.DELETE); // rejected
        robot.type(KeyCode.ENTER); // accepted
        robot.push(KeyCode.SHORTCUT, KeyCode.Z); // ... no: undone
        WaitForAsyncUtils.waitForFxEvents();
        while (!vm.shown().shownPredictionsProperty().get().isEmpty()) {
            Instance p = vm.selection().selectedProperty().get();
            if (p == null || !p.prediction()) robot.type(KeyCode.TAB);
            robot.type(KeyCode.DELETE); // the rest rejected
        }
        int accepted = 1;
        robot.push(KeyCode.SHORTCUT, KeyCode.S);
        waitUntil(() -> !vm.document().dirtyProperty().get());

        JsonNode orig = new ObjectMapper().readTree(PERSON.toFile()).get("annotations");
        JsonNode saved = new ObjectMapper().readTree(file.toFile()).get("annotations");
        Map<Long, JsonNode> savedById = new HashMap<>();
        for (JsonNode a : saved) savedById.put(a.get("id").asLong(), a);
        for (JsonNode a : orig) assertEquals(a, savedById.get(a.get("id").asLong()), "ground truth untouched");
        assertEquals(orig.size() + accepted, saved.size());
        JsonNode added = saved.get(saved.size() - 1);
        assertEquals(image, added.get("image_id").asLong());
        assertEquals(vm.navigation().getCurrentImage().id(), image, "the keys never left the image");
    }
}
