package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrections on the shared person dataset and its detections, checked in the model and in the saved file. */
class AnnotationEditorTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The dataset copied to tmp (edits are saved there), and its predictions. */
    private record Opened(Path file, LoadedDataset ds, PredictionSet predictions) {}

    private Opened open() throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        DatasetService svc = new DatasetService();
        LoadedDataset ds = svc.load(file, n -> {});
        return new Opened(file, ds, svc.loadPredictions(DETECTIONS, ds));
    }

    /** The first polygon annotation with labelled keypoints. */
    private static CocoAnnotation polygonWithKeypoints(CocoDataset coco) {
        return coco.annotations().stream()
                .filter(x -> x.segmentation() instanceof Segmentation.Polygons
                        && x.numKeypoints() != null
                        && x.numKeypoints() > 0)
                .findFirst()
                .orElseThrow();
    }

    private static Instance firstWithMaskAndKeypoints(PredictionSet ps) {
        return ps.byImage().values().stream()
                .flatMap(List::stream)
                .filter(p -> p.hasMask() && p.hasKeypoints())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void acceptedPredictionIsSavedWithItsExactMaskAndUndoTakesItBack() throws Exception {
        Opened o = open();
        CocoDataset coco = o.ds().coco();
        int before = coco.annotations().size();
        long maxId =
                coco.annotations().stream().mapToLong(CocoAnnotation::id).max().orElse(0);
        AnnotationEditor ed = new AnnotationEditor(coco);
        Instance p = firstWithMaskAndKeypoints(o.predictions());
        var im = coco.image(p.imageId());

        long id = ed.accept(p, "Accept");
        assertEquals(maxId + 1, id);
        assertTrue(ed.isReviewed(p));
        assertTrue(ed.history().isDirty());
        CocoAnnotation a = coco.annotation(id);
        assertEquals(before + 1, coco.annotations().size());
        assertEquals(p.categoryId(), a.categoryId());
        assertEquals(0, a.iscrowd());
        byte[] predicted = p.mask().decode(im.height(), im.width());
        Rle saved = coco.annToRle(a);
        assertArrayEquals(predicted, saved.decode(), "the accepted mask is exactly the predicted one");
        assertEquals((double) saved.area(), a.area());
        assertArrayEquals(saved.toBbox(), a.bbox());
        int visible = 0;
        for (int i = 2; i < a.keypoints().length; i += 3) {
            assertTrue(a.keypoints()[i] == 0 || a.keypoints()[i] == 2);
            if (a.keypoints()[i] == 2) visible++;
        }
        assertEquals(visible, a.numKeypoints());
        assertTrue(visible > 0);

        ed.save(o.file());
        assertFalse(ed.history().isDirty());
        assertTrue(Files.isRegularFile(Path.of(o.file() + ".bak")), "the original is kept as .bak");
        assertEquals(
                JSON.readTree(PERSON.toFile()),
                JSON.readTree(Path.of(o.file() + ".bak").toFile()));
        CocoDataset reread = CocoReader.read(o.file());
        assertEquals(before + 1, reread.annotations().size());
        assertArrayEquals(predicted, reread.annToRle(reread.annotation(id)).decode());

        assertNotNull(ed.undo());
        assertNull(coco.annotation(id));
        assertFalse(ed.isReviewed(p));
        assertTrue(ed.history().isDirty(), "the file holds the accepted annotation: undoing it is a change");
        assertNotNull(ed.redo());
        assertFalse(ed.history().isDirty());
        assertArrayEquals(predicted, coco.annToRle(coco.annotation(id)).decode());
        assertThrows(IllegalStateException.class, () -> ed.accept(p, "again"));

        // ids are never reused: undo the accept, accept another prediction
        ed.undo();
        Instance q = o.predictions().byImage().values().stream()
                .flatMap(List::stream)
                .filter(x -> x != p)
                .findFirst()
                .orElseThrow();
        assertEquals(maxId + 2, ed.accept(q, "Accept"));
        assertFalse(ed.history().canRedoProperty().get(), "a new edit drops the redo branch");
    }

    @Test
    void deleteThenUndoWritesTheOriginalFileBack() throws Exception {
        Opened o = open();
        CocoDataset coco = o.ds().coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        List<Long> order = coco.annotations().stream().map(CocoAnnotation::id).toList();
        CocoAnnotation middle = coco.annotations().get(order.size() / 2);
        List<Long> ofImage = coco.annotationsOf(middle.imageId()).stream()
                .map(CocoAnnotation::id)
                .toList();

        ed.delete(middle.id(), "Delete");
        assertNull(coco.annotation(middle.id()));
        assertEquals(order.size() - 1, coco.annotations().size());
        ed.save(o.file());
        assertEquals(order.size() - 1, CocoReader.read(o.file()).annotations().size());

        ed.undo();
        assertEquals(order, coco.annotations().stream().map(CocoAnnotation::id).toList(), "back in its place");
        assertEquals(
                ofImage,
                coco.annotationsOf(middle.imageId()).stream()
                        .map(CocoAnnotation::id)
                        .toList());
        ed.save(o.file());
        assertEquals(
                JSON.readTree(PERSON.toFile()),
                JSON.readTree(o.file().toFile()),
                "delete + undo + save gives the original JSON");
        JsonNode bak = JSON.readTree(Path.of(o.file() + ".bak").toFile());
        assertEquals(order.size() - 1, bak.get("annotations").size(), ".bak holds the previous save");
    }

    @Test
    void categoryBoxVertexAndKeypointEditsKeepCocoFieldsConsistent() throws Exception {
        Opened o = open();
        CocoDataset coco = o.ds().coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation a = polygonWithKeypoints(coco);
        var im = coco.image(a.imageId());
        long id = a.id();

        coco.addCategory(new dev.masklab.coco.CocoCategory(99, "other", "test"));
        ed.setCategory(id, 99, "cat");
        assertEquals(99, coco.annotation(id).categoryId());
        assertThrows(IllegalArgumentException.class, () -> ed.setCategory(id, 12345, "no such"));

        // box: corners given in any order, clipped to the image; the polygon keeps its area
        double area = coco.annotation(id).area();
        ed.boxes().setBbox(id, new double[] {im.width() - 10, 20, 50, -10}, "box");
        assertArrayEquals(
                new double[] {im.width() - 10, 10, 10, 10}, coco.annotation(id).bbox());
        assertEquals(area, coco.annotation(id).area());

        // vertex: area is the rasterised polygons' area, box their extent
        List<double[]> polys = ((Segmentation.Polygons) coco.annotation(id).segmentation()).polygons();
        double[] p0 = polys.getFirst();
        ed.moveVertex(id, 0, 0, p0[0] - 15, p0[1] - 12, "vertex");
        List<double[]> moved = ((Segmentation.Polygons) coco.annotation(id).segmentation()).polygons();
        assertEquals(Math.max(0, p0[0] - 15), moved.getFirst()[0]);
        assertEquals(Math.max(0, p0[1] - 12), moved.getFirst()[1]);
        assertEquals(
                (double) Rle.fromPolygons(moved, im.height(), im.width()).area(),
                coco.annotation(id).area());
        double minX = Double.MAX_VALUE;
        for (double[] p : moved) for (int i = 0; i < p.length; i += 2) minX = Math.min(minX, p[i]);
        assertEquals(minX, coco.annotation(id).bbox()[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> ed.moveVertex(id, 0, 10_000, 1, 1, "none"));

        // keypoints: num_keypoints follows, v = 0 stores zeros
        double[] kp = coco.annotation(id).keypoints();
        int k = -1;
        for (int i = 0; i < kp.length / 3; i++) if (kp[3 * i + 2] > 0) k = i;
        int n = coco.annotation(id).numKeypoints();
        ed.setKeypoint(id, k, 33.5, 44.25, 2, "kp");
        assertEquals(33.5, coco.annotation(id).keypoints()[3 * k]);
        assertEquals(n, coco.annotation(id).numKeypoints());
        ed.setKeypoint(id, k, 33.5, 44.25, 0, "kp off");
        assertArrayEquals(
                new double[] {0, 0, 0},
                java.util.Arrays.copyOfRange(coco.annotation(id).keypoints(), 3 * k, 3 * k + 3));
        assertEquals(n - 1, coco.annotation(id).numKeypoints());

        // every edit undone: the annotation is the original object again
        while (ed.undo() != null) {}
        assertTrue(coco.annotation(id) == a);
        assertFalse(ed.history().isDirty());
        ed.save(o.file());
        JsonNode orig = JSON.readTree(PERSON.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) orig)
                .withArray("categories")
                .addObject()
                .put("id", 99)
                .put("name", "other")
                .put("supercategory", "test");
        assertEquals(orig, JSON.readTree(o.file().toFile()));
    }

    @Test
    void rejectHidesThePredictionWithoutChangingAnnotations() throws Exception {
        Opened o = open();
        AnnotationEditor ed = new AnnotationEditor(o.ds().coco());
        Instance p = firstWithMaskAndKeypoints(o.predictions());
        int n = o.ds().coco().annotations().size();
        ed.reject(p, "Reject");
        assertTrue(ed.isReviewed(p));
        assertEquals(n, o.ds().coco().annotations().size());
        assertEquals(-1, ed.history().undo().annotationId());
        assertFalse(ed.isReviewed(p));
        assertThrows(
                IllegalArgumentException.class,
                () -> ed.reject(o.ds().images().getFirst().annotations().getFirst(), "not a prediction"));
    }

    @Test
    void drawnBoxesPolygonsAndBrushStrokesBecomeExactCocoAnnotations() throws Exception {
        Opened o = open();
        CocoDataset coco = o.ds().coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        long img = coco.images().getFirst().id();
        var im = coco.image(img);

        // a box is drawn as its 4-corner polygon
        long box = ed.addPolygons(img, 1, List.of(new double[] {10, 20, 60, 20, 60, 50, 10, 50}), "box");
        CocoAnnotation b = coco.annotation(box);
        assertArrayEquals(new double[] {10, 20, 50, 30}, b.bbox());
        assertEquals(50.0 * 30, b.area(), "pycocotools rasterises the axis-aligned box to its own area");
        assertEquals(0, b.iscrowd());
        // vertices outside the image are clipped
        long clipped = ed.addPolygons(img, 1, List.of(new double[] {-5, -5, 20, -5, 20, 30}), "tri");
        assertArrayEquals(new double[] {0, 0, 20, 30}, coco.annotation(clipped).bbox());
        assertThrows(
                IllegalArgumentException.class,
                () -> ed.addPolygons(img, 1, List.of(new double[] {1, 1, 5, 5}), "2 points"));

        // brush: one disk of radius 3 on a pixel centre holds the 29 lattice points of that disk
        long dot = ed.brush().paint(-1, img, 1, new double[] {50.5, 40.5}, 3, true, "paint");
        CocoAnnotation d = coco.annotation(dot);
        assertTrue(d.segmentation() instanceof Segmentation.CompressedRle);
        assertEquals(29.0, d.area());
        assertArrayEquals(new double[] {47, 37, 7, 7}, d.bbox());
        // erasing radius 1 there removes 5 pixels; erasing where nothing is changes nothing (no edit)
        int edits = ed.history().size();
        assertEquals(dot, ed.brush().paint(dot, img, 1, new double[] {50.5, 40.5}, 1, false, "erase"));
        assertEquals(24.0, coco.annotation(dot).area());
        assertEquals(-1, ed.brush().paint(dot, img, 1, new double[] {200.5, 200.5}, 4, false, "erase nothing"));
        assertEquals(edits + 1, ed.history().size());
        // a stroke: disks every r/2 along the segment form a capsule of 25 + 2 * 23 + 2 * 21 pixels
        long line = ed.brush().paint(-1, img, 1, new double[] {10.5, 100.5, 30.5, 100.5}, 2, true, "line");
        assertEquals(113.0, coco.annotation(line).area());
        byte[] m = coco.annToRle(coco.annotation(line)).decode();
        for (int y = 0; y < im.height(); y++)
            for (int x = 0; x < im.width(); x++) {
                double dx = Math.max(0, Math.max(10 - x, x - 30)), dy = y - 100;
                assertEquals(dx * dx + dy * dy <= 4 ? 1 : 0, m[y * im.width() + x], "pixel " + x + "," + y);
            }

        // erasing from a polygon annotation turns it into RLE with the pixels removed
        CocoAnnotation poly = coco.annotations().stream()
                .filter(x -> x.segmentation() instanceof Segmentation.Polygons && !x.isCrowd())
                .findFirst()
                .orElseThrow();
        byte[] before = coco.annToRle(poly).decode();
        double[] pb = poly.bbox();
        double cx = Math.floor(pb[0] + pb[2] / 2) + 0.5, cy = Math.floor(pb[1] + pb[3] / 2) + 0.5;
        long pid = ed.brush().paint(poly.id(), poly.imageId(), 0, new double[] {cx, cy}, 4, false, "erase");
        assertEquals(poly.id(), pid);
        byte[] after = coco.annToRle(coco.annotation(pid)).decode();
        int iw = coco.image(poly.imageId()).width();
        int removed = 0;
        for (int i = 0; i < before.length; i++) {
            double dx = i % iw + 0.5 - cx, dy = i / iw + 0.5 - cy;
            boolean inDisk = dx * dx + dy * dy <= 16;
            assertEquals(inDisk ? 0 : before[i], after[i]);
            if (inDisk && before[i] == 1) removed++;
        }
        assertTrue(removed > 0, "the disk was inside the polygon");
        assertTrue(ed.undo() != null);
        assertTrue(coco.annotation(poly.id()) == poly, "undo gives the polygon back");

        ed.save(o.file());
        CocoDataset reread = CocoReader.read(o.file());
        assertEquals(24.0, reread.annotation(dot).area());
        assertEquals(113, reread.annToRle(reread.annotation(line)).area());
        assertEquals(1500.0, reread.annotation(box).area());
    }

    @Test
    void translateMovesBoxPolygonsKeypointsAndMasksTogetherInsideTheImage() throws Exception {
        Opened o = open();
        CocoDataset coco = o.ds().coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation a = polygonWithKeypoints(coco);
        var im = coco.image(a.imageId());
        assertTrue(ed.boxes().translate(a.id(), 3.25, -2.5, "move"));
        CocoAnnotation m = coco.annotation(a.id());
        assertEquals(a.bbox()[0] + 3.25, m.bbox()[0], 1e-9);
        assertEquals(a.bbox()[1] - 2.5, m.bbox()[1], 1e-9);
        double[] p0 = ((Segmentation.Polygons) a.segmentation()).polygons().getFirst();
        double[] p1 = ((Segmentation.Polygons) m.segmentation()).polygons().getFirst();
        for (int i = 0; i < p0.length; i += 2) {
            assertEquals(p0[i] + 3.25, p1[i], 1e-9);
            assertEquals(p0[i + 1] - 2.5, p1[i + 1], 1e-9);
        }
        assertEquals(
                (double) Rle.fromPolygons(List.of(p1), im.height(), im.width()).area(),
                m.area(),
                1e-9,
                "one polygon in this annotation");
        for (int i = 0; i < a.keypoints().length; i += 3) {
            double dx = a.keypoints()[i + 2] > 0 ? 3.25 : 0;
            assertEquals(a.keypoints()[i] + dx, m.keypoints()[i], 1e-9);
        }
        // far to the left: stops at the image edge, the box keeps its size
        ed.boxes().translate(a.id(), -1e6, 0, "far");
        assertEquals(0, coco.annotation(a.id()).bbox()[0], 1e-9);
        assertEquals(a.bbox()[2], coco.annotation(a.id()).bbox()[2], 1e-9);
        assertFalse(ed.boxes().translate(a.id(), -5, 0, "at the edge already"));

        // an RLE mask moves by whole pixels, its pixels exactly
        long dot = ed.brush().paint(-1, im.id(), 1, new double[] {50.5, 40.5}, 3, true, "dot");
        byte[] before = coco.annToRle(coco.annotation(dot)).decode();
        assertTrue(ed.boxes().translate(dot, 10.4, -5.6, "move dot"));
        CocoAnnotation d = coco.annotation(dot);
        assertArrayEquals(new double[] {57, 31, 7, 7}, d.bbox());
        byte[] after = coco.annToRle(d).decode();
        int w = im.width();
        for (int i = 0; i < after.length; i++) {
            int x = i % w - 10, y = i / w + 6;
            assertEquals(x >= 0 && y < im.height() ? before[y * w + x] : 0, after[i]);
        }
        assertEquals(29.0, d.area());
        while (ed.undo() != null) {}
        assertTrue(coco.annotation(a.id()) == a);
    }
}
