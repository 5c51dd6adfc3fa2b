package dev.masklab.app.view;

import javafx.scene.control.Alert;
import javafx.stage.Window;

/** The app's message dialogs, one look for all views. */
final class Dialogs {
    private Dialogs() {
    }

    /** Tests run without modal dialogs (they would block the robot). */
    static boolean headless() {
        return Boolean.getBoolean("testfx.headless");
    }

    /** An error dialog (not shown yet: the caller shows it, waiting or not). */
    static Alert error(Window owner, String header, String text) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        if (owner != null) a.initOwner(owner);
        a.setTitle("MaskLab");
        a.setHeaderText(header);
        a.setContentText(text);
        return a;
    }
}
