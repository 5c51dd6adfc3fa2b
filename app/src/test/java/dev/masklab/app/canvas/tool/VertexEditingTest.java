package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.Instance;
import dev.masklab.coco.Segmentation;
import java.util.List;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;

/**
 * Polygon vertices and parts edited with the select and polygon tools, without a display: a double-click on an edge
 * inserts a vertex, a double- or right-click on a vertex deletes it (a triangle's part only after a confirmation), and
 * "Add part" makes the next polygon a part of the selected annotation. Each asserts the exact stored polygons.
 */
class VertexEditingTest {
    static List<double[]> polygons(ToolFixture f, long id) {
        return ((Segmentation.Polygons) f.stored(id).segmentation()).polygonsView();
    }

    /** A new polygon annotation on the first image, selected. */
    static Instance drawn(ToolFixture f, double... xy) {
        long id = f.vm.draw().addPolygon(xy);
        assertTrue(id >= 0);
        Instance s = f.vm.selection().selectedProperty().get();
        assertEquals(id, s.id());
        return s;
    }

    static double[] without(double[] xy, int vertex) {
        double[] out = new double[xy.length - 2];
        System.arraycopy(xy, 0, out, 0, 2 * vertex);
        System.arraycopy(xy, 2 * vertex + 2, out, 2 * vertex, out.length - 2 * vertex);
        return out;
    }

