package dev.masklab.app.canvas;

import dev.masklab.app.model.ImageEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.image.Image;

/**
 * Loads an image for the canvas off the FX thread. Images larger than {@link #MAX_DISPLAY_SIDE} on a side are decoded
 * downsampled (display only: annotations keep their full-resolution coordinates and the canvas scales the image back
 * to the dataset's size).
 */
public final class ImageService {
    public static final int MAX_DISPLAY_SIDE = 4096;

    /** A loaded image, or the reason why there is none. */
    public record Loaded(ImageEntry entry, Image image, String error) {
        public boolean ok() {
            return image != null;
        }
    }

    public Loaded loadBlocking(ImageEntry e) {
        Path f = e.file();
        if (f == null || !Files.isRegularFile(f))
            return new Loaded(e, null, "Image file not found: " + (f == null ? e.fileName() : f));
        int w = e.width(), h = e.height();
        double reqW = 0, reqH = 0;
        if (w > MAX_DISPLAY_SIDE || h > MAX_DISPLAY_SIDE) {
            double s = (double) MAX_DISPLAY_SIDE / Math.max(w, h);
            reqW = Math.max(1, Math.round(w * s));
            reqH = Math.max(1, Math.round(h * s));
        }
        // both target sides computed here (ratio kept to a pixel), so the long side is exactly MAX_DISPLAY_SIDE
        Image img = new Image(f.toUri().toString(), reqW, reqH, false, true, false);
        if (img.isError()) {
            String why = img.getException() == null
                    ? "unknown format"
                    : img.getException().getMessage();
            return new Loaded(e, null, "Cannot decode " + f.getFileName() + ": " + why);
        }
        return new Loaded(e, img, null);
    }
}
