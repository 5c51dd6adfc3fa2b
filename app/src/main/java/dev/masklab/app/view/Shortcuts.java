package dev.masklab.app.view;

import dev.masklab.app.viewmodel.LayerSettings;
import dev.masklab.app.viewmodel.MainViewModel;
import dev.masklab.app.viewmodel.Viewport;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/** The keyboard shortcuts: one table used both to handle keys and to list them in Help > Keyboard shortcuts. */
public final class Shortcuts {
    public record Entry(String keys, String action) {
    }

    public static final List<Entry> ALL = List.of(
            new Entry("Right  /  D", "Next image"),
            new Entry("Left  /  A", "Previous image"),
            new Entry("M", "Toggle masks"),
            new Entry("B", "Toggle boxes"),
            new Entry("L", "Toggle labels"),
            new Entry("K", "Toggle keypoints"),
            new Entry("+  /  -", "Zoom in / out (also the mouse wheel)"),
            new Entry("0", "Fit the image to the window"),
            new Entry("1", "Zoom to 100%"),
            new Entry("Drag", "Pan"),
            new Entry("Click", "Select the instance (shown in the inspector)"),
            new Entry("Tab", "Select the next prediction (or annotation)"),
            new Entry("Enter", "Accept the selected prediction as an annotation"),
            new Entry("Delete  /  Backspace", "Reject the selected prediction / delete the selected annotation"),
            new Entry("Ctrl+Shift+A", "Accept all shown predictions of the image"),
            new Entry("Drag a handle", "Move a box corner, polygon vertex or keypoint of the selected annotation"),
            new Entry("R", "Box tool: drag a box (stored as a 4-corner polygon)"),
            new Entry("P", "Polygon tool: click points; Enter, a double-click or the first point closes it; Backspace removes the last"),
            new Entry("W  /  E", "Brush / eraser: paint into or erase from the selected mask (the brush alone starts a new one)"),
            new Entry("[  /  ]", "Smaller / larger brush"),
            new Entry("Esc", "Select tool; drops a polygon being drawn; clears the selection"),
            new Entry("Right-click", "On the selected annotation's keypoint: cycle visibility; elsewhere: place an unlabelled keypoint"),
            new Entry("Ctrl+Z  /  Ctrl+Shift+Z", "Undo / redo (also Ctrl+Y)"),
            new Entry("Ctrl+S", "Save annotations (the previous file is kept as .bak)"),
            new Entry("Ctrl+O", "Open dataset"),
            new Entry("Ctrl+P", "Load predictions"),
            new Entry("Ctrl+R", "Run model on the dataset (Stop in the status bar)"),
            new Entry("Ctrl+T", "Training tab (train or fine-tune a model)"),
            new Entry("F1", "This list"));

    private Shortcuts() {
    }

    /** Keys that change annotations or the drawing tool: only taken while the image is shown. */
    public static boolean edits(KeyCode code) {
        return switch (code) {
            case ENTER, DELETE, BACK_SPACE, R, P, W, E, OPEN_BRACKET, CLOSE_BRACKET, ESCAPE -> true;
            default -> false;
        };
    }

    /** Applies the shortcut for a pressed key; false when the key is not a shortcut. */
    public static boolean handle(KeyCode code, String text, MainViewModel vm, Viewport vp) {
        LayerSettings ls = vm.layers();
        switch (code) {
            case RIGHT, D -> vm.next();
            case LEFT, A -> vm.previous();
            case M -> toggle(ls.masksProperty());
            case B -> toggle(ls.boxesProperty());
            case L -> toggle(ls.labelsProperty());
            case K -> toggle(ls.keypointsProperty());
            case PLUS, ADD, EQUALS -> vp.zoomIn();
            case MINUS, SUBTRACT -> vp.zoomOut();
            case DIGIT0, NUMPAD0 -> vp.fit();
            case DIGIT1, NUMPAD1 -> vp.actualSize();
            case R -> vm.toolProperty().set(MainViewModel.Tool.BOX);
            case P -> vm.toolProperty().set(MainViewModel.Tool.POLYGON);
            case W -> vm.toolProperty().set(MainViewModel.Tool.BRUSH);
            case E -> vm.toolProperty().set(MainViewModel.Tool.ERASER);
            case OPEN_BRACKET -> vm.scaleBrush(0.8);
            case CLOSE_BRACKET -> vm.scaleBrush(1.25);
            case ESCAPE -> {
                if (vm.toolProperty().get() != MainViewModel.Tool.SELECT) vm.toolProperty().set(MainViewModel.Tool.SELECT);
                else vm.selectedProperty().set(null);
            }
            case ENTER -> {
                return vm.acceptSelected();
            }
            case DELETE, BACK_SPACE -> {
                return vm.deleteSelected();
            }
            default -> {
                if ("+".equals(text)) vp.zoomIn();
                else return false;
            }
        }
        return true;
    }

    private static void toggle(BooleanProperty p) {
        p.set(!p.get());
    }

    public static void showDialog(Window owner) {
        GridPane grid = new GridPane();
        grid.setHgap(24);
        grid.setVgap(6);
        int r = 0;
        for (Entry e : ALL) {
            Label k = new Label(e.keys());
            k.getStyleClass().add("shortcut-key");
            grid.addRow(r++, k, new Label(e.action()));
        }
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(owner);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        a.getDialogPane().setContent(grid);
        a.showAndWait();
    }
}
