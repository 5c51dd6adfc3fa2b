package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.Segmentation;
import org.junit.jupiter.api.Test;

/** The box tool fed press / drag / release in screen coordinates, without a display. */
class BoxToolTest {
    @Test
    void aDragDrawsOneBoxAnnotationInImagePixels() throws Exception {
        ToolFixture f = new ToolFixture();
        int before = f.annotationCount();
        BoxTool t = new BoxTool(f);
        // dragged from bottom-right to top-left: the corners are sorted
        ToolFixture.drag(t, 60, 90, 45, 70, 20, 30);
        assertEquals(before + 1, f.annotationCount());
        long id = f.vm.selection().selectedProperty().get().id();
        CocoAnnotation a = f.stored(id);
        Segmentation.Polygons p = (Segmentation.Polygons) a.segmentation();
        assertEquals(1, p.polygonsView().size());
        assertArrayEquals(
                new double[] {20, 30, 60, 30, 60, 90, 20, 90}, p.polygonsView().getFirst(), 1e-9);
        assertArrayEquals(new double[] {20, 30, 40, 60}, a.bbox(), 1e-9);
        assertEquals(2400, a.area(), 1e-9);
        assertEquals(f.vm.tools().drawCategoryProperty().get().id(), a.categoryId());
        assertEquals("Draw person box", f.vm.document().undoLabelProperty().get());
        // one edit: one undo removes it
        f.vm.edits().undo();
        assertEquals(before, f.annotationCount());
    }

    @Test
    void aClickOrATinyDragAddsNothing() throws Exception {
        ToolFixture f = new ToolFixture();
        int before = f.annotationCount();
        BoxTool t = new BoxTool(f);
        ToolFixture.drag(t, 50, 50);
        ToolFixture.drag(t, 50, 50, 50.4, 80);
        assertEquals(before, f.annotationCount());
        assertEquals("", f.vm.document().undoLabelProperty().get());
    }
}
