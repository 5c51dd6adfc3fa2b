package dev.masklab.app.document;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Most-recently-opened dataset files, newest first, kept in {@link java.util.prefs.Preferences}. */
public final class RecentDatasets {
    public static final int MAX = 10;
    private static final String KEY = "recent.";
    private final Preferences node;

    /** The user's MaskLab preferences. */
    public RecentDatasets() {
        this(Preferences.userRoot().node("dev/masklab/app"));
    }

    /** A given node (tests use a throw-away one). */
    public RecentDatasets(Preferences node) {
        this.node = node;
    }

    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String s = node.get(KEY + i, null);
            if (s == null) break;
            out.add(Path.of(s));
        }
        return out;
    }

    /** Moves {@code file} to the front, dropping the oldest beyond {@link #MAX}. */
    public void add(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> items = list();
        items.remove(abs);
        items.addFirst(abs);
        save(items);
    }

    public void remove(Path file) {
        List<Path> items = list();
        items.remove(file.toAbsolutePath().normalize());
        save(items);
    }

    public void clear() {
        save(List.of());
    }

    private void save(List<Path> items) {
        for (int i = 0; i < MAX; i++) {
            if (i < items.size()) node.put(KEY + i, items.get(i).toString());
            else node.remove(KEY + i);
        }
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // preferences are a convenience: an unwritable store must not break opening a dataset
        }
    }
}
