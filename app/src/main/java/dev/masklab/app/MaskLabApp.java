package dev.masklab.app;

import dev.masklab.app.dialog.FxDialogService;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.RecentDatasets;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.main.SessionPreferences;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.FxTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Screen;
import javafx.stage.Stage;

/** The JavaFX application: one main window; the first command-line argument, if any, is opened as a dataset. */
public final class MaskLabApp extends Application {
    public static final String CSS = "/dev/masklab/ui/masklab.css";

    @Override
    public void start(Stage stage) {
        FxDialogService dialogs = new FxDialogService(() -> stage);
        FxTaskExecutor tasks = new FxTaskExecutor(dialogs);
        // a failure outside the tasks (an event handler, a worker) is one line and a dialog, never a stack trace;
        // the window stays usable
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            String line = BackgroundTask.describe(e);
            System.err.println("MaskLab: " + line);
            javafx.application.Platform.runLater(() -> dialogs.showError("Unexpected error", line));
        });
        MainViewModel vm = new MainViewModel(new DatasetDocument(dialogs, tasks));
        SessionPreferences session = new SessionPreferences();
        MainView view = new MainView(vm, new RecentDatasets(), session, dialogs, tasks);
        Scene scene = createScene(view);
        // inside the screen, at the size it had (at 1366x768 the default 1400x860 would not fit)
        Rectangle2D b = session.windowBounds(Screen.getPrimary().getVisualBounds());
        stage.setX(b.getMinX());
        stage.setY(b.getMinY());
        stage.setWidth(b.getWidth());
        stage.setHeight(b.getHeight());
        stage.setOnHidden(
                e -> session.saveWindowBounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()));
        for (int s : new int[] {16, 32, 48, 64, 128, 256, 512}) {
            var url = MaskLabApp.class.getResource("/dev/masklab/ui/icons/masklab-" + s + ".png");
            if (url != null) stage.getIcons().add(new Image(url.toExternalForm()));
        }
        // "*" marks unsaved corrections, as editors do
        stage.titleProperty()
                .bind(javafx.beans.binding.Bindings.createStringBinding(
                        () -> {
                            var ds = vm.getDataset();
                            return ds == null
                                    ? "MaskLab"
                                    : "MaskLab — "
                                            + (vm.document().dirtyProperty().get() ? "*" : "")
                                            + ds.jsonFile().getFileName();
                        },
                        vm.datasetProperty(),
                        vm.document().dirtyProperty()));
        stage.setScene(scene);
        // closing during a training or model run asks first, then stops the run (with a checkpoint) and closes
        stage.setOnCloseRequest(e -> {
            if (!view.mayClose(stage::hide)) e.consume();
        });
        stage.show();
        view.mainCanvas().requestFocus();
        List<String> args = getParameters().getUnnamed();
        if (!args.isEmpty()) {
            Path p = Path.of(args.getFirst());
            if (Files.isRegularFile(p)) view.files().openDataset(p);
            else vm.messageProperty().set("No such file: " + p);
        }
    }

    /** The styled scene around {@code view} with the keyboard shortcuts installed (tests build it the same way). */
    public static Scene createScene(MainView view) {
        Scene scene = new Scene(view);
        var css = MaskLabApp.class.getResource(CSS);
        if (css != null) scene.getStylesheets().add(css.toExternalForm());
        view.installShortcuts(scene);
        return scene;
    }

    public static void main(String[] args) {
        launch(args);
    }
}
