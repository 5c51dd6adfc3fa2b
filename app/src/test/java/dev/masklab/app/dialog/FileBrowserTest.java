package dev.masklab.app.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.document.DatasetService;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * #20: the Open dataset chooser fits a 1366x768 screen and lists datasets, not the results and review files beside
 * them (the platform chooser did neither).
 */
@ExtendWith(ApplicationExtension.class)
class FileBrowserTest {
    static final Path PERSON = SharedData.path("data/coco-person-kp/test_coco.json");
    static final DialogService.FileType DATASETS =
            new DialogService.FileType("COCO dataset JSON", "*.json").showing(DatasetService::mayBeDataset);
    static final DialogService.FileType RESULTS =
            new DialogService.FileType("COCO results JSON", "*.json").showing(DatasetService::looksLikeResults);

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 1366, 768));
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    /** A folder as a user has it after a session: the dataset and what MaskLab wrote beside it. */
    static Path session(Path dir) throws Exception {
        Files.copy(PERSON, dir.resolve("person.json"));
        Files.writeString(dir.resolve("person.predictions.json"), "\n  [{\"image_id\": 1}]");
        Files.writeString(dir.resolve("person.review.json"), "{\"version\": 1, \"decisions\": []}");
        Files.copy(PERSON, dir.resolve("person.json.bak"));
        Files.writeString(dir.resolve(".person.json.123.tmp"), "{");
        Files.writeString(dir.resolve("Notes.txt"), "notes");
        Files.createDirectory(dir.resolve("images"));
        Files.createDirectory(dir.resolve("Runs"));
        return dir;
    }

    static List<String> names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void datasetsAreListedWithoutResultsReviewBackupOrHiddenFiles(@TempDir Path tmp) throws Exception {
        Path dir = session(tmp);
        assertEquals(
                List.of("images", "Runs", "person.json"),
                names(FileBrowser.listing(dir, DATASETS, FileBrowser.Mode.OPEN, false, 100)));
        assertEquals(
                List.of("images", "Runs", "person.predictions.json"),
                names(FileBrowser.listing(dir, RESULTS, FileBrowser.Mode.OPEN, false, 100)));
        assertEquals(
                List.of("images", "Runs"),
                names(FileBrowser.listing(dir, DATASETS, FileBrowser.Mode.FOLDER, false, 100)));
        // "Show all files": everything, hidden ones too, folders first
        assertEquals(
                List.of(
                        "images",
                        "Runs",
                        ".person.json.123.tmp",
                        "Notes.txt",
                        "person.json",
                        "person.json.bak",
                        "person.predictions.json",
                        "person.review.json"),
                names(FileBrowser.listing(dir, DATASETS, FileBrowser.Mode.OPEN, true, 100)));
        // a huge folder is cut, not walked to the end
        assertEquals(
                3,
                FileBrowser.listing(dir, DATASETS, FileBrowser.Mode.OPEN, true, 3)
                        .size());
    }

    @Test
    void theOpenDialogFitsA1366x768ScreenAndChoosesByDoubleClick(@TempDir Path tmp) throws Exception {
        Path dir = session(tmp);
        Files.copy(PERSON, dir.resolve("images").resolve("inner.json"));
        FxDialogService dialogs = new FxDialogService(() -> stage);
        CompletableFuture<Optional<Path>> chosen = new CompletableFuture<>();
        Platform.runLater(() -> chosen.complete(dialogs.chooseFileToOpen("Open COCO dataset", dir, DATASETS)));
        WaitForAsyncUtils.waitForFxEvents();
        FxRobot robot = new FxRobot();
        Window dialog = robot.listTargetWindows().stream()
                .filter(w -> w != stage && w.isShowing())
                .findFirst()
                .orElseThrow();
        assertTrue(
                dialog.getWidth() <= 1366 && dialog.getHeight() <= 768, dialog.getWidth() + "x" + dialog.getHeight());
        @SuppressWarnings("unchecked")
        ListView<Path> list = (ListView<Path>) dialog.getScene().lookup(".file-browser .list-view");
        assertEquals(List.of("images", "Runs", "person.json"), names(list.getItems()));
        // into images/ by double-click, then choose inner.json by double-click
        robot.doubleClickOn(cell(robot, list, "images/"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(
                List.of("inner.json"),
                names(list.getItems()).stream().filter(n -> n.endsWith(".json")).toList());
        robot.sleep(800); // past the multi-click interval: a new double-click, not clicks 3 and 4
        robot.doubleClickOn(cell(robot, list, "inner.json"));
        assertEquals(Optional.of(dir.resolve("images").resolve("inner.json")), chosen.get(10, TimeUnit.SECONDS));
    }

    static javafx.scene.control.Labeled cell(FxRobot robot, ListView<Path> list, String start) {
        return robot.from(list)
                .lookup((javafx.scene.Node n) -> n instanceof javafx.scene.control.ListCell<?> c
                        && c.getText() != null
                        && c.getText().startsWith(start))
                .queryLabeled();
    }
}
