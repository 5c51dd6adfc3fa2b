package dev.masklab.app.model;

import java.nio.file.Path;
import java.util.List;

/**
 * One image of the open dataset with its ground-truth instances.
 *
 * @param file the resolved image file (may not exist: the viewer then shows a placeholder)
 */
public record ImageEntry(long id, String fileName, int width, int height, Path file, List<Instance> annotations) {
    public ImageEntry {
        annotations = List.copyOf(annotations);
    }

    public boolean hasCrowd() {
        for (Instance a : annotations) if (a.crowd()) return true;
        return false;
    }

    public boolean hasCategory(int categoryId) {
        for (Instance a : annotations) if (a.categoryId() == categoryId) return true;
        return false;
    }

    public ImageEntry withFile(Path newFile) {
        return new ImageEntry(id, fileName, width, height, newFile, annotations);
    }
}
