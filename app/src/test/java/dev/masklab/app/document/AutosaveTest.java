package dev.masklab.app.document;

import dev.masklab.app.edit.AnnotationEditor;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The autosave file: written from a snapshot, offered only when newer than the dataset, set aside when declined. */
class AutosaveTest {
    @TempDir
    Path tmp;

    @Test
    void snapshotIsWrittenWithoutBackupAndOfferedOnlyWhenNewer() throws Exception {
        Path json = tmp.resolve("person.json");
        Files.copy(Path.of(System.getProperty("masklab.shared", "../shared"), "data/coco-person-kp/test_coco.json"), json);
        Files.setLastModifiedTime(json, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        CocoDataset coco = CocoReader.read(json);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long first = coco.annotations().getFirst().id();
        ed.delete(first, "Delete");

        CocoDataset snapshot = coco.shallowCopy();
        ed.undo(); // editing goes on after the snapshot: the autosave keeps the state of the snapshot
        Autosave.write(snapshot, json);
        Autosave.write(snapshot, json);
        assertFalse(Files.exists(tmp.resolve("person.json.autosave.bak")), "no backup of the autosave itself");
        assertEquals(tmp.resolve("person.json.autosave"), Autosave.pending(json).orElseThrow());
        CocoDataset saved = CocoReader.read(Autosave.fileFor(json));
        assertEquals(coco.annotations().size() - 1, saved.annotations().size());
        assertEquals(null, saved.annotation(first));
        assertTrue(coco.annotation(first) != null);

        // a dataset saved after the autosave: nothing to recover
        Files.setLastModifiedTime(json, FileTime.from(Instant.now().plusSeconds(60)));
        assertTrue(Autosave.pending(json).isEmpty());
        Files.setLastModifiedTime(json, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

        Path old = Autosave.setAside(json);
        assertEquals(tmp.resolve("person.json.autosave.old"), old);
        assertTrue(Autosave.pending(json).isEmpty());
        assertEquals(new ObjectMapper().readTree(old.toFile()).get("annotations").size(), saved.annotations().size());
        Autosave.write(snapshot, json);
        Autosave.delete(json);
        assertTrue(Autosave.pending(json).isEmpty());
        assertTrue(Files.exists(old), "deleting the autosave keeps the one set aside");
    }
}
