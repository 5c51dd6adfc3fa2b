package dev.masklab.cli;

import dev.masklab.coco.CocoFormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line descriptions of failures for CLI output (no stack traces). */
final class CliErrors {
    private CliErrors() {}

    /** "file: path: reason" for format errors, a readable line for I/O and other errors. */
    static String describe(Throwable e) {
        if (e instanceof CocoFormatException) return e.getMessage();
        if (e instanceof NoSuchFileException f) return f.getFile() + ": file or folder not found";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
        }
        if (e instanceof IOException) return e.getMessage() == null ? e.toString() : e.getMessage();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
