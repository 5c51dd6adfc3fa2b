package dev.masklab.app.main;

import dev.masklab.app.prediction.ViewMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;

/**
 * What the window remembers across restarts, in {@link Preferences} (as {@code RecentDatasets}): its size and place,
 * the view mode, the score threshold, the image last shown per dataset and the folder last opened from.
 */
public final class SessionPreferences {
    private final Preferences node;

    /** The user's MaskLab preferences. */
    public SessionPreferences() {
        this(Preferences.userRoot().node("dev/masklab/app"));
    }

    /** A given node (tests use a throw-away one). */
    public SessionPreferences(Preferences node) {
        this.node = node;
    }

    /**
     * The window's bounds: the remembered ones when they fit {@code screen}, else 90% of it (at most 1400 x 860),
     * centred; never larger than the screen's visible area.
     */
    public Rectangle2D windowBounds(Rectangle2D screen) {
        double w = node.getDouble("window.w", -1), h = node.getDouble("window.h", -1);
        double x = node.getDouble("window.x", Double.NaN), y = node.getDouble("window.y", Double.NaN);
        if (w <= 0 || h <= 0) {
            w = Math.min(1400, screen.getWidth() * 0.9);
            h = Math.min(860, screen.getHeight() * 0.9);
            x = Double.NaN;
        }
        w = Math.min(w, screen.getWidth());
        h = Math.min(h, screen.getHeight());
        if (Double.isNaN(x)
                || Double.isNaN(y)
                || x < screen.getMinX()
                || y < screen.getMinY()
                || x + w > screen.getMaxX()
                || y + h > screen.getMaxY()) {
            x = screen.getMinX() + (screen.getWidth() - w) / 2;
            y = screen.getMinY() + (screen.getHeight() - h) / 2;
        }
        return new Rectangle2D(x, y, w, h);
    }

    public void saveWindowBounds(double x, double y, double w, double h) {
        node.putDouble("window.x", x);
        node.putDouble("window.y", y);
        node.putDouble("window.w", w);
        node.putDouble("window.h", h);
        flush();
    }

    public ViewMode viewMode() {
        try {
            return ViewMode.valueOf(node.get("viewMode", ViewMode.SIDE_BY_SIDE.name()));
        } catch (IllegalArgumentException e) {
            return ViewMode.SIDE_BY_SIDE;
        }
    }

    public void saveViewMode(ViewMode m) {
        node.put("viewMode", m.name());
        flush();
    }

    /** The score threshold, 0.5 unless remembered (clamped to 0..1). */
    public double scoreThreshold() {
        return Math.clamp(node.getDouble("scoreThreshold", 0.5), 0, 1);
    }

    /** Not flushed here (a slider drag sets it many times): the store writes it back on its own and at exit. */
    public void saveScoreThreshold(double t) {
        node.putDouble("scoreThreshold", t);
    }

    /** The image last shown of the dataset {@code json}, if remembered. */
    public OptionalLong lastImage(Path json) {
        String v = node.get(imageKey(json), null);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Not flushed here (each image step sets it). */
    public void saveLastImage(Path json, long imageId) {
        node.put(imageKey(json), Long.toString(imageId));
    }

    /** A key per dataset file within the preferences' 80-character limit. */
    private static String imageKey(Path json) {
        return "image."
                + Integer.toHexString(
                        json.toAbsolutePath().normalize().toString().hashCode());
    }

    /** The folder a dataset was last opened from, when it still exists. */
    public Path lastFolder() {
        String s = node.get("lastFolder", null);
        if (s == null) return null;
        Path p = Path.of(s);
        return Files.isDirectory(p) ? p : null;
    }

    public void saveLastFolder(Path folder) {
        if (folder == null) return;
        node.put("lastFolder", folder.toAbsolutePath().toString());
        flush();
    }

    private void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // preferences are a convenience: an unwritable store must not break the window
        }
    }
}
