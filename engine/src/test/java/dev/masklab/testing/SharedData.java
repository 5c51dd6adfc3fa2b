package dev.masklab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the project's shared material (../shared from the project root: {@code data/coco-person-kp},
 * {@code data/labelme-voc}, {@code fixtures/coco-eval}, {@code tools}), for the engine's and the app's tests alike.
 * The build sets {@code -Dmasklab.shared}; run elsewhere (an IDE), the folder beside the project root is used.
 *
 * <p>Tests must not write there: an edited dataset journals its edits beside itself, so a test that edits a shared
 * dataset works on a {@link #workingCopy}.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder. */
    public static Path root() {
        String set = System.getProperty("masklab.shared");
        if (set != null) return Path.of(set);
        // the nearest folder holding the `masklab` launcher is the project root; shared/ is beside it
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("masklab")) && Files.isRegularFile(p.resolve("pom.xml")))
                return p.resolveSibling("shared");
        return Path.of("../shared");
    }

    /** A path inside the shared folder, e.g. {@code path("fixtures/coco-eval")}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The 4 COCO val2017 images with person polygons and 17 keypoints. */
    public static Path personDataset() {
        return path("data/coco-person-kp/test_coco.json");
    }

    /** The 3 VOC images with 20 classes. */
    public static Path vocDataset() {
        return path("data/labelme-voc/annotations.json");
    }

    /** The shared COCO-eval fixtures' folder. */
    public static Path evalFixtures() {
        return path("fixtures/coco-eval");
    }

    /** Whether {@code file} lies in the shared folder. */
    public static boolean isShared(Path file) {
        return file.toAbsolutePath()
                .normalize()
                .startsWith(root().toAbsolutePath().normalize());
    }

    /** {@link #workingCopy(Path, Path)} in a new temporary folder. */
    public static Path workingCopy(Path json) {
        try {
            return workingCopy(json, Files.createTempDirectory("masklab-test-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of the shared dataset {@code json} in {@code dir} (same file name), with the files and folders beside it
     * (its images) linked, so that edits, journals, backups and saves land in {@code dir}.
     */
    public static Path workingCopy(Path json, Path dir) {
        try {
            Files.createDirectories(dir);
            Path copy = dir.resolve(json.getFileName().toString());
            Files.copy(json, copy);
            try (DirectoryStream<Path> beside =
                    Files.newDirectoryStream(json.toAbsolutePath().getParent())) {
                for (Path p : beside) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".json") || name.contains(".json.")) continue;
                    Files.createSymbolicLink(dir.resolve(name), p.toAbsolutePath());
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
