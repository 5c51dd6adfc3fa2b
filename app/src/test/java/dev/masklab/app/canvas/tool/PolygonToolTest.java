package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.Segmentation;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.Test;

/** The polygon tool fed clicks and keys, without a display. */
class PolygonToolTest {
    static double[] polygon(CocoAnnotation a) {
        return ((Segmentation.Polygons) a.segmentation()).polygonsView().getFirst();
    }

    @Test
    void clicksThenEnterMakeThePolygonBackspaceRemovesTheLastPoint() throws Exception {
        ToolFixture f = new ToolFixture();
        PolygonTool t = new PolygonTool(f);
        t.click(ToolFixture.at(10, 10, false));
        t.click(ToolFixture.at(50, 10, false));
        t.click(ToolFixture.at(99, 99, false));
        assertTrue(t.key(KeyCode.BACK_SPACE));
        t.click(ToolFixture.at(30, 40, false));
        t.click(ToolFixture.at(70, 70, true)); // the end of a pan drag adds no point
        assertTrue(t.isDrawing());
        assertTrue(t.key(KeyCode.ENTER));
        assertFalse(t.isDrawing());
        CocoAnnotation a = f.stored(f.vm.selection().selectedProperty().get().id());
        assertArrayEquals(new double[] {10, 10, 50, 10, 30, 40}, polygon(a), 1e-9);
        assertArrayEquals(new double[] {10, 10, 40, 30}, a.bbox(), 1e-9);
        assertEquals(600, a.area(), 1e-6); // shoelace: 40 x 30 / 2
    }

    @Test
    void aClickOnTheFirstPointOrADoubleClickClosesIt() throws Exception {
        ToolFixture f = new ToolFixture();
        PolygonTool t = new PolygonTool(f);
        for (double[] p : new double[][] {{10, 10}, {50, 10}, {50, 50}}) t.click(ToolFixture.at(p[0], p[1], false));
        t.click(ToolFixture.at(11, 11, false)); // 2 image px = 4 screen px from the first point
        assertArrayEquals(
                new double[] {10, 10, 50, 10, 50, 50},
                polygon(f.stored(f.vm.selection().selectedProperty().get().id())),
                1e-9);

        t.click(ToolFixture.at(100, 100, false));
        t.click(ToolFixture.at(140, 100, false));
        t.click(ToolFixture.at(120, 130, false));
        t.click(new ToolEvent(ToolFixture.sx(120), ToolFixture.sy(130), MouseButton.PRIMARY, 2, 0, 0, false));
        assertArrayEquals(
                new double[] {100, 100, 140, 100, 120, 130},
                polygon(f.stored(f.vm.selection().selectedProperty().get().id())),
                1e-9);
    }

    @Test
    void escapeDropsItAndTwoPointsMakeNoPolygon() throws Exception {
        ToolFixture f = new ToolFixture();
        int before = f.annotationCount();
        PolygonTool t = new PolygonTool(f);
        t.click(ToolFixture.at(10, 10, false));
        t.click(ToolFixture.at(50, 10, false));
        assertTrue(t.key(KeyCode.ENTER));
        assertEquals("A polygon needs at least 3 points", f.vm.messageProperty().get());
        t.click(ToolFixture.at(10, 10, false));
        assertTrue(t.key(KeyCode.ESCAPE));
        assertFalse(t.isDrawing());
        assertFalse(t.key(KeyCode.ESCAPE), "nothing drawn: Escape is the window's again");
        assertEquals(before, f.annotationCount());
    }
}
