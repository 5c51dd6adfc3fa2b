package dev.masklab.app;

import dev.masklab.app.service.RecentDatasets;
import dev.masklab.app.view.MainView;
import dev.masklab.app.viewmodel.MainViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;

/** The JavaFX application: one main window; the first command-line argument, if any, is opened as a dataset. */
public final class MaskLabApp extends Application {
    public static final String CSS = "/dev/masklab/ui/masklab.css";

    @Override
    public void start(Stage stage) {
        MainViewModel vm = new MainViewModel();
        MainView view = new MainView(vm, new RecentDatasets());
        Scene scene = createScene(view);
        for (int s : new int[]{16, 32, 48, 64, 128, 256, 512}) {
            var url = MaskLabApp.class.getResource("/dev/masklab/ui/icons/masklab-" + s + ".png");
            if (url != null) stage.getIcons().add(new Image(url.toExternalForm()));
        }
        // "*" marks unsaved corrections, as editors do
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            var ds = vm.getDataset();
            return ds == null ? "MaskLab" : "MaskLab — " + (vm.dirtyProperty().get() ? "*" : "") + ds.jsonFile().getFileName();
        }, vm.datasetProperty(), vm.dirtyProperty()));
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
            if (Files.isRegularFile(p)) view.openDataset(p);
            else vm.messageProperty().set("No such file: " + p);
        }
    }

    /** The styled scene around {@code view} with the keyboard shortcuts installed (tests build it the same way). */
    public static Scene createScene(MainView view) {
        Scene scene = new Scene(view, 1400, 860);
        var css = MaskLabApp.class.getResource(CSS);
        if (css != null) scene.getStylesheets().add(css.toExternalForm());
        view.installShortcuts(scene);
        return scene;
    }

    public static void main(String[] args) {
        launch(args);
    }
}
