package dev.masklab.app.document;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.main.SessionPreferences;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Future;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.input.TransferMode;

/**
 * The dataset's life in the window: File &gt; Open (and Open recent, dropped files), Load predictions, Save. The
 * document ({@link DatasetDocument}) does the work; this asks for the files, keeps the recent list and remembers the
 * last folder.
 */
public final class DocumentController {
    private final MainViewModel vm;
    private final DatasetService service = new DatasetService();
    private final SessionPreferences session;
    private final DialogService dialogs;
    private final TaskExecutor tasks;
    private final RecentDatasets recent;
    private final Menu recentMenu = new Menu("Open recent");

    public DocumentController(
            MainViewModel vm,
            RecentDatasets recent,
            SessionPreferences session,
            DialogService dialogs,
            TaskExecutor tasks) {
        this.vm = vm;
        this.recent = recent;
        this.session = session;
        this.dialogs = dialogs;
        this.tasks = tasks;
        vm.datasetProperty().addListener((o, a, b) -> {
            if (b != null && (a == null || !a.jsonFile().equals(b.jsonFile()))) {
                recent.add(b.jsonFile());
                refreshRecent();
                session.saveLastFolder(b.jsonFile().getParent());
            }
        });
        refreshRecent();
    }

    /** File &gt; Open recent: the datasets opened last. */
    public Menu recentMenu() {
        return recentMenu;
    }

    /** A JSON file dropped on {@code target} is opened ({@link #openAny}). */
    public void acceptDrops(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        target.setOnDragDropped(e -> {
            boolean ok = false;
            for (File f : e.getDragboard().getFiles()) {
                if (f.getName().toLowerCase().endsWith(".json")) {
                    openAny(f.toPath());
                    ok = true;
                    break;
                }
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    public void chooseDataset() {
        dialogs.chooseFileToOpen(
                        "Open COCO dataset",
                        session.lastFolder(),
                        new DialogService.FileType("COCO dataset JSON", "*.json").showing(DatasetService::mayBeDataset))
                .ifPresent(this::openDataset);
    }

    public void choosePredictions() {
        if (vm.getDataset() == null) return;
        dialogs.chooseFileToOpen(
                        "Load COCO results (predictions)",
                        vm.getDataset().jsonFile().getParent(),
                        new DialogService.FileType("COCO results JSON", "*.json")
                                .showing(DatasetService::looksLikeResults))
                .ifPresent(this::openPredictions);
    }

    /** A dropped JSON: a results list when a dataset is open and the file starts with '[', else a dataset. */
    public void openAny(Path json) {
        if (vm.getDataset() != null && DatasetService.looksLikeResults(json)) openPredictions(json);
        else openDataset(json);
    }

    /** Opens {@code json} as the document ({@link DatasetDocument#open}); it joins the recent datasets when shown. */
    public Future<LoadedDataset> openDataset(Path json) {
        return vm.document().open(json);
    }

    public Future<PredictionSet> openPredictions(Path results) {
        LoadedDataset ds = vm.getDataset();
        return tasks.execute(BackgroundTask.<PredictionSet>of("Cannot load predictions " + results.getFileName(), p -> {
                    p.message("Reading " + results.getFileName());
                    p.progress(-1, 1);
                    return service.loadPredictions(results, ds);
                })
                .onSuccess(ps -> {
                    vm.predictions().setPredictions(ps);
                    vm.messageProperty().set("Loaded " + ps.total() + " predictions from " + results.getFileName());
                }));
    }

    /** Writes the annotations over the dataset's file in the background (previous file kept as NAME.bak). */
    public Future<Void> save() {
        return vm.document().save();
    }

    private void refreshRecent() {
        recentMenu.getItems().clear();
        for (Path p : recent.list()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setOnAction(e -> {
                if (Files.isRegularFile(p)) openDataset(p);
                else {
                    recent.remove(p);
                    refreshRecent();
                    vm.messageProperty().set("Recent dataset no longer exists: " + p);
                }
            });
            recentMenu.getItems().add(mi);
        }
        if (recentMenu.getItems().isEmpty()) {
            MenuItem none = new MenuItem("(none)");
            none.setDisable(true);
            recentMenu.getItems().add(none);
        }
    }
}
