package dev.masklab.app.model;

import dev.masklab.app.document.ImageRootResolver;
import dev.masklab.coco.CocoDataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open dataset: the engine's model (kept for reading prediction files against it) and the app's view of it.
 *
 * @param images      the images as opened (the view-model's list follows later edits of the annotations)
 * @param imageRoot   the folder image file names were resolved against
 * @param rootFound   false when no sampled image existed under any candidate folder (the user is asked for one)
 * @param warnings    problems the reader reported (shown, not fatal)
 */
public record LoadedDataset(
        Path jsonFile,
        Path imageRoot,
        boolean rootFound,
        CocoDataset coco,
        List<ImageEntry> images,
        List<CategoryInfo> categories,
        List<String> warnings) {
    public LoadedDataset {
        images = List.copyOf(images);
        categories = List.copyOf(categories);
        warnings = List.copyOf(warnings);
    }

    public Map<Integer, CategoryInfo> categoriesById() {
        Map<Integer, CategoryInfo> m = new LinkedHashMap<>();
        for (CategoryInfo c : categories) m.put(c.id(), c);
        return m;
    }

    public int instanceCount() {
        int n = 0;
        for (ImageEntry e : images) n += e.annotations().size();
        return n;
    }

    /** The same dataset saved under another name (Save as); image files stay where they were found. */
    public LoadedDataset withJsonFile(Path file) {
        return new LoadedDataset(file, imageRoot, rootFound, coco, images, categories, warnings);
    }

    /** The same dataset with image files resolved against another root (chosen by the user). */
    public LoadedDataset withImageRoot(Path root) {
        List<ImageEntry> moved = images.stream()
                .map(e -> e.withFile(ImageRootResolver.resolveFile(root, e.fileName())))
                .toList();
        return new LoadedDataset(
                jsonFile,
                root,
                ImageRootResolver.hits(
                                root, images.stream().map(ImageEntry::fileName).toList())
                        > 0,
                coco,
                moved,
                categories,
                warnings);
    }
}
