package dev.masklab.app.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.document.DatasetService;
import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.review.LabelledImages;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which images a run covers (#16 part 4) and which are labelled (part 7), on the shared person set (4 images, 14
 * annotations) with its detections and review decisions made through the editor, as the app makes them.
 */
class RunSubsetTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");

    static RunSubset.Context context(
            LoadedDataset ds, AnnotationEditor ed, Long current, List<Long> filtered, PredictionSet ps, double t) {
        return new RunSubset.Context(
                ds.images().stream().map(ImageEntry::id).toList(),
                current,
                filtered,
                ed.coco(),
                LabelledImages.complete(ed, ps, t));
    }

    @Test
    void subsetsFollowTheFilterTheAnnotationsAndTheReview() throws Exception {
        DatasetService service = new DatasetService();
        LoadedDataset ds = service.load(PERSON, n -> {});
        AnnotationEditor ed = new AnnotationEditor(ds.coco());
        List<Long> all = ds.images().stream().map(ImageEntry::id).toList();
        assertEquals(List.of(785L, 40083L, 196141L, 197388L), all);

        // no predictions run yet, nothing decided: every image is still to be reviewed, none is labelled
        Map<RunSubset, List<Long>> m = RunSubset.all(context(ds, ed, 40083L, List.of(197388L, 785L), null, 0.5));
        assertEquals(List.of(40083L), m.get(RunSubset.CURRENT));
        assertEquals(List.of(785L, 197388L), m.get(RunSubset.FILTERED), "in the dataset's order");
        assertEquals(List.of(), m.get(RunSubset.WITHOUT_ANNOTATIONS), "every image of the file has annotations");
        assertEquals(all, m.get(RunSubset.NOT_REVIEWED));
        assertEquals(all, m.get(RunSubset.ALL));
        assertEquals(List.of(), RunSubset.CURRENT.imageIds(context(ds, ed, null, List.of(), null, 0.5)));

        // an image marked done is labelled whatever it has (an undoable edit)
        assertTrue(ed.setDone(40083L, true));
        assertFalse(ed.setDone(40083L, true), "already done");
        assertEquals(Set.of(40083L), LabelledImages.complete(ed, null, 0.5));
        assertEquals(
                List.of(785L, 196141L, 197388L),
                RunSubset.NOT_REVIEWED.imageIds(context(ds, ed, null, all, null, 0.5)));
        ed.undo();
        assertFalse(ed.review().isDone(40083L));
        assertEquals(Set.of(), LabelledImages.complete(ed, null, 0.5));

        // with the detections loaded: 196141 decided in full (one accepted, the others rejected) is labelled;
        // 197388 with its best prediction accepted is labelled only at a threshold above its other predictions
        PredictionSet ps = service.loadPredictions(DETECTIONS, ds);
        assertEquals(Set.of(), LabelledImages.complete(ed, ps, 0.0), "predictions pending everywhere");
        List<Instance> full = ps.forImage(196141L);
        ed.accept(full.getFirst(), "accept");
        for (Instance p : full.subList(1, full.size())) ed.reject(p, "reject");
        List<Instance> part = ps.forImage(197388L); // by descending score
        ed.accept(part.getFirst(), "accept");
        double second = part.get(1).score();
        assertEquals(Set.of(196141L), LabelledImages.complete(ed, ps, 0.0));
        assertEquals(Set.of(196141L), LabelledImages.complete(ed, ps, second));
        assertEquals(Set.of(196141L, 197388L), LabelledImages.complete(ed, ps, Math.nextUp(second)));
        // a threshold above every prediction does not make an image without decisions labelled
        assertEquals(Set.of(196141L, 197388L), LabelledImages.complete(ed, ps, 1.01));
        assertEquals(
                List.of(785L, 40083L, 197388L), RunSubset.NOT_REVIEWED.imageIds(context(ds, ed, null, all, ps, 0.0)));

        // deleting an image's only annotation puts it among the images without annotations
        for (CocoAnnotation a : new ArrayList<>(ed.coco().annotationsOf(785L))) ed.delete(a.id(), "delete");
        assertEquals(List.of(785L), RunSubset.WITHOUT_ANNOTATIONS.imageIds(context(ds, ed, null, all, ps, 0.0)));
    }
}
