package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Category add, rename, merge and delete on the shared labelme-voc set: undoable, saved losslessly. */
class CategoryEditorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Annotation counts by category id, in the dataset's category order. */
    private static Map<Long, Long> counts(CocoDataset coco) {
        return coco.annotations().stream()
                .collect(Collectors.groupingBy(CocoAnnotation::categoryId, Collectors.counting()));
    }

    /** The two categories with the most annotations (both have some). */
    private static long[] twoUsed(CocoDataset coco) {
        List<Long> ids = counts(coco).entrySet().stream()
                .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                .map(Map.Entry::getKey)
                .limit(2)
                .toList();
        return new long[] {ids.get(0), ids.get(1)};
    }

    @Test
    void mergeThenUndoSavesTheOriginalBytes() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.LABELME);
        byte[] original = EditTestData.bytes(coco);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long[] c = twoUsed(coco);
        long from = c[1], into = c[0];
        Map<Long, Long> before = counts(coco);
        int categories = coco.categories().size();
        List<Long> relabelled = coco.annotations().stream()
                .filter(a -> a.categoryId() == from)
                .map(CocoAnnotation::id)
                .toList();

        assertEquals(relabelled.size(), ed.categories().merge(from, into, "Merge"));
        assertNull(coco.category(from));
        assertEquals(categories - 1, coco.categories().size());
        for (long id : relabelled) assertEquals(into, coco.annotation(id).categoryId());
        assertEquals(before.get(from) + before.get(into), counts(coco).get(into));
        assertEquals(1, ed.history().size(), "one edit");

        Path file = tmp.resolve("voc.json");
        ed.save(file);
        JsonNode saved = JSON.readTree(file.toFile());
        assertEquals(categories - 1, saved.get("categories").size());

        ed.undo();
        assertArrayEquals(original, EditTestData.bytes(coco), "merge + undo writes the original bytes");
        ed.save(file);
        assertArrayEquals(original, Files.readAllBytes(file));
        ed.redo();
        assertEquals(before.get(from) + before.get(into), counts(coco).get(into), "redo merges again");
        assertThrows(IllegalArgumentException.class, () -> ed.categories().merge(into, into, "self"));
        assertThrows(IllegalArgumentException.class, () -> ed.categories().merge(from, into, "gone"));
    }

    @Test
    void renameKeepsEveryOtherFieldAndAddAppendsANewId() throws Exception {
        Path file = tmp.resolve("voc.json");
        Files.copy(EditTestData.LABELME, file);
        CocoDataset coco = EditTestData.read(file);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long id = twoUsed(coco)[0];
        int index = coco.indexOfCategory(id);
        assertThrows(
                IllegalArgumentException.class,
                () -> ed.categories()
                        .rename(id, coco.categories().get(index == 0 ? 1 : 0).name(), "taken"));
        assertFalse(ed.categories().rename(id, coco.category(id).name(), "same"));
        assertEquals(true, ed.categories().rename(id, "plane", "Rename"));
        long added = ed.categories().add("kite", "outdoor", "Add");
        long max = coco.categories().stream()
                .mapToLong(CocoCategory::id)
                .filter(x -> x != added)
                .max()
                .orElseThrow();
        assertEquals(max + 1, added);
        assertEquals(index, coco.indexOfCategory(id), "renamed in place");
        ed.save(file);

        JsonNode expected = JSON.readTree(EditTestData.LABELME.toFile());
        for (JsonNode cat : expected.get("categories")) {
            if (cat.get("id").asLong() == id) ((ObjectNode) cat).put("name", "plane");
        }
        ((com.fasterxml.jackson.databind.node.ArrayNode) expected.get("categories"))
                .addObject()
                .put("id", Math.toIntExact(added))
                .put("name", "kite")
                .put("supercategory", "outdoor");
        assertEquals(expected, JSON.readTree(file.toFile()), "only the name changed; null supercategories kept");
        ed.undo();
        ed.undo();
        assertArrayEquals(EditTestData.bytes(EditTestData.read(EditTestData.LABELME)), EditTestData.bytes(coco));
    }

    @Test
    void deleteRemovesTheCategoryWithItsAnnotationsInOneUndoableEdit() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.LABELME);
        byte[] original = EditTestData.bytes(coco);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long id = twoUsed(coco)[1];
        int n = coco.annotations().size();
        int count = ed.categories().annotationCount(id);
        assertEquals(counts(coco).get(id).intValue(), count);
        assertEquals(count, ed.categories().delete(id, "Delete category"));
        assertNull(coco.category(id));
        assertEquals(n - count, coco.annotations().size());
        assertEquals(0, ed.categories().annotationCount(id));
        assertEquals(-1, ed.history().undo().imageId(), "several images change");
        assertArrayEquals(original, EditTestData.bytes(coco));
        // an unused category goes alone
        long unused = coco.categories().stream()
                .mapToLong(CocoCategory::id)
                .filter(c -> ed.categories().annotationCount(c) == 0)
                .findFirst()
                .orElseThrow();
        assertEquals(0, ed.categories().delete(unused, "Delete unused"));
        assertEquals(n, coco.annotations().size());
    }

    @Test
    void mergeRefusesKeypointsTheTargetDoesNotDefine() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long plain = ed.categories().add("thing", null, "Add");
        assertThrows(IllegalArgumentException.class, () -> ed.categories().merge(1, plain, "Merge"));
        assertEquals(1, ed.history().size(), "the refused merge is no edit");
        assertEquals(14, ed.categories().annotationCount(1));
    }
}
