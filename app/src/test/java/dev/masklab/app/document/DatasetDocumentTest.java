package dev.masklab.app.document;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document without a display: open, edit, save, autosave, recovery and the unsaved-changes questions. */
class DatasetDocumentTest {
    static final Path PERSON = Path.of(System.getProperty("masklab.shared", "../shared"),
            "data/coco-person-kp/test_coco.json");

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
        assertTrue(doc.messageProperty().get().startsWith("Saved "), doc.messageProperty().get());
    }

    @Test
    void saveAsMakesTheNewFileTheDatasetsFile(@TempDir Path tmp) throws Exception {
        Path f = copy(tmp, "person.json");
        doc.open(f).get();
        deleteOne();
        dialogs.fileToSave = tmp.resolve("corrected.json");
        doc.saveAs().get();
        assertEquals(tmp.resolve("corrected.json").toAbsolutePath(), doc.dataset().jsonFile());
        assertEquals(annotations(f) - 1, annotations(tmp.resolve("corrected.json")));
        assertFalse(doc.isDirty());
    }

    @Test
    void dontSaveWhenOpeningAnotherAsksOnceAndLeavesNoAutosave(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json"), b = copy(tmp, "b.json");
        doc.open(a).get();
        deleteOne();
        doc.autosaveNow().get();
        assertTrue(Files.exists(Autosave.fileFor(a)));
        dialogs.unsaved = action -> UnsavedChoice.DISCARD;
        doc.open(b).get();
        assertEquals(List.of("unsaved opening b.json"), dialogs.asked, "asked once, not again after loading");
        assertEquals(b.toAbsolutePath(), doc.dataset().jsonFile());
        assertFalse(Files.exists(Autosave.fileFor(a)));
        assertFalse(Files.exists(a.resolveSibling("a.json.autosave.old")), "the user gave the edits up");
    }

    @Test
    void quittingWithDontSaveLeavesNoAutosaveOld(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        doc.open(a).get();
        deleteOne();
        doc.autosaveNow().get();
        dialogs.unsaved = action -> UnsavedChoice.CANCEL;
        assertFalse(doc.mayDiscardEdits("quitting"));
        assertTrue(doc.isDirty());
        dialogs.unsaved = action -> UnsavedChoice.DISCARD;
        assertTrue(doc.mayDiscardEdits("quitting"));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("a.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anAutosaveNewerThanTheFileIsOfferedAndRecovered(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        doc.open(a).get();
        long gone = deleteOne();
        doc.autosaveNow().get();
        assertNull(doc.autosaveNow(), "nothing new to autosave");
        doc.setDataset(null); // a crash: nothing asked, the file unchanged
        dialogs.recovery = p -> true;
        doc.open(a).get();
        assertEquals(List.of("recover a.json.autosave"), dialogs.asked);
        assertNull(doc.editor().coco().annotation(gone));
        assertTrue(doc.isDirty(), "recovered corrections are unsaved until saved");
        dialogs.unsaved = action -> UnsavedChoice.SAVE;
        assertTrue(doc.mayDiscardEdits("quitting"));
        assertFalse(Files.exists(Autosave.fileFor(a)));
        JsonNode saved = new ObjectMapper().readTree(a.toFile());
        for (JsonNode n : saved.get("annotations")) assertFalse(n.get("id").asLong() == gone);
    }

    @Test
    void aBrokenFileIsReportedInOneLineAndTheOpenDatasetStays(@TempDir Path tmp) throws Exception {
        Path a = copy(tmp, "a.json");
        doc.open(a).get();
        Path bad = tmp.resolve("broken.json");
        Files.writeString(bad, "{\"images\": [");
        doc.open(bad);
        assertEquals(a.toAbsolutePath(), doc.dataset().jsonFile());
        assertTrue(doc.messageProperty().get().startsWith("Cannot open dataset broken.json: "),
                doc.messageProperty().get());
        assertEquals(1, dialogs.errors.size());
        assertFalse(doc.messageProperty().get().contains("\n"));
    }
}
