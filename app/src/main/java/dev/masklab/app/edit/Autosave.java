package dev.masklab.app.edit;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoWriter;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Crash insurance for unsaved corrections: while a dataset has unsaved edits, the app writes its annotations now and
 * then to {@code NAME.json.autosave} beside it. Saving, or quitting without unsaved edits, removes that file; if the app
 * ends otherwise (a crash, a killed process, a power cut) the next opening of the dataset finds an autosave newer than
 * the dataset and offers to recover it. A declined autosave is kept as {@code NAME.json.autosave.old}, not deleted.
 */
public final class Autosave {
    private Autosave() {
    }

    /** {@code NAME.json.autosave} beside {@code json}. */
    public static Path fileFor(Path json) {
        Path abs = json.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".autosave");
    }

    /** The autosave of {@code json} when there is one newer than the dataset (edits that were never saved). */
    public static Optional<Path> pending(Path json) {
        Path a = fileFor(json);
        try {
            if (Files.isRegularFile(a) && (!Files.exists(json)
                    || Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(json)) > 0)) {
                return Optional.of(a);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Writes {@code snapshot} (a {@link CocoDataset#shallowCopy()} taken where the edits happen, so this may run on
     * another thread) to the autosave of {@code json}: durably ({@link DurableFiles}), without a {@code .bak}.
     */
    public static void write(CocoDataset snapshot, Path json) throws IOException {
        DurableFiles.write(fileFor(json), out -> CocoWriter.write(snapshot, out));
    }

    /** Removes the autosave of {@code json}, if any (its edits are saved, or there are none). */
    public static void delete(Path json) throws IOException {
        Files.deleteIfExists(fileFor(json));
    }

    /** Keeps a declined autosave as {@code NAME.json.autosave.old} (replacing an older one); returns that file. */
    public static Path setAside(Path json) throws IOException {
        Path a = fileFor(json);
        Path old = a.resolveSibling(a.getFileName() + ".old");
        Files.move(a, old, StandardCopyOption.REPLACE_EXISTING);
        return old;
    }
}
