package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.io.Backup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edit journal's replay, torn and corrupt lines, stale journals and saves while edits go on. */
class EditJournalTest {
    @TempDir
    Path tmp;

    Path file;

    Path dataset() throws IOException {
        file = tmp.resolve("data.json");
        CocoWriter.write(JournalEdits.dataset(), file);
        return file;
    }

    /** Applies edits 0..n-1 of round 0 to ds, journaling them. */
    static void edit(EditJournal j, CocoDataset ds, int from, int to) throws IOException {
        for (int k = from; k < to; k++) {
            EditJournal.Op op = JournalEdits.edit(ds, 0, k);
            j.append(op);
            op.applyTo(ds);
        }
    }

    CocoDataset recover() throws IOException {
        CocoDataset ds = CocoReader.read(file);
        try (EditJournal j = EditJournal.open(file)) {
            j.replayInto(ds);
        }
        return ds;
    }

    @Test
    void replayGivesBackEveryEditAndAppendsContinue() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        try (EditJournal j = EditJournal.open(file)) {
            assertFalse(j.pending());
            edit(j, ds, 0, 12);
            assertEquals(12, j.sequence());
        }
        CocoDataset back = CocoReader.read(file);
        try (EditJournal j = EditJournal.open(file)) {
            assertTrue(j.pending());
            assertThrows(IllegalStateException.class, () -> j.append(new EditJournal.Remove(1)));
            assertEquals(12, j.replayInto(back));
            assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(back));
            edit(j, back, 12, 20); // the recovered session goes on
        }
        for (int k = 12; k < 20; k++) JournalEdits.edit(ds, 0, k).applyTo(ds);
        assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(recover()));
    }

    @Test
    void aTornOrCorruptLineEndsTheJournalAndIsCutOff() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        String after5;
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 5);
            after5 = JournalEdits.canonical(ds);
            edit(j, ds, 5, 6);
        }
        Path jf = EditJournal.fileFor(file);
        List<String> lines = Files.readAllLines(jf);
        assertEquals(7, lines.size()); // header + 6 edits
        // a torn last line (no LF): the 6th edit is ignored
        Files.writeString(
                jf, String.join("\n", lines.subList(0, 6)) + "\n" + lines.get(6).substring(0, 30));
        CocoDataset back = CocoReader.read(file);
        try (EditJournal j = EditJournal.open(file)) {
            assertEquals(5, j.replayInto(back));
            assertEquals(after5, JournalEdits.canonical(back));
            edit(j, back, 5, 6); // appended after the cut, not glued to the torn bytes
        }
        assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(recover()));

        // a flipped byte in a complete line: the checksum stops the replay there
        lines = Files.readAllLines(jf);
        String bad = lines.get(3).replaceFirst("\"seq\":3", "\"seq\":9");
        lines.set(3, bad);
        Files.write(jf, lines);
        CocoDataset partial = CocoReader.read(file);
        try (EditJournal j = EditJournal.open(file)) {
            assertEquals(2, j.replayInto(partial));
        }
    }

    @Test
    void aJournalOfAnotherVersionOfTheFileIsSetAsideNotReplayed() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 4);
        }
        // another program rewrites the dataset: the journal's edits do not belong to it
        CocoDataset other = JournalEdits.dataset();
        other.removeAnnotation(3);
        CocoWriter.write(other, file, Backup.none());
        CocoDataset back = CocoReader.read(file);
        try (EditJournal j = EditJournal.open(file)) {
            assertEquals(0, j.replayInto(back));
        }
        assertEquals(JournalEdits.canonical(other), JournalEdits.canonical(back));
        assertFalse(Files.exists(EditJournal.fileFor(file)));
        assertTrue(Files.exists(tmp.resolve("data.json.journal.stale")));
    }

    @Test
    void saveCompactsTheJournalAndKeepsEditsMadeWhileItWrites() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        Backup backup = Backup.perSession();
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 6);
            j.save(ds.shallowCopy(), j.sequence(), backup);
            assertFalse(Files.exists(j.file()), "nothing after the save: the journal is gone");
            assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(CocoReader.read(file)));

            // a snapshot taken, then more edits before the save finishes
            CocoDataset snapshot = ds.shallowCopy();
            long at = j.sequence();
            edit(j, ds, 6, 9);
            String saved = JournalEdits.canonical(snapshot);
            j.save(snapshot, at, backup);
            assertEquals(saved, JournalEdits.canonical(CocoReader.read(file)));
            assertTrue(Files.exists(j.file()), "the 3 later edits stay journaled");
            assertEquals(4, Files.readAllLines(j.file()).size()); // header + 3 edits
        }
        assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(recover()));
        // the session backup is the file as it was before the session
        assertEquals(
                JournalEdits.canonical(JournalEdits.dataset()),
                JournalEdits.canonical(CocoReader.read(tmp.resolve("data.json.bak"))));
    }

    @Test
    void aMarkForASaveThatNeverReplacedTheFileIsIgnored() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        String before = Files.readString(file);
        // the save fails after its mark is in the journal, before the rename (the backup cannot be made): as a crash
        Files.createDirectories(tmp.resolve("data.json.bak").resolve("in-the-way"));
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 5);
            assertThrows(IOException.class, () -> j.save(ds.shallowCopy(), j.sequence(), Backup.perSession()));
            assertTrue(Files.readString(j.file()).contains("\"saved\""), "the mark was written");
        }
        assertEquals(before, Files.readString(file));
        assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(recover()));
    }

    @Test
    void discardAndSetAside() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 3);
            j.discard();
            assertFalse(Files.exists(j.file()));
            edit(j, ds, 3, 4); // a new journal from the file on disk
        }
        try (EditJournal j = EditJournal.open(file)) {
            Path old = j.setAside();
            assertEquals("data.json.journal.old", old.getFileName().toString());
            assertTrue(Files.readString(old, StandardCharsets.UTF_8).contains("\"seq\":4"));
            assertFalse(j.pending());
        }
        Files.writeString(EditJournal.fileFor(file), "not a journal\n", StandardOpenOption.CREATE_NEW);
        try (EditJournal j = EditJournal.open(file)) {
            CocoFormatException e = assertThrows(CocoFormatException.class, () -> j.replayInto(CocoReader.read(file)));
            assertTrue(e.getMessage().startsWith(EditJournal.fileFor(file) + ": line 1: "), e.getMessage());
        }
    }

    @Test
    void categoryChangesAreJournaledToo() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        List<EditJournal.Op> ops = List.of(
                new EditJournal.ReplaceCategory(new CocoCategory(1, "renamed", "all")),
                new EditJournal.InsertCategory(
                        1,
                        new CocoCategory(
                                7,
                                "new",
                                null,
                                List.of("a", "b"),
                                new int[][] {{1, 2}},
                                new java.util.LinkedHashMap<>())),
                new EditJournal.RemoveCategory(2));
        try (EditJournal j = EditJournal.open(file)) {
            for (EditJournal.Op op : ops) {
                j.append(op);
                op.applyTo(ds);
            }
        }
        CocoDataset back = recover();
        assertEquals(
                List.of("renamed", "new"),
                back.categories().stream().map(CocoCategory::name).toList());
        assertEquals(List.of("a", "b"), back.category(7).keypoints());
        assertEquals(JournalEdits.canonical(ds), JournalEdits.canonical(back));
    }

    @Test
    void reviewDecisionsAreJournaledBetweenEditsAndHandedBackInOrder() throws IOException {
        CocoDataset ds = CocoReader.read(dataset());
        String key = "0123456789abcdef0123456789abcdef";
        List<EditJournal.Op> decisions = List.of(
                new EditJournal.Decide(key, 785, 1, 0.4375, false, 0),
                new EditJournal.Undecide(key),
                new EditJournal.Decide(key, 785, 1, 0.4375, true, 1234));
        try (EditJournal j = EditJournal.open(file)) {
            edit(j, ds, 0, 2);
            j.append(decisions.get(0));
            edit(j, ds, 2, 3);
            j.append(decisions.get(1));
            j.append(decisions.get(2));
        }
        String annotations = JournalEdits.canonical(ds);
        CocoDataset back = CocoReader.read(file);
        List<EditJournal.Op> handed = new java.util.ArrayList<>();
        try (EditJournal j = EditJournal.open(file)) {
            assertEquals(6, j.replayInto(back, handed::add));
        }
        assertEquals(decisions, handed, "every field kept, in journal order");
        assertEquals(annotations, JournalEdits.canonical(back), "decisions do not change the dataset");
    }
}
