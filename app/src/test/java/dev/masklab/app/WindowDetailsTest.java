package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The smaller items of issue #20 and #15's looks, on the real window (headless Monocle). */
@ExtendWith(ApplicationExtension.class)
class WindowDetailsTest {
    static final Path PERSON = SharedData.path("data/coco-person-kp/test_coco.json");
    private MainViewModel vm;
    private MainView view;
    private ScriptedDialogs dialogs;

    @Start
    void start(Stage stage) {
        TestWindow w = TestWindow.create();
        vm = w.vm();
        view = w.view();
        dialogs = w.dialogs();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1366);
        stage.setHeight(768);
        stage.show();
    }

    void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    Menu menu(String name) {
        MenuBar bar = (MenuBar) view.lookup("#menuBar");
        return bar.getMenus().stream()
                .filter(m -> m.getText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theEditMenuListsRedoOnceAndNoKeyBelongsToTwoActions() {
        long redos = menu("Edit").getItems().stream()
                .map(MenuItem::getText)
                .filter(t -> t != null && t.startsWith("Redo"))
                .count();
        assertEquals(1, redos);
        Set<KeyCombination> seen = new HashSet<>();
        for (StandardAction a : StandardAction.values()) {
            if (a.accelerator() != null) assertTrue(seen.add(a.accelerator()), a + " " + a.accelerator());
            for (KeyCombination k : a.keys()) assertTrue(seen.add(k), a + " " + k.getDisplayText());
        }
        // menu texts come from the table: "Masks (M)"
        assertTrue(menu("View").getItems().stream().anyMatch(i -> "Masks (M)".equals(i.getText())));
    }

    @Test
    void theShortcutListIsBuiltFromTheTableAndFitsA1366x768Screen() {
        fx(() -> view.actions().execute(StandardAction.SHORTCUTS));
        Node content = dialogs.shownContent;
        assertNotNull(content);
        ScrollPane sp = (ScrollPane) content;
        assertTrue(sp.getPrefViewportHeight() + 200 < 768, "dialog fits at 1366x768");
        assertTrue(sp.getPrefViewportWidth() + 100 < 1366);
        List<ActionFactory.Shortcut> keys = ActionFactory.shortcuts();
        assertTrue(keys.stream().anyMatch(s -> s.action().startsWith("Select the previous prediction")));
        assertTrue(keys.stream().anyMatch(s -> s.keys().contains("Tab")));
        assertEquals(
                keys.size(),
                keys.stream().map(ActionFactory.Shortcut::action).distinct().count());
    }

    @Test
    void theStatisticsTabFollowsCategoryEdits() throws Exception {
        Path copy = SharedData.workingCopy(PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(copy));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.getDataset() != null);
        WaitForAsyncUtils.waitForFxEvents();
        java.util.function.Supplier<List<String>> bars = () -> view.statistics().perCategoryChart().getData().stream()
                .flatMap(series -> series.getData().stream())
                .map(d -> d.getXValue() + "=" + d.getYValue())
                .toList();
        int persons = vm.categories().category(1).count();
        assertEquals(List.of("person=" + persons), bars.get());
        dialogs.text = header -> header.equals("Rename category person") ? "human" : null;
        fx(() -> vm.categoryEdits().renameCategory(vm.categories().category(1)));
        assertEquals(List.of("human=" + persons), bars.get());
        dialogs.text = header -> header.equals("New category") ? "rider" : null;
        fx(vm.categoryEdits()::addCategory);
        assertEquals(List.of("human=" + persons, "rider=0"), bars.get());
    }

    @Test
    void anActiveCategoryFilterSaysSoAndPanelsStepAsideOnTheTrainingTab() throws Exception {
        Path copy = SharedData.workingCopy(PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(copy));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.getDataset() != null);
        WaitForAsyncUtils.waitForFxEvents();
        var filter = view.browser().categoryFilter();
        assertEquals("Filter by category", filter.getTitle());
        CategoryRow person = vm.categories().rows().getFirst();
        fx(() -> filter.getCheckModel().check(person));
        assertEquals("Category: " + person.name(), filter.getTitle());
        assertTrue(filter.getPseudoClassStates().stream()
                .anyMatch(p -> p.getPseudoClassName().equals("active")));

        assertTrue(view.browser().isVisible());
        fx(() -> view.centerTabs().getSelectionModel().select(2));
        assertFalse(view.browser().isVisible(), "the image list steps aside on the Training tab");
        assertFalse(view.lookup("#sidePanel").isVisible(), "so does the display / inspector panel");
        fx(() -> view.centerTabs().getSelectionModel().select(0));
        assertTrue(view.browser().isVisible());
    }

    @Test
    void theInspectorsReviewButtonsShowTheirWholeText() throws Exception {
        Path copy = SharedData.workingCopy(PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(copy));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.getDataset() != null);
        fx(() -> vm.selection()
                .selectedProperty()
                .set(vm.shown().shownGroundTruthProperty().get().getFirst()));
        fx(() -> view.lookup("#rightTabs").applyCss());
        javafx.scene.control.Button delete = (javafx.scene.control.Button) view.lookup("#deleteSelected");
        fx(() -> ((javafx.scene.control.TabPane) view.lookup("#rightTabs"))
                .getSelectionModel()
                .select(1));
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.text.Text text = (javafx.scene.text.Text) delete.lookup(".text");
        assertNotNull(text);
        assertEquals("Delete", text.getText(), "not elided to 'D...'");
    }

    @Test
    void aRunOnAllImagesAsksBeforeReplacingAResultsFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path copy = SharedData.workingCopy(PERSON);
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(copy));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.getDataset() != null);
        Path out = tmp.resolve("person.predictions.json");
        java.nio.file.Files.writeString(out, "[]");
        dialogs.confirm = header -> false; // the user keeps the file
        fx(() -> view.modelRuns()
                .runModel(new dev.masklab.app.prediction.PredictionService.Request(
                        tmp.resolve("model.masklab"),
                        null,
                        0.05f,
                        dev.masklab.app.prediction.PredictionService.DeviceChoice.CPU,
                        false,
                        null,
                        out)));
        assertEquals(List.of("confirm Replace person.predictions.json?"), dialogs.asked);
        assertFalse(view.modelRuns().predictingProperty().get(), "nothing runs");
        assertEquals("[]", java.nio.file.Files.readString(out));
        assertEquals(
                "Model run cancelled: person.predictions.json kept",
                vm.messageProperty().get());
    }
}
