package dev.masklab.app.canvas;

import dev.masklab.app.model.InstanceMask;
import java.util.List;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * The mask layer: every drawn instance's mask composed into one ARGB image ({@link MaskRasterizer#compose}) when the
 * instances, colours, opacity or mask layers change, then drawn with one drawImage per frame. It also answers which
 * instance a pixel shows (the topmost).
 */
final class OverlayLayer {
    private MaskRasterizer.Overlay overlay;
    private WritableImage image;
    private int width, height;

    void clear() {
        overlay = null;
        image = null;
    }

    /**
     * Composes {@code masks} (null entries: instances without a mask) at display size {@code w x h}.
     *
     * @param colors 0xRRGGBB per mask
     */
    void compose(
            int w,
            int h,
            List<InstanceMask> masks,
            int[] colors,
            boolean[] crowd,
            double opacity,
            boolean fill,
            boolean outline) {
        width = w;
        height = h;
        overlay = MaskRasterizer.compose(w, h, masks, colors, crowd, opacity, fill, outline);
        if (fill || outline) {
            if (image == null || image.getWidth() != w || image.getHeight() != h) image = new WritableImage(w, h);
            image.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), overlay.argb(), 0, w);
        } else {
            image = null;
        }
    }

    /** Draws the composed masks over the image's screen rectangle. */
    void draw(GraphicsContext g, double x, double y, double w, double h) {
        if (image != null) g.drawImage(image, x, y, w, h);
    }

    /**
     * Index of the topmost mask at display pixel (x, y) in the list last composed, or -1 (none, or nothing composed).
     */
    int instanceAt(int x, int y) {
        if (overlay == null || x < 0 || y < 0 || x >= width || y >= height) return -1;
        return overlay.instanceAt(x, y);
    }

    /** The composed ARGB at display pixel (x, y), 0 outside or when nothing is composed. */
    int argbAt(int x, int y) {
        if (overlay == null || x < 0 || y < 0 || x >= width || y >= height) return 0;
        return overlay.argb()[y * width + x];
    }

    boolean composed() {
        return overlay != null;
    }
}
