package dev.masklab.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Durable, atomic, link-safe replacement of a whole file, the way SQLite makes a commit survive a crash or power cut:
 * <ol>
 *   <li>symbolic links are followed to the real file, so a save onto a link updates the linked file and keeps the
 *       link;</li>
 *   <li>leftover temporary files of earlier writes of that file that were killed ({@code .NAME.XXXXXXXXXXXXX.tmp}) are
 *       removed;</li>
 *   <li>the content goes to a new temporary file in the real file's folder, which is then {@code force}d (data and
 *       metadata reach the disk);</li>
 *   <li>the temporary file gets the replaced file's POSIX permissions (a new file gets the usual umask mode, e.g.
 *       0644, not the owner-only 0600 of {@link Files#createTempFile});</li>
 *   <li>optionally the replaced file is kept as {@code NAME.bak} (a hard link, or a durable copy where links are not
 *       possible), see {@link Backup};</li>
 *   <li>the temporary file is renamed over the target atomically, and the folder is {@code force}d so that the rename
 *       itself is on disk.</li>
 * </ol>
 * A crash at any moment leaves the target either complete and old or complete and new, never partial. On failure the
 * target is untouched and the temporary file removed. Writes of the same file from two processes at once are not
 * supported (the last rename wins; one may remove the other's temporary file as a leftover).
 */
public final class DurableFiles {
    /** Symbolic links followed before giving up (as Linux's ELOOP limit). */
    private static final int MAX_LINKS = 40;

    private static final int SUFFIX_CHARS = 13; // a 64-bit number in base 36

    private DurableFiles() {}

    /** Something that writes a whole file's content; the stream is buffered (closing it only flushes it). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Called with the complete, forced temporary file before it is renamed over the target. */
    @FunctionalInterface
    public interface BeforeReplace {
        void ready(Path complete) throws IOException;
    }

    /** Replaces {@code target}'s content durably, without a backup; returns the real file written. */
    public static Path write(Path target, Content content) throws IOException {
        return write(target, content, Backup.none());
    }

    /**
     * Replaces {@code target}'s content durably (see the class comment); an existing file is kept as {@code NAME.bak}
     * beside the real file when {@code backup} asks for it. Returns the real file written.
     */
    public static Path write(Path target, Content content, Backup backup) throws IOException {
        return write(target, content, backup, complete -> {});
    }

    /**
     * As {@link #write(Path, Content, Backup)}; {@code beforeReplace} is called with the complete temporary file, on
     * disk, just before it replaces the target (an edit journal records there which file the save produces, so that a
     * crash after the rename finds the record). When it throws, the target is untouched.
     */
    public static Path write(Path target, Content content, Backup backup, BeforeReplace beforeReplace)
            throws IOException {
        Path real = realTarget(target);
        Path dir = real.getParent();
        Files.createDirectories(dir);
        removeLeftovers(real);
        Path tmp = real.resolveSibling(tempName(real.getFileName().toString()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush(); // the channel stays open for the force below
                    }
                });
                out.flush();
                ch.force(true);
            }
            beforeReplace.ready(tmp);
            boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
            if (exists) {
                keepPermissions(real, tmp);
                if (backup.wanted()) {
                    keepBackup(real);
                    backup.markTaken();
                }
            }
            try {
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            return real;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies {@code source} to {@code target} durably (as {@link #write}: temporary file, force, rename). */
    public static Path copy(Path source, Path target) throws IOException {
        return write(target, out -> {
            try (InputStream in = Files.newInputStream(source)) {
                in.transferTo(out);
            }
        });
    }

    /**
     * The file a write of {@code path} changes: the path itself, or, for a symbolic link (also a dangling one, or a
     * chain of them), the file it points to. Absolute.
     */
    public static Path realTarget(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (i == MAX_LINKS)
                throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
            Path link = Files.readSymbolicLink(p);
            p = p.resolveSibling(link).normalize();
        }
        Path parent = p.getParent();
        if (parent != null && Files.isDirectory(parent)) p = parent.toRealPath().resolve(p.getFileName());
        return p;
    }

    /**
     * Forces a folder's entries (a rename, a new or deleted file) to disk. File systems or platforms that refuse to
     * open or sync a folder (Windows) are skipped: there the rename is as durable as the OS makes it.
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (!Files.isDirectory(dir)) throw e instanceof IOException io ? io : new IOException(e);
            // the OS refuses to open or sync a folder: nothing more can be done
        }
    }

    /** Deletes {@code file} (when present) and forces its folder, so the deletion survives a crash. */
    public static void delete(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.deleteIfExists(abs) && abs.getParent() != null) syncDirectory(abs.getParent());
    }

    /** {@code NAME.bak} beside {@code file}. */
    public static Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String tempName(String name) {
        String r = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return "." + name + "." + "0".repeat(SUFFIX_CHARS - r.length()) + r + ".tmp";
    }

    /** Removes {@code .NAME.XXXXXXXXXXXXX.tmp} files left by writes of {@code real} that were killed. */
    private static void removeLeftovers(Path real) throws IOException {
        String name = real.getFileName().toString();
        Pattern temp = Pattern.compile("\\." + Pattern.quote(name) + "\\.[0-9a-z]{" + SUFFIX_CHARS + "}\\.tmp");
        boolean removed = false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(real.getParent(), "." + globQuote(name) + ".*.tmp")) {
            for (Path p : ds) {
                if (temp.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    removed |= Files.deleteIfExists(p);
                }
            }
        }
        if (removed) syncDirectory(real.getParent());
    }

    private static String globQuote(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view == null) return; // not a POSIX file system: the default permissions stay
        Files.setPosixFilePermissions(to, view.readAttributes().permissions());
    }

    /** {@code NAME.bak} := the current {@code real}, durably (the folder sync after the rename covers the link). */
    private static void keepBackup(Path real) throws IOException {
        Path bak = backupOf(real);
        Files.deleteIfExists(bak);
        try {
            Files.createLink(bak, real); // cheap for big files; the content is already on disk
        } catch (IOException | UnsupportedOperationException e) {
            copy(real, bak);
        }
    }
}
