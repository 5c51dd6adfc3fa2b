package dev.masklab.app.evaluation;

import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.coco.CocoResult;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.function.LongToIntFunction;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * One side of the side-by-side view: an image scaled to fit, one result set's masks composed over it (category colors,
 * translucent) and their boxes with category and score. Drawing only: what to show is computed elsewhere
 * ({@link #overlay} off the FX thread).
 */
final class DetectionPane extends Region {
    /** Mask opacity of the overlay (0..255). */
    private static final int ALPHA = 110;

    private final Canvas canvas = new Canvas();
    private String title;
    private Image image;
    private Image overlay;
    private int width;
    private int height;
    private List<CocoResult> detections = List.of();
    private LongFunction<String> categoryName = id -> Long.toString(id);
    private LongToIntFunction categoryRgb = id -> 0xFFFFFF;
    private String message = "Choose an image";

    DetectionPane(String title) {
        this.title = title;
        getChildren().add(canvas);
        getStyleClass().add("detection-pane");
        setMinSize(120, 120);
    }

    /**
     * Shows an image ({@code null}: a placeholder with {@code why}) of {@code width} x {@code height} dataset pixels
     * with its detections and their masks' overlay (null: boxes only).
     */
    void show(
            Image image,
            String why,
            int width,
            int height,
            List<CocoResult> detections,
            Image overlay,
            LongFunction<String> categoryName,
            LongToIntFunction categoryRgb) {
        this.image = image;
        this.message = why;
        this.width = width;
        this.height = height;
        this.detections = List.copyOf(detections);
        this.overlay = overlay;
        this.categoryName = categoryName;
        this.categoryRgb = categoryRgb;
        draw();
    }

    void setTitle(String title) {
        this.title = title;
        draw();
    }

    /** The detections drawn. */
    List<CocoResult> detections() {
        return detections;
    }

    /**
     * The masks of {@code detections} composed into one ARGB image of the dataset's size (later over earlier: the
     * lowest score on top is avoided by drawing highest score last), or null when there are no masks or the image is
     * too large to compose (more than 2^24 pixels: boxes are drawn then). Safe off the FX thread.
     */
    static Image overlay(List<CocoResult> detections, int width, int height, LongToIntFunction categoryRgb) {
        if ((long) width * height > (1L << 24) || width <= 0 || height <= 0) return null;
        if (detections.stream().noneMatch(d -> d.segmentation() != null)) return null;
        int[] argb = new int[width * height];
        for (int i = detections.size() - 1; i >= 0; i--) {
            CocoResult d = detections.get(i);
            if (d.segmentation() == null) continue;
            byte[] m = d.mask(height, width).decode();
            int c = (ALPHA << 24) | (categoryRgb.applyAsInt(d.categoryId()) & 0xFFFFFF);
            for (int p = 0; p < m.length; p++) if (m[p] != 0) argb[p] = c;
        }
        WritableImage img = new WritableImage(width, height);
        img.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), argb, 0, width);
        return img;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        double cw = canvas.getWidth();
        double ch = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.rgb(40, 40, 40));
        g.fillRect(0, 0, cw, ch);
        double top = 22;
        g.setFont(Font.font(13));
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(Color.WHITE);
        g.fillText(title + (image == null && width == 0 ? "" : " (" + detections.size() + " shown)"), 6, 4);
        if (width <= 0 || height <= 0 || ch - top <= 0) {
            if (message != null) g.fillText(message, 6, top + 4);
            return;
        }
        double s = Math.min(cw / width, (ch - top) / height);
        double ox = (cw - width * s) / 2;
        double oy = top + (ch - top - height * s) / 2;
        if (image != null) {
            g.drawImage(image, ox, oy, width * s, height * s);
        } else {
            g.setFill(Color.rgb(70, 70, 70));
            g.fillRect(ox, oy, width * s, height * s);
            g.setFill(Color.WHITE);
            if (message != null) g.fillText(message, ox + 6, oy + 6);
        }
        if (overlay != null) g.drawImage(overlay, ox, oy, width * s, height * s);
        g.setLineWidth(2);
        g.setFont(Font.font(11));
        g.setTextBaseline(VPos.BOTTOM);
        for (CocoResult d : detections) {
            if (d.bbox() == null) continue;
            Color c = ColorPalette.toColor(categoryRgb.applyAsInt(d.categoryId()));
            double x = ox + d.bbox()[0] * s;
            double y = oy + d.bbox()[1] * s;
            g.setStroke(c);
            g.strokeRect(x, y, d.bbox()[2] * s, d.bbox()[3] * s);
            g.setFill(c);
            g.fillText(
                    String.format(Locale.ROOT, "%s %.2f", categoryName.apply(d.categoryId()), d.score()),
                    x + 2,
                    Math.max(top + 12, y - 1));
        }
    }
}
