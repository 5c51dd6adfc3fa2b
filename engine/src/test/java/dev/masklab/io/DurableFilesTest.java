package dev.masklab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saves through symbolic links, permissions, leftovers of killed writes, backups, failures. */
class DurableFilesTest {
    @TempDir
    Path tmp;

    static DurableFiles.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savingOntoASymlinkUpdatesTheLinkedFileAndKeepsTheLink() throws IOException {
        Path realDir = Files.createDirectory(tmp.resolve("real"));
        Path real = Files.writeString(realDir.resolve("data.json"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), real);
        Path chain = Files.createSymbolicLink(tmp.resolve("chain.json"), tmp.relativize(link)); // relative, 2 hops

        assertEquals(real.toRealPath(), DurableFiles.write(chain, text("new"), Backup.perSession()));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.isSymbolicLink(chain));
        assertEquals("new", Files.readString(real));
        assertEquals("new", Files.readString(chain));
        // the backup and the temporary file live beside the real file; nothing is left beside the links
        assertEquals(List.of("data.json", "data.json.bak"), names(realDir));
        assertEquals("old", Files.readString(realDir.resolve("data.json.bak")));
        assertEquals(List.of("chain.json", "link.json", "real"), names(tmp));

        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling.json"), realDir.resolve("later.json"));
        DurableFiles.write(dangling, text("created"));
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("created", Files.readString(realDir.resolve("later.json")));

        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, loop.getFileName());
        IOException e = assertThrows(IOException.class, () -> DurableFiles.write(loop, text("x")));
        assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
    }

    @Test
    void permissionsOfTheReplacedFileAreKeptAndNewFilesGetTheUmaskMode() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.json"), "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        DurableFiles.write(f, text("new"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxrw-rw-"));
        DurableFiles.write(f, text("newer"));
        assertEquals("rwxrw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));

        // a new file gets what an ordinary new file gets under the process umask (not createTempFile's 0600)
        Path ordinary = Files.writeString(tmp.resolve("ordinary"), "x");
        Path created = tmp.resolve("model.masklab");
        DurableFiles.write(created, text("x"));
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(created));
        assertTrue(
                Files.getPosixFilePermissions(created).contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                        || !Files.getPosixFilePermissions(ordinary)
                                .contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ));
    }

    @Test
    void leftoversOfKilledWritesAreCleanedOnTheNextWrite() throws IOException {
        Path f = Files.writeString(tmp.resolve("data.json"), "old");
        Files.writeString(tmp.resolve(".data.json.0000000000abc.tmp"), "partial");
        Files.writeString(tmp.resolve(".data.json.zzzzzzzzzzzzz.tmp"), "partial");
        // not ours: another file's temporary file, a user's file with a similar name
        Files.writeString(tmp.resolve(".data.json.autosave.0000000000abc.tmp"), "autosave in progress");
        Files.writeString(tmp.resolve(".data.json.notes.tmp"), "user file");
        DurableFiles.write(f, text("new"));
        assertEquals(List.of(".data.json.autosave.0000000000abc.tmp", ".data.json.notes.tmp", "data.json"), names(tmp));
        assertEquals("new", Files.readString(f));
    }

    @Test
    void aSessionBackupKeepsTheOriginalNotThePreviousSave() throws IOException {
        Path f = Files.writeString(tmp.resolve("data.json"), "original");
        Backup session = Backup.perSession();
        assertFalse(session.taken());
        DurableFiles.write(f, text("first save"), session);
        assertTrue(session.taken());
        DurableFiles.write(f, text("second save"), session);
        assertEquals("second save", Files.readString(f));
        assertEquals("original", Files.readString(DurableFiles.backupOf(f)));

        DurableFiles.write(f, text("next session"), Backup.perSession());
        assertEquals("second save", Files.readString(DurableFiles.backupOf(f)));
        DurableFiles.write(f, text("no backup"), Backup.none());
        assertEquals("second save", Files.readString(DurableFiles.backupOf(f)));

        // a first write that creates the file takes no backup: the next one of the session does
        Path g = tmp.resolve("new.json");
        Backup s2 = Backup.perSession();
        DurableFiles.write(g, text("created"), s2);
        assertFalse(s2.taken());
        assertFalse(Files.exists(DurableFiles.backupOf(g)));
    }

    @Test
    void aFailedWriteLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("data.json"), "old");
        IOException e = assertThrows(
                IOException.class,
                () -> DurableFiles.write(
                        f,
                        out -> {
                            out.write("half".getBytes(StandardCharsets.UTF_8));
                            throw new IOException("disk full");
                        },
                        Backup.perSession()));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("data.json"), names(tmp));

        // content that closes the stream (e.g. ObjectMapper.writeValue) still gets forced and renamed
        DurableFiles.write(f, out -> {
            out.write("closed".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertEquals("closed", Files.readString(f));
    }
}
