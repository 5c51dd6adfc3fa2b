package dev.masklab.model.io;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that cannot be read: names the file and what is wrong with it. */
public final class CheckpointException extends IOException {
    private final Path file;

    public CheckpointException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public CheckpointException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
