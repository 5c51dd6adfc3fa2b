package dev.masklab.app.document;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.dialog.DialogService.UnsavedChoice;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document without a display: open, edit, save, the edit journal, recovery and the unsaved-changes questions. */
class DatasetDocumentTest {
    static final Path PERSON = SharedData.path("data/coco-person-kp/test_coco.json");

    final ScriptedDialogs dialogs = new ScriptedDialogs();
    final DatasetDocument doc = new DatasetDocument(dialogs, new DirectTaskExecutor());

    Path copy(Path dir, String name) throws Exception {
        Path f = dir.resolve(name);
        Files.copy(PERSON, f);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return f;
    }

    /** Deletes the first annotation (one undoable edit). */
    long deleteOne() {
        long id = doc.editor().coco().annotations().getFirst().id();
        doc.editor().delete(id, "Delete #" + id);
        doc.edited();
        return id;
    }

    static int annotations(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile()).get("annotations").size();
    }

    @Test
    void saveWritesTheEditsKeepsABackupAndCleansTheHistory(@TempDir Path tmp) throws Exception {
        Path f = copy(tmp, "person.json");
        assertNotNull(doc.open(f).get());
        int n = doc.editor().coco().annotations().size();
        deleteOne();
        assertTrue(doc.isDirty());
        doc.save().get();
        assertFalse(doc.isDirty());
        assertEquals(n - 1, annotations(f));
        assertEquals(n, annotations(tmp.resolve("person.json.bak")));
        assertTrue(
                doc.messageProperty().get().startsWith("Saved "),
                doc.messageProperty().get());
    }

    @Test
    void saveAsMakesTheNewFileTheDatasetsFile(@TempDir Path tmp) throws Exception {
        Path f = copy(tmp, "person.json");
        doc.open(f).get();
        deleteOne();
        dialogs.fileToSave = tmp.resolve("corrected.json");
        doc.saveAs().get();
        assertEquals(
                tmp.resolve("corrected.json").toAbsolutePath(), doc.dataset().jsonFile());
        assertEquals(annotations(f) - 1, annotations(tmp.resolve("corrected.json")));
        assertFalse(doc.isDirty());
        assertFalse(Files.exists(journalOf(f)), "the old file's journal went with Save as");
        deleteOne();
        assertTrue(Files.exists(journalOf(tmp.resolve("corrected.json"))), "edits now journal beside the new file");
        assertFalse(Files.exists(journalOf(f)));
    }

    static Path journalOf(Path json) {
        return json.resolveSibling(json.getFileName() + ".journal");
    }

    @Test
    void everyEditIsJournaledBeforeItReturnsAndASaveEmptiesTheJournal(@TempDir Path tmp) throws Exception {
        Path f = copy(tmp, "person.json");
        doc.open(f).get();
        assertFalse(Files.exists(journalOf(f)), "no edit, no journal");
        deleteOne();
        assertTrue(Files.exists(journalOf(f)), "the edit is on disk when it returns");
        long lines = Files.readAllLines(journalOf(f)).size();
        doc.editor().history().undo();
        assertEquals(lines + 1, Files.readAllLines(journalOf(f)).size(), "an undo is journaled too");
        deleteOne();
        doc.save().get();
        assertFalse(Files.exists(journalOf(f)), "saved: nothing left to recover");
        int n = annotations(f);
        deleteOne();
        doc.save().get();
        assertEquals(n - 1, annotations(f));
        assertEquals(n + 1, annotations(tmp.resolve("person.json.bak")), "the .bak is the original of the session");
    }

    @Test
    void dontSaveWhenOpeningAnotherAsksOnceAndLeavesNoJournal(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json"), b = copy(tmp, "b.json");
        doc.open(a).get();
        deleteOne();
        assertTrue(Files.exists(journalOf(a)));
        dialogs.unsaved = action -> UnsavedChoice.DISCARD;
        doc.open(b).get();
        assertEquals(List.of("unsaved opening b.json"), dialogs.asked, "asked once, not again after loading");
        assertEquals(b.toAbsolutePath(), doc.dataset().jsonFile());
        assertFalse(Files.exists(journalOf(a)), "the user gave the edits up");
        assertFalse(Files.exists(a.resolveSibling("a.json.journal.old")));
    }

    @Test
    void quittingWithDontSaveLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        doc.open(a).get();
        deleteOne();
        dialogs.unsaved = action -> UnsavedChoice.CANCEL;
        assertFalse(doc.mayDiscardEdits("quitting"));
        assertTrue(doc.isDirty());
        dialogs.unsaved = action -> UnsavedChoice.DISCARD;
        assertTrue(doc.mayDiscardEdits("quitting"));
        try (var files = Files.list(tmp)) {
            assertEquals(
                    List.of("a.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void afterACrashTheJournalIsOfferedAndEveryFinishedEditRecovered(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        byte[] original = Files.readAllBytes(a);
        doc.open(a).get();
        long gone = deleteOne();
        long second = deleteOne();
        doc.editor().history().undo(); // the second deletion taken back: one edit is left
        doc.setDataset(null); // a crash: nothing asked, nothing saved
        assertArrayEquals(original, Files.readAllBytes(a), "the file is as it was");
        dialogs.recovery = p -> true;
        doc.open(a).get();
        assertEquals(List.of("recover a.json.journal"), dialogs.asked);
        assertNull(doc.editor().coco().annotation(gone));
        assertNotNull(doc.editor().coco().annotation(second), "the undo is recovered too");
        assertTrue(doc.isDirty(), "recovered corrections are unsaved until saved");
        assertTrue(
                doc.messageProperty().get().startsWith("Recovered 3 unsaved edits of a.json"),
                doc.messageProperty().get());
        dialogs.unsaved = action -> UnsavedChoice.SAVE;
        assertTrue(doc.mayDiscardEdits("quitting"));
        assertFalse(Files.exists(journalOf(a)));
        JsonNode saved = new ObjectMapper().readTree(a.toFile());
        for (JsonNode n : saved.get("annotations")) assertFalse(n.get("id").asLong() == gone);
        assertEquals(new ObjectMapper().readTree(original).get("annotations").size() - 1, annotations(a));

        // declined: opened as saved, the journal kept aside
        deleteOne();
        doc.setDataset(null);
        dialogs.recovery = p -> false;
        doc.open(a).get();
        assertFalse(doc.isDirty());
        assertFalse(Files.exists(journalOf(a)));
        assertTrue(Files.exists(a.resolveSibling("a.json.journal.old")));
    }

    @Test
    void aBrokenFileIsReportedInOneLineAndTheOpenDatasetStays(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        doc.open(a).get();
        Path bad = tmp.resolve("broken.json");
        Files.writeString(bad, "{\"images\": [");
        doc.open(bad);
        assertEquals(a.toAbsolutePath(), doc.dataset().jsonFile());
        assertTrue(
                doc.messageProperty().get().startsWith("Cannot open dataset broken.json: "),
                doc.messageProperty().get());
        assertEquals(1, dialogs.errors.size());
        assertFalse(doc.messageProperty().get().contains("\n"));
    }
}
