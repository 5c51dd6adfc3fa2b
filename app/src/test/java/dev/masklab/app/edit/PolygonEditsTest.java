package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.Rle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vertex insert / delete and polygon parts: polygons exact, area and bbox as pycocotools computes them. */
class PolygonEditsTest {

    /** COCO's fields of a polygon annotation: area of pycocotools' rasterisation, bbox of the vertices. */
    private static void assertCocoFields(CocoAnnotation a, List<double[]> expected, CocoImage im) {
        List<double[]> polys = EditTestData.polygons(a);
        assertEquals(expected.size(), polys.size());
        for (int i = 0; i < polys.size(); i++) assertArrayEquals(expected.get(i), polys.get(i), "part " + i);
        assertEquals(
                (double) Rle.fromPolygons(expected, im.height(), im.width()).area(), a.area());
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] p : expected) {
            for (int i = 0; i < p.length; i += 2) {
                x0 = Math.min(x0, p[i]);
                x1 = Math.max(x1, p[i]);
                y0 = Math.min(y0, p[i + 1]);
                y1 = Math.max(y1, p[i + 1]);
            }
        }
        assertArrayEquals(new double[] {x0, y0, x1 - x0, y1 - y0}, a.bbox());
    }

    @Test
    void insertAndDeleteVerticesOnEveryPolygonOfTheSharedData() throws Exception {
        for (var file : List.of(EditTestData.PERSON, EditTestData.LABELME)) {
            CocoDataset coco = EditTestData.read(file);
            AnnotationEditor ed = new AnnotationEditor(coco);
            for (CocoAnnotation a : EditTestData.polygonAnnotations(coco)) {
                CocoImage im = coco.image(a.imageId());
                List<double[]> polys = EditTestData.polygons(a);
                double[] p = polys.getFirst();
                int n = p.length / 2;
                int edge = n - 1; // the closing edge, from the last vertex back to the first
                double mx = (p[2 * edge] + p[0]) / 2, my = (p[2 * edge + 1] + p[1]) / 2;
                double nx = -(p[1] - p[2 * edge + 1]), ny = p[0] - p[2 * edge]; // perpendicular to the edge
                double len = Math.hypot(nx, ny);
                // a click 2 px beside the edge's midpoint inserts the midpoint
                int v = ed.polygons().insertVertex(a.id(), 0, edge, mx + 2 * nx / len, my + 2 * ny / len, "insert");
                assertEquals(n, v);
                double[] q = EditTestData.polygons(coco.annotation(a.id())).getFirst();
                assertEquals(p.length + 2, q.length);
                assertArrayEquals(p, java.util.Arrays.copyOf(q, p.length), "the vertices before it stay");
                assertEquals(mx, q[2 * n], 1e-9);
                assertEquals(my, q[2 * n + 1], 1e-9);
                polys.set(0, q);
                assertCocoFields(coco.annotation(a.id()), polys, im);

                // deleting vertex 0 of the new outline
                assertTrue(ed.polygons().deleteVertex(a.id(), 0, 0, "delete"));
                polys.set(0, java.util.Arrays.copyOfRange(q, 2, q.length));
                assertCocoFields(coco.annotation(a.id()), polys, im);
                ed.undo();
                ed.undo();
                assertSame(a, coco.annotation(a.id()), "undo gives the original annotation back");
            }
        }
    }

    @Test
    void aTriangleKeepsItsVerticesAndPartsAreAddedAndDeleted() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.LABELME);
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation two = coco.annotations().stream()
                .filter(a -> a.segmentation() instanceof dev.masklab.coco.Segmentation.Polygons p && p.size() == 2)
                .findFirst()
                .orElseThrow();
        CocoImage im = coco.image(two.imageId());
        List<double[]> polys = EditTestData.polygons(two);

        // a second-to-last-part deletion keeps the other part, area and bbox follow
        assertTrue(ed.polygons().deletePart(two.id(), 0, "delete part"));
        assertCocoFields(coco.annotation(two.id()), List.of(polys.get(1)), im);
        assertFalse(ed.polygons().deletePart(two.id(), 0, "last part"), "the last part is not deleted");

        // a triangle part (clipped to the image) is added, then refuses to lose a vertex
        double[] tri = {10, 10, 40, 12, -5, 30};
        assertEquals(1, ed.polygons().addPart(two.id(), tri, "add part"));
        double[] clipped = {10, 10, 40, 12, 0, 30};
        assertCocoFields(coco.annotation(two.id()), List.of(polys.get(1), clipped), im);
        int edits = ed.history().size();
        assertFalse(ed.polygons().deleteVertex(two.id(), 1, 2, "third vertex"));
        assertEquals(edits, ed.history().size(), "a refused deletion is no edit");
        assertThrows(IndexOutOfBoundsException.class, () -> ed.polygons().deleteVertex(two.id(), 2, 0, "no part 2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ed.polygons().addPart(two.id(), new double[] {1, 1, 2, 2}, "2 pts"));

        // a square: a vertex inserted on its top edge at the click's projection, area and bbox unchanged
        long sq = ed.addPolygons(
                im.id(), (int) two.categoryId(), List.of(new double[] {10, 10, 20, 10, 20, 20, 10, 20}), "square");
        assertEquals(1, ed.polygons().insertVertex(sq, 0, 0, 15, 7, "insert"));
        assertCocoFields(coco.annotation(sq), List.of(new double[] {10, 10, 15, 10, 20, 10, 20, 20, 10, 20}), im);
        assertEquals(100.0, coco.annotation(sq).area());
        // beyond the edge's end the projection is the end vertex
        assertEquals(2, ed.polygons().insertVertex(sq, 0, 1, 99, 5, "insert at end"));
        assertArrayEquals(
                new double[] {10, 10, 15, 10, 20, 10, 20, 10, 20, 20, 10, 20},
                EditTestData.polygons(coco.annotation(sq)).getFirst());

        // an RLE annotation gets a part as pixels
        ed.polygons().convertToMask(sq, "to mask");
        assertEquals(-1, ed.polygons().addPart(sq, new double[] {30, 10, 40, 10, 40, 20, 30, 20}, "add to mask"));
        Rle expected = Rle.merge(
                List.of(
                        Rle.fromPolygons(
                                List.of(new double[] {10, 10, 20, 10, 20, 20, 10, 20}), im.height(), im.width()),
                        Rle.fromPolygon(new double[] {30, 10, 40, 10, 40, 20, 30, 20}, im.height(), im.width())),
                false);
        assertEquals(expected, coco.annToRle(coco.annotation(sq)));
        assertEquals(200.0, coco.annotation(sq).area());
        assertArrayEquals(new double[] {10, 10, 30, 10}, coco.annotation(sq).bbox());

        while (ed.undo() != null) {}
        assertSame(two, coco.annotation(two.id()));
    }

    @Test
    void nearestEdgeIsTheOneAClickIsClosestTo() {
        double[] sq = {10, 10, 20, 10, 20, 20, 10, 20};
        assertEquals(0, ShapeGeometry.nearestEdge(sq, 15, 8));
        assertEquals(1, ShapeGeometry.nearestEdge(sq, 21, 15));
        assertEquals(2, ShapeGeometry.nearestEdge(sq, 15, 19));
        assertEquals(3, ShapeGeometry.nearestEdge(sq, 9, 15), "the closing edge");
    }
}
