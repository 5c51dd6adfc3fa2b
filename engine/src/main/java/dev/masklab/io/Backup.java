package dev.masklab.io;

/**
 * When a {@link DurableFiles#write durable write} keeps the file it replaces as {@code NAME.bak}.
 *
 * <p>A backup is meant to hold the file as it was before the user's work began, so that a bad session can be undone
 * as a whole. An editing session therefore holds one {@link #perSession()} policy for its file: the first save that
 * replaces an existing file keeps it as {@code NAME.bak}; later saves of the session leave that backup alone (else the
 * second save would replace the untouched original by the first save's output). A one-shot writer (a CLI command)
 * uses a fresh {@link #perSession()} per run, which backs up the file it replaces. Thread-safe.
 */
public final class Backup {
    private final boolean enabled;
    private boolean taken;

    private Backup(boolean enabled) {
        this.enabled = enabled;
    }

    /** No backup (files the program itself rewrites: autosaves, checkpoints' pointers). */
    public static Backup none() {
        return new Backup(false);
    }

    /** Back up the replaced file at the first write that replaces one, not again. */
    public static Backup perSession() {
        return new Backup(true);
    }

    /** True once a backup was made (always false for {@link #none()}). */
    public synchronized boolean taken() {
        return taken;
    }

    /** Whether the write about to replace an existing file must back it up. */
    synchronized boolean wanted() {
        return enabled && !taken;
    }

    /** The backup was made. */
    synchronized void markTaken() {
        taken = true;
    }
}
