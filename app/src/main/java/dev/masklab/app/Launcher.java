package dev.masklab.app;

/** Plain entry point (not an Application subclass) so that JavaFX starts from the class path. */
public final class Launcher {
    public static void main(String[] args) {
        System.out.println("MaskLab app: not built yet");
    }
}
