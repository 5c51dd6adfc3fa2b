package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Brush and eraser fed strokes, without a display: the exact pixels of the stored RLE mask. */
class BrushToolTest {
    /** Set pixels of the instance's mask as "x,y". */
    static List<String> pixels(Instance inst, ImageEntry e) {
        byte[] m = inst.mask().decode(e.height(), e.width());
        List<String> out = new ArrayList<>();
        for (int y = 0; y < e.height(); y++)
            for (int x = 0; x < e.width(); x++) if (m[y * e.width() + x] != 0) out.add(x + "," + y);
        return out;
    }

    @Test
    void aDabPaintsTheDiskOfPixelCentresWithinTheRadiusAndTheEraserTakesItBack() throws Exception {
        ToolFixture f = new ToolFixture();
        f.vm.tools().brushRadiusProperty().set(2);
        BrushTool brush = new BrushTool(f, true);
        // one dab at pixel (100, 100)'s centre: the pixels whose centres lie within 2 px
        ToolFixture.drag(brush, 100.5, 100.5);
        Instance painted = f.vm.selection().selectedProperty().get();
        assertFalse(f.stored(painted.id()).segmentation() instanceof Segmentation.Polygons, "a brush mask is RLE");
        ImageEntry e = f.vm.navigation().getCurrentImage();
        assertEquals(
                List.of(
                        "100,98", "99,99", "100,99", "101,99", "98,100", "99,100", "100,100", "101,100", "102,100",
                        "99,101", "100,101", "101,101", "100,102"),
                pixels(painted, e));
        assertEquals(13, f.stored(painted.id()).area(), 1e-9);

        // a stroke to the right extends the selected mask: dabs every r/2 = 1 px from x 100.5 to 104.5
        ToolFixture.drag(brush, 100.5, 100.5, 104.5, 100.5);
        List<String> expected = new ArrayList<>();
        int[][] rows = {{98, 100, 104}, {99, 99, 105}, {100, 98, 106}, {101, 99, 105}, {102, 100, 104}};
        for (int[] r : rows) for (int x = r[1]; x <= r[2]; x++) expected.add(x + "," + r[0]);
        assertEquals(expected, pixels(f.shown(painted.id()), e));
        assertEquals(33, f.stored(painted.id()).area(), 1e-9);

        // the eraser takes the first dab back out of the same annotation
        BrushTool eraser = new BrushTool(f, false);
        ToolFixture.drag(eraser, 100.5, 100.5);
        List<String> left = pixels(f.shown(painted.id()), e);
        expected.removeAll(List.of(
                "100,98", "99,99", "100,99", "101,99", "98,100", "99,100", "100,100", "101,100", "102,100", "99,101",
                "100,101", "101,101", "100,102"));
        assertEquals(expected, left);
    }

    @Test
    void theEraserNeedsASelectedAnnotation() throws Exception {
        ToolFixture f = new ToolFixture();
        int before = f.annotationCount();
        ToolFixture.drag(new BrushTool(f, false), 100.5, 100.5);
        assertEquals(before, f.annotationCount());
        assertEquals(
                "Select an annotation to erase from", f.vm.messageProperty().get());
        assertNull(f.vm.selection().selectedProperty().get());
    }
}
