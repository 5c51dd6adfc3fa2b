package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.ActionFactory.Shortcut;
import dev.masklab.app.dialog.DialogService;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;

/** Help > Keyboard shortcuts: the action table's keys ({@link ActionFactory#shortcuts()}) and the mouse gestures. */
public final class Shortcuts {
    /** What the mouse does on the image (gestures, not commands). */
    public static final List<Shortcut> MOUSE = List.of(
            new Shortcut("Drag", "Pan"),
            new Shortcut("Click", "Select the instance (shown in the inspector)"),
            new Shortcut("Drag a handle", "Move a box corner, polygon vertex or keypoint of the selected annotation"),
            new Shortcut(
                    "Right-click",
                    "On the selected annotation's keypoint: cycle visibility; elsewhere: place an "
                            + "unlabelled keypoint"));

    private Shortcuts() {}

    /** Every key, then the mouse gestures. */
    public static List<Shortcut> all() {
        List<Shortcut> out = new ArrayList<>(ActionFactory.shortcuts());
        out.addAll(MOUSE);
        return out;
    }

    /** The list as a two-column table in a scroll pane (it fits a 1366x768 screen). */
    public static ScrollPane table() {
        GridPane grid = new GridPane();
        grid.setHgap(24);
        grid.setVgap(6);
        int r = 0;
        for (Shortcut e : all()) {
            Label k = new Label(e.keys());
            k.getStyleClass().add("shortcut-key");
            Label v = new Label(e.action());
            v.setWrapText(true);
            v.setMaxWidth(480);
            grid.addRow(r++, k, v);
        }
        ScrollPane sp = new ScrollPane(grid);
        sp.setId("shortcutList");
        sp.setFitToWidth(true);
        sp.setPrefViewportHeight(520);
        sp.setPrefViewportWidth(720);
        return sp;
    }

    public static void showDialog(DialogService dialogs) {
        dialogs.showContent("Keyboard shortcuts", table());
    }
}
