package dev.masklab.app.canvas;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * Zoom and pan of the image canvas: screen = pan + image * zoom. Shared by the two canvases of the side-by-side view
 * so they move together. Pure arithmetic, testable without a display.
 */
public final class Viewport {
    public static final double MIN_ZOOM = 0.02;
    public static final double MAX_ZOOM = 32;
    public static final double STEP = 1.25;

    private final DoubleProperty zoom = new SimpleDoubleProperty(this, "zoom", 1);
    private final DoubleProperty panX = new SimpleDoubleProperty(this, "panX", 0);
    private final DoubleProperty panY = new SimpleDoubleProperty(this, "panY", 0);
    private double viewW = 1, viewH = 1, imageW = 1, imageH = 1;
    /** True from {@link #fit()} until the user zooms or pans: resizes and new images fit again. */
    private boolean fitting = true;

    public boolean isFitting() {
        return fitting;
    }

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public DoubleProperty panXProperty() {
        return panX;
    }

    public DoubleProperty panYProperty() {
        return panY;
    }

    public double zoom() {
        return zoom.get();
    }

    public void setViewSize(double w, double h) {
        viewW = Math.max(1, w);
        viewH = Math.max(1, h);
    }

    public void setImageSize(double w, double h) {
        imageW = Math.max(1, w);
        imageH = Math.max(1, h);
    }

    /** Whole image visible, centred. */
    public void fit() {
        fitting = true;
        double z = Math.clamp(Math.min(viewW / imageW, viewH / imageH), MIN_ZOOM, MAX_ZOOM);
        zoom.set(z);
        panX.set((viewW - imageW * z) / 2);
        panY.set((viewH - imageH * z) / 2);
    }

    /** One image pixel per screen pixel, centred on whole pixels (so pixels map exactly). */
    public void actualSize() {
        fitting = false;
        zoom.set(1);
        panX.set(Math.round((viewW - imageW) / 2));
        panY.set(Math.round((viewH - imageH) / 2));
    }

    /** Multiplies the zoom by {@code factor} keeping the image point under (sx, sy) in place. */
    public void zoomAt(double factor, double sx, double sy) {
        fitting = false;
        double z0 = zoom.get();
        double z1 = Math.clamp(z0 * factor, MIN_ZOOM, MAX_ZOOM);
        double ix = (sx - panX.get()) / z0, iy = (sy - panY.get()) / z0;
        zoom.set(z1);
        panX.set(sx - ix * z1);
        panY.set(sy - iy * z1);
    }

    public void zoomIn() {
        zoomAt(STEP, viewW / 2, viewH / 2);
    }

    public void zoomOut() {
        zoomAt(1 / STEP, viewW / 2, viewH / 2);
    }

    public void panBy(double dx, double dy) {
        fitting = false;
        panX.set(panX.get() + dx);
        panY.set(panY.get() + dy);
    }

    public double toImageX(double sx) {
        return (sx - panX.get()) / zoom.get();
    }

    public double toImageY(double sy) {
        return (sy - panY.get()) / zoom.get();
    }

    public double toScreenX(double ix) {
        return panX.get() + ix * zoom.get();
    }

    public double toScreenY(double iy) {
        return panY.get() + iy * zoom.get();
    }
}
