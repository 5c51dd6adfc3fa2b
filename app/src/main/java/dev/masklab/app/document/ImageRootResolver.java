package dev.masklab.app.document;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the folder that image {@code file_name}s are relative to. Candidates, in order: the JSON's folder (relative
 * names like {@code JPEGImages/x.jpg}), its {@code images/} subfolder, the parent folder and the parent's
 * {@code images/} (COCO's {@code annotations/} + {@code images/} layout). The candidate under which most of a sample of
 * the file names exist wins; none when no sampled file exists anywhere.
 */
public final class ImageRootResolver {
    /** How many file names are checked per candidate (spread over the list), so 100k-image datasets resolve fast. */
    static final int SAMPLE = 25;

    private ImageRootResolver() {}

    public static List<Path> candidates(Path jsonFile) {
        Path dir = jsonFile.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        if (dir == null) return out;
        out.add(dir);
        out.add(dir.resolve("images"));
        Path parent = dir.getParent();
        if (parent != null) {
            out.add(parent);
            out.add(parent.resolve("images"));
        }
        return out;
    }

    /** The best candidate root for these file names, or empty when none of the sampled files exists. */
    public static Optional<Path> resolve(Path jsonFile, List<String> fileNames) {
        if (fileNames.isEmpty())
            return Optional.ofNullable(jsonFile.toAbsolutePath().getParent());
        Path best = null;
        int bestHits = 0;
        for (Path c : candidates(jsonFile)) {
            int hits = hits(c, fileNames);
            if (hits > bestHits) {
                best = c;
                bestHits = hits;
            }
        }
        return Optional.ofNullable(best);
    }

    /** How many of the sampled file names exist under {@code root}. */
    public static int hits(Path root, List<String> fileNames) {
        if (!Files.isDirectory(root)) return 0;
        int n = fileNames.size();
        int step = Math.max(1, n / SAMPLE);
        int hits = 0;
        for (int i = 0; i < n; i += step) {
            Path p = resolveFile(root, fileNames.get(i));
            if (p != null && Files.isRegularFile(p)) hits++;
        }
        return hits;
    }

    /** {@code root/fileName}, or null when the name is not a valid path on this system. */
    public static Path resolveFile(Path root, String fileName) {
        if (fileName == null || fileName.isEmpty()) return null;
        try {
            Path f = Path.of(fileName);
            return f.isAbsolute() ? f : root.resolve(f).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
