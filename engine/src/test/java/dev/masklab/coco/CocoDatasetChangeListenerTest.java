package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset's change listener feeding an {@link EditJournal} (what the app's document does): every kind of change is
 * reported once, after it is made, and the journal alone rebuilds the edited dataset from the unchanged file.
 */
class CocoDatasetChangeListenerTest {
    static final Path SHARED = SharedData.root();

    @TempDir
    Path tmp;

    @Test
    void everyChangeIsReportedAndTheJournalReplaysThemOntoTheFile() throws IOException {
        Path json = tmp.resolve("test_coco.json");
        Files.copy(SHARED.resolve("data/coco-person-kp/test_coco.json"), json);
        CocoDataset ds = CocoReader.read(json);
        List<EditJournal.Op> ops = new ArrayList<>();
        try (EditJournal journal = EditJournal.open(json)) {
            ds.setChangeListener(op -> {
                ops.add(op);
                try {
                    journal.append(op);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            CocoAnnotation first = ds.annotations().getFirst();
            ds.replaceAnnotation(first.withId(first.id()).setArea(123.0));
            CocoAnnotation second = ds.annotations().get(1);
            ds.removeAnnotation(second.id());
            ds.insertAnnotation(1, second); // an undo puts it back where it was
            ds.removeAnnotation(ds.annotations().get(2).id());
            CocoAnnotation added = new CocoAnnotation(ds.nextAnnotationId(), first.imageId(), first.categoryId())
                    .setBbox(new double[] {1, 2, 3, 4})
                    .setArea(12.0)
                    .setIscrowd(0);
            ds.addAnnotation(added);
            CocoCategory person = ds.categories().getFirst();
            ds.replaceCategory(new CocoCategory(
                    person.id(),
                    "human",
                    person.supercategory(),
                    person.keypoints(),
                    person.skeleton(),
                    person.extra()));
            ds.insertCategory(0, new CocoCategory(ds.nextCategoryId(), "dog", "animal"));
            assertEquals(7, ops.size(), ops.toString());
            assertTrue(ops.get(2) instanceof EditJournal.Insert ins && ins.index() == 1);
            assertTrue(ops.get(4) instanceof EditJournal.Insert ins
                    && ins.index() == ds.annotations().size() - 1);
            assertThrows(
                    IllegalStateException.class, () -> ds.removeImage(first.imageId()), "images are not journaled");
            ds.setChangeListener(null);
            assertFalse(ds.shallowCopy().annotations().isEmpty());
        }
        // a crash here: the file is unchanged, the journal holds the seven changes
        CocoDataset reopened = CocoReader.read(json);
        try (EditJournal journal = EditJournal.open(json)) {
            assertTrue(journal.pending());
            assertEquals(7, journal.replayInto(reopened));
        }
        assertArrayEquals(bytes(ds), bytes(reopened));
    }

    private static byte[] bytes(CocoDataset ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CocoWriter.write(ds, out);
        return out.toByteArray();
    }
}