    @Test
    void aDoubleClickOnAnEdgeInsertsAVertexThereAndUndoTakesItBack() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = SelectToolTest.selectPerson(f);
        double[] before = polygons(f, a.id()).getFirst().clone();
        SelectTool t = new SelectTool(f);
        // an edge whose middle is no handle and at least 20 screen px from both ends
        int n = before.length / 2, edge = -1;
        double mx = 0, my = 0;
        for (int i = 0; i < n && edge < 0; i++) {
            int j = (i + 1) % n;
            mx = (before[2 * i] + before[2 * j]) / 2;
            my = (before[2 * i + 1] + before[2 * j + 1]) / 2;
            double len = Math.hypot(before[2 * j] - before[2 * i], before[2 * j + 1] - before[2 * i + 1]);
            if (len * ToolFixture.ZOOM > 40 && f.handleAt(ToolFixture.sx(mx), ToolFixture.sy(my)) == null) edge = i;
        }
        assertTrue(edge >= 0, "no long edge on the person's polygon");
        // the first click of the double-click keeps the selection (it is on the selected outline)
        t.click(ToolFixture.at(mx, my, false));
        assertSame(a, f.vm.selection().selectedProperty().get());
        t.click(ToolFixture.doubleClickAt(mx, my));
        double[] expected = new double[before.length + 2];
        System.arraycopy(before, 0, expected, 0, 2 * edge + 2);
        expected[2 * edge + 2] = mx;
        expected[2 * edge + 3] = my;
        System.arraycopy(before, 2 * edge + 2, expected, 2 * edge + 4, before.length - 2 * edge - 2);
        assertArrayEquals(expected, polygons(f, a.id()).getFirst(), 1e-9);
        assertEquals(
                "Insert vertex in #" + a.id(),
                f.vm.document().undoLabelProperty().get());
        assertEquals(a.id(), f.vm.selection().selectedProperty().get().id());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, polygons(f, a.id()).getFirst(), 1e-9);
    }

    @Test
    void aDoubleClickOrRightClickOnAVertexDeletesIt() throws Exception {
        ToolFixture f = new ToolFixture();
        double[] square = {100, 100, 160, 100, 170, 160, 100, 160, 70, 130}; // never a box (boxes have corner handles)
        Instance a = drawn(f, square);
        SelectTool t = new SelectTool(f);
        t.click(ToolFixture.doubleClickAt(70, 130));
        assertArrayEquals(without(square, 4), polygons(f, a.id()).getFirst(), 1e-9);
        assertEquals(
                "Delete vertex of #" + a.id(),
                f.vm.document().undoLabelProperty().get());
        t.click(ToolFixture.secondaryAt(160, 100));
        assertArrayEquals(
                new double[] {100, 100, 170, 160, 100, 160}, polygons(f, a.id()).getFirst(), 1e-9);
        assertTrue(f.vm.edits().undo());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(square, polygons(f, a.id()).getFirst(), 1e-9);
    }

    @Test
    void deletingFromATriangleOffersToDeleteThePartButNeverTheOnlyOne() throws Exception {
        ToolFixture f = new ToolFixture();
        double[] triangle = {100, 100, 160, 100, 130, 150};
        Instance a = drawn(f, triangle);
        SelectTool t = new SelectTool(f);
        int edits = f.vm.editor().history().size();
        t.click(ToolFixture.doubleClickAt(160, 100)); // the only part: refused, nothing asked
        assertArrayEquals(triangle, polygons(f, a.id()).getFirst(), 1e-9);
        assertTrue(f.dialogs.asked.isEmpty(), f.dialogs.asked.toString());

        double[] part = {200, 200, 240, 200, 220, 230};
        assertTrue(f.vm.draw().addPartToSelected(part));
        assertEquals(2, polygons(f, a.id()).size());
        t.click(ToolFixture.doubleClickAt(240, 200)); // asked, declined
        assertEquals(List.of("confirm Delete this part of #" + a.id() + "?"), f.dialogs.asked);
        assertEquals(2, polygons(f, a.id()).size());
        f.dialogs.confirm = header -> header.startsWith("Delete this part");
        t.click(ToolFixture.doubleClickAt(240, 200));
        assertEquals(1, polygons(f, a.id()).size());
        assertArrayEquals(triangle, polygons(f, a.id()).getFirst(), 1e-9);
        assertEquals(
                "Delete part of #" + a.id(), f.vm.document().undoLabelProperty().get());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(part, polygons(f, a.id()).get(1), 1e-9);
        assertEquals(edits + 1, f.vm.editor().history().size());
    }

    @Test
    void pressingAVertexSelectsItsPartForDeletePart() throws Exception {
        ToolFixture f = new ToolFixture();
        double[] triangle = {100, 100, 160, 100, 130, 150};
        double[] part = {200, 200, 260, 200, 250, 240, 210, 240};
        Instance a = drawn(f, triangle);
        assertTrue(f.vm.draw().addPartToSelected(part));
        SelectTool t = new SelectTool(f);
        assertFalse(f.vm.edits().deleteSelectedPart(), "no part selected");
        ToolFixture.drag(t, 250, 240); // press and release on a vertex of part 1
        assertEquals(1, f.vm.selection().selectedPartProperty().get());
        assertTrue(f.vm.edits().deleteSelectedPart());
        assertEquals(1, polygons(f, a.id()).size());
        assertArrayEquals(triangle, polygons(f, a.id()).getFirst(), 1e-9);
        assertEquals(-1, f.vm.selection().selectedPartProperty().get());
        ToolFixture.drag(t, 160, 100);
        assertEquals(0, f.vm.selection().selectedPartProperty().get());
        assertFalse(f.vm.edits().deleteSelectedPart(), "the only part stays");
        assertEquals(1, polygons(f, a.id()).size());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(part, polygons(f, a.id()).get(1), 1e-9);
    }

    @Test
    void addPartMakesTheNextPolygonAPartOfTheSelectedAnnotation() throws Exception {
        ToolFixture f = new ToolFixture();
        double[] first = {100, 100, 160, 100, 130, 150};
        Instance a = drawn(f, first);
        int count = f.annotationCount();
        assertTrue(f.vm.draw().startAddPart());
        assertEquals(ToolKind.POLYGON, f.vm.tools().toolProperty().get());
        assertTrue(f.vm.tools().addingPartProperty().get());
        PolygonTool t = new PolygonTool(f);
        for (double[] p : new double[][] {{200, 200}, {250, 200}, {250, 240}, {200, 240}})
            t.click(ToolFixture.at(p[0], p[1], false));
        assertTrue(t.key(KeyCode.ENTER));
        assertEquals(count, f.annotationCount(), "no new annotation");
        List<double[]> parts = polygons(f, a.id());
        assertEquals(2, parts.size());
        assertArrayEquals(first, parts.get(0), 1e-9);
        assertArrayEquals(new double[] {200, 200, 250, 200, 250, 240, 200, 240}, parts.get(1), 1e-9);
        assertArrayEquals(new double[] {100, 100, 150, 140}, f.stored(a.id()).bbox(), 1e-9);
        assertEquals(
                "Add part to #" + a.id(), f.vm.document().undoLabelProperty().get());
        assertFalse(f.vm.tools().addingPartProperty().get());
        assertEquals(ToolKind.SELECT, f.vm.tools().toolProperty().get());
        assertEquals(a.id(), f.vm.selection().selectedProperty().get().id());

        // without add-part mode the polygon tool makes new annotations again
        f.vm.tools().toolProperty().set(ToolKind.POLYGON);
        for (double[] p : new double[][] {{300, 300}, {340, 300}, {320, 330}})
            t.click(ToolFixture.at(p[0], p[1], false));
        assertTrue(t.key(KeyCode.ENTER));
        assertEquals(count + 1, f.annotationCount());

        // leaving the polygon tool ends add-part mode; nothing selected: no add-part
        assertTrue(f.vm.draw().startAddPart());
        f.vm.tools().toolProperty().set(ToolKind.SELECT);
        assertFalse(f.vm.tools().addingPartProperty().get());
        f.vm.selection().selectedProperty().set(null);
        assertFalse(f.vm.draw().startAddPart());
        assertNull(f.vm.selection().selectedProperty().get());
        assertNotNull(f.stored(a.id()));
    }
}
