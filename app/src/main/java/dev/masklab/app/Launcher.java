package dev.masklab.app;

import javafx.application.Application;

/**
 * Plain entry point (not an Application subclass) so that JavaFX starts from the class path.
 * {@code --version} prints the version without opening a window; otherwise the optional argument is a dataset JSON.
 */
public final class Launcher {
    public static void main(String[] args) {
        for (String a : args) {
            if (a.equals("--version") || a.equals("-V")) {
                System.out.println("MaskLab " + AppInfo.version());
                return;
            }
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(
                        "Usage: masklab gui [DATASET.json]   opens the MaskLab window (optionally a COCO dataset)");
                System.out.println("       masklab gui --version        prints the version");
                return;
            }
        }
        Application.launch(MaskLabApp.class, args);
    }
}
