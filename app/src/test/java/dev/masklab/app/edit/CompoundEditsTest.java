package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Accept-all and other multi-part changes as one edit; accepting a prediction as another category. */
class CompoundEditsTest {

    @Test
    void acceptAllIsOneUndoAndRedo() throws Exception {
        LoadedDataset ds = EditTestData.loadPerson();
        CocoDataset coco = ds.coco();
        byte[] original = EditTestData.bytes(coco);
        PredictionSet ps = EditTestData.personPredictions(ds);
        long image = ps.byImage().keySet().iterator().next();
        List<Instance> shown = ps.byImage().get(image);
        assertTrue(shown.size() > 1);
        AnnotationEditor ed = new AnnotationEditor(coco);
        ed.reject(shown.getFirst(), "reject one");
        int n = coco.annotations().size();

        List<Long> ids = ed.acceptAll(shown, "Accept all");
        assertEquals(shown.size() - 1, ids.size(), "the rejected one is skipped");
        assertEquals(n + ids.size(), coco.annotations().size());
        assertEquals(2, ed.history().size(), "reject + ONE accept-all");
        assertEquals("Accept all", ed.history().undoLabelProperty().get());
        Edit undone = ed.undo();
        assertEquals(image, undone.imageId());
        assertEquals(ids.getLast(), undone.annotationId());
        assertEquals(n, coco.annotations().size(), "one undo takes them all back");
        for (Instance p : shown.subList(1, shown.size())) assertFalse(ed.isReviewed(p));
        ed.redo();
        for (long id : ids) assertTrue(coco.annotation(id) != null);
        ed.undo();
        ed.undo();
        assertArrayEquals(original, EditTestData.bytes(coco));
        assertTrue(ed.acceptAll(List.of(), "nothing").isEmpty());
        assertEquals(0, ed.history().size(), "no edit for nothing");
    }

    @Test
    void aFailingStepRevertsTheStepsBeforeIt() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        byte[] original = EditTestData.bytes(coco);
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation a = coco.annotations().getFirst();
        assertThrows(
                IllegalArgumentException.class,
                () -> ed.inOneStep("two", () -> {
                    ed.delete(a.id(), "delete");
                    ed.setCategory(a.id(), 1, "the deleted one");
                }));
        assertEquals(0, ed.history().size());
        assertArrayEquals(original, EditTestData.bytes(coco));
    }

    @Test
    void acceptAsAnotherCategoryInOneStep() throws Exception {
        LoadedDataset ds = EditTestData.loadPerson();
        CocoDataset coco = ds.coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        long other = ed.categories().add("statue", null, "Add category");
        Instance p = EditTestData.predictionsWithMasks(EditTestData.personPredictions(ds)).stream()
                .filter(Instance::hasKeypoints)
                .findFirst()
                .orElseThrow();
        long id = ed.accept(p, other, "Accept as statue");
        CocoAnnotation a = coco.annotation(id);
        assertEquals(other, a.categoryId());
        assertNull(a.keypoints(), "statue has no keypoints: the person keypoints are dropped");
        assertNull(a.numKeypoints());
        assertEquals((double) coco.annToRle(a).area(), a.area());
        assertEquals(2, ed.history().size());
        ed.undo();
        assertNull(coco.annotation(id));
        assertFalse(ed.isReviewed(p));
        // as its own category the keypoints stay
        long same = ed.accept(p, 1, "Accept as person");
        assertEquals(17 * 3, coco.annotation(same).keypoints().length);
        Instance q = EditTestData.predictionsWithMasks(EditTestData.personPredictions(ds))
                .getLast();
        assertThrows(IllegalArgumentException.class, () -> ed.accept(q, 99, "no category"));
        assertFalse(ed.isReviewed(q));
    }
}
