package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.masklab.app.model.Instance;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.Segmentation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The select tool fed clicks and handle drags, without a display: the stored vertex, keypoint and box. */
class SelectToolTest {
    /** A shown annotation with a polygon and a visible keypoint, selected. */
    static Instance selectPerson(ToolFixture f) {
        for (Instance a : f.vm.shown().shownGroundTruthProperty().get()) {
            if (!f.vm.edits().polygonsOf(a).isEmpty() && a.visibleKeypointCount() > 0) {
                f.vm.selection().selectedProperty().set(a);
                return a;
            }
        }
        throw new AssertionError("no annotation with polygon and keypoints on the first image");
    }

    static double[] polygon(CocoAnnotation a) {
        return ((Segmentation.Polygons) a.segmentation()).polygonsView().getFirst();
    }

    @Test
    void draggingAVertexMovesExactlyThatVertex() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPerson(f);
        double[] before = polygon(f.stored(a.id())).clone();
        SelectTool t = new SelectTool(f);
        // the vertex farthest from every keypoint (keypoint handles sit on top)
        int v = 0;
        double x = before[2 * v], y = before[2 * v + 1];
        assertNotNull(f.handleAt(ToolFixture.sx(x), ToolFixture.sy(y)));
        ToolFixture.drag(t, x, y, x + 2, y + 3, x + 5, y + 7);
        double[] after = polygon(f.stored(a.id()));
        double[] expected = before.clone();
        expected[0] = x + 5;
        expected[1] = y + 7;
        assertArrayEquals(expected, after, 1e-9);
        assertEquals(
                "Move vertex of #" + a.id(), f.vm.document().undoLabelProperty().get());
        assertEquals(a.id(), f.vm.selection().selectedProperty().get().id(), "the edited annotation stays selected");
    }

    @Test
    void draggingAKeypointMovesItAndRightClickCyclesItsVisibility() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPerson(f);
        double[] k = a.keypoints();
        int i = 0;
        while (k[3 * i + 2] == 0) i++;
        SelectTool t = new SelectTool(f);
        ToolFixture.drag(t, k[3 * i], k[3 * i + 1], k[3 * i] + 3, k[3 * i + 1] + 4);
        double[] stored = f.stored(a.id()).keypoints();
        assertEquals(k[3 * i] + 3, stored[3 * i], 1e-9);
        assertEquals(k[3 * i + 1] + 4, stored[3 * i + 1], 1e-9);
        assertEquals(k[3 * i + 2], stored[3 * i + 2], 1e-9);
        for (int j = 0; j < k.length; j++) if (j / 3 != i) assertEquals(k[j], stored[j], 1e-9);

        t.click(ToolFixture.secondaryAt(stored[3 * i], stored[3 * i + 1]));
        double v0 = stored[3 * i + 2];
        assertEquals(v0 == 2 ? 1 : v0 == 1 ? 0 : 2, f.stored(a.id()).keypoints()[3 * i + 2], 1e-9);
    }

    @Test
    void aDragInsideTheSelectedAnnotationMovesIt() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = null;
        double cx = 0, cy = 0;
        for (Instance c :
                f.vm.shown().shownGroundTruthProperty().get()) { // one whose box centre picks it (not covered)
            double[] b = c.bbox();
            cx = b[0] + b[2] / 2;
            cy = b[1] + b[3] / 2;
            if (!f.vm.edits().polygonsOf(c).isEmpty()
                    && f.instanceAt(ToolFixture.sx(cx), ToolFixture.sy(cy)) == c
                    && f.handleAt(ToolFixture.sx(cx), ToolFixture.sy(cy)) == null) {
                a = c;
                break;
            }
        }
        assertNotNull(a);
        f.vm.selection().selectedProperty().set(a);
        double[] before = polygon(f.stored(a.id())).clone();
        SelectTool t = new SelectTool(f);
        ToolFixture.drag(t, cx, cy, cx + 2, cy + 1, cx + 4, cy + 2);
        double[] after = polygon(f.stored(a.id()));
        for (int j = 0; j < before.length; j += 2) {
            assertEquals(before[j] + 4, after[j], 1e-9);
            assertEquals(before[j + 1] + 2, after[j + 1], 1e-9);
        }
    }

    @Test
    void aClickSelectsTheInstanceUnderThePointerAndAClickOnNothingClearsIt() throws Exception {
        ToolFixture f = new ToolFixture();
        SelectTool t = new SelectTool(f);
        List<Instance> shown = f.vm.shown().shownGroundTruthProperty().get();
        Instance target = null;
        double tx = 0, ty = 0;
        for (Instance a : shown) {
            double[] b = a.bbox();
            tx = b[0] + b[2] / 2;
            ty = b[1] + b[3] / 2;
            if (f.instanceAt(ToolFixture.sx(tx), ToolFixture.sy(ty)) == a) {
                target = a;
                break;
            }
        }
        assertNotNull(target);
        t.click(ToolFixture.at(tx, ty, false));
        assertSame(target, f.vm.selection().selectedProperty().get());
        t.click(ToolFixture.at(tx, ty, true)); // the end of a drag is no click
        assertSame(target, f.vm.selection().selectedProperty().get());
        t.click(ToolFixture.at(-20, -20, false));
        assertEquals(null, f.vm.selection().selectedProperty().get());
    }
}
