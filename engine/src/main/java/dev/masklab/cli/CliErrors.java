package dev.masklab.cli;

import dev.masklab.coco.CocoFormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * One-line descriptions of failures for users (no stack traces), shared by the CLI commands and the app's dialogs.
 * JVM {@link Error}s get a hint instead of their class name: out of memory names how to raise the heap, a stack
 * overflow says the input nests too deeply.
 */
public final class CliErrors {
    /** What to tell a user to give the JVM more memory. */
    public static final String HEAP_HINT =
            "raise the Java heap, e.g. MASKLAB_HEAP=-Xmx16g for the masklab script" + " or -Xmx16g for java";

    private CliErrors() {}

    /** "file: path: reason" for format errors, a readable line for I/O, other exceptions and JVM errors. */
    public static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) return "out of memory (" + firstLine(e.getMessage()) + "); " + HEAP_HINT;
        if (e instanceof StackOverflowError) {
            return "stack overflow: the input nests too deeply (or raise the thread stack with -Xss)";
        }
        if (e instanceof Error)
            return "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
        if (e instanceof CocoFormatException) return e.getMessage();
        if (e instanceof NoSuchFileException f) return f.getFile() + ": file or folder not found";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
        }
        if (e instanceof IOException) return e.getMessage() == null ? e.toString() : firstLine(e.getMessage());
        return e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) return "no details";
        String line = s.lines().findFirst().orElse("").strip();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
