package dev.masklab.app.main;

import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.prediction.ModelRunController;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.StackPane;
import org.controlsfx.control.StatusBar;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The status bar's right side: Stop (while a model runs), the loaded model, the review progress, the instance under
 * the cursor, the cursor position, the image size and the zoom. The message on the left is the view-model's.
 */
final class StatusBarBuilder {
    private StatusBarBuilder() {}

    static StatusBar build(StatusBar statusBar, MainViewModel vm, Viewport viewport, ModelRunController runs) {
        statusBar.setId("statusBar");
        statusBar.setText("Ready");
        Label size = new Label();
        size.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            ImageEntry e = vm.navigation().getCurrentImage();
                            return e == null ? "" : e.width() + " × " + e.height() + " px";
                        },
                        vm.navigation().currentImageProperty()));
        Label zoom = new Label();
        zoom.setId("zoomLabel");
        zoom.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> String.format("%.0f%%", viewport.zoom() * 100), viewport.zoomProperty()));
        Label cursor = new Label();
        cursor.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            var p = vm.selection().cursorProperty().get();
                            return p == null ? "" : String.format("x %d, y %d", (int) p.getX(), (int) p.getY());
                        },
                        vm.selection().cursorProperty()));
        Label under = new Label();
        under.setId("hoverLabel");
        under.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.categories()
                                .describe(vm.selection().hoveredProperty().get()),
                        vm.selection().hoveredProperty()));
        Label review = new Label();
        review.setId("reviewProgress");
        review.textProperty().bind(vm.review().reviewProgressProperty());
        Label model = new Label();
        model.setId("loadedModel");
        model.textProperty().bind(runs.loadedModelProperty());
        Button stop = new Button("Stop", new FontIcon("mdi2s-stop-circle-outline"));
        stop.setId("stopPrediction");
        stop.setOnAction(e -> runs.stopPrediction());
        stop.visibleProperty().bind(runs.predictingProperty());
        stop.managedProperty().bind(runs.predictingProperty());
        statusBar
                .getRightItems()
                .addAll(stop, model, sep(), review, sep(), under, sep(), cursor, sep(), size, sep(), zoom);
        return statusBar;
    }

    private static Node sep() {
        Separator s = new Separator(Orientation.VERTICAL);
        return new StackPane(s);
    }
}
