package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.canvas.HitTester;
import dev.masklab.app.model.Instance;
import org.junit.jupiter.api.Test;

/**
 * The keypoint tool without a display, on the shared person set (zoom 2, panned): a drag moves a keypoint, a click
 * places the first keypoint not placed, a right-click cycles visibility, and with nothing selected a click selects
 * the annotation and names the keypoint that comes next. Each asserts the exact stored keypoints.
 */
class KeypointToolTest {
    /**
     * The select tool's person with labelled keypoints, selected; when all its keypoints are labelled, its first one is
     * deleted first (so one is left to place).
     */
    static Instance selectPartlyLabelled(ToolFixture f) {
        Instance a = SelectToolTest.selectPerson(f);
        if (firstWith(a.keypoints(), false) < 0) {
            f.vm.keypoints().selectKeypoint(firstWith(a.keypoints(), true));
            assertTrue(f.vm.keypoints().deleteSelectedKeypoint());
        }
        Instance s = f.vm.selection().getSelected();
        assertTrue(firstWith(s.keypoints(), false) >= 0 && firstWith(s.keypoints(), true) >= 0);
        return s;
    }

    static int firstWith(double[] k, boolean labelled) {
        for (int i = 0; 3 * i < k.length; i++) if (k[3 * i + 2] > 0 == labelled) return i;
        return -1;
    }

    /** A point of the annotation's box farther than the handle radius (on screen) from each labelled keypoint. */
    static double[] freePoint(Instance a) {
        double[] b = a.bbox(), k = a.keypoints();
        for (double fy = 0.1; fy < 1; fy += 0.1)
            for (double fx = 0.1; fx < 1; fx += 0.1) {
                double x = Math.round(b[0] + fx * b[2]), y = Math.round(b[1] + fy * b[3]);
                boolean free = true;
                for (int i = 0; 3 * i < k.length; i++)
                    if (k[3 * i + 2] > 0
                            && Math.hypot(k[3 * i] - x, k[3 * i + 1] - y) * ToolFixture.ZOOM
                                    <= 2 * HitTester.HANDLE_RADIUS) free = false;
                if (free) return new double[] {x, y};
            }
        throw new AssertionError("no free point in the box of #" + a.id());
    }

    @Test
    void aDragMovesTheKeypointAndSelectsIt() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPartlyLabelled(f);
        double[] before = f.stored(a.id()).keypoints().clone();
        int i = firstWith(before, true);
        KeypointTool t = new KeypointTool(f);
        double x = before[3 * i], y = before[3 * i + 1];
        ToolFixture.drag(t, x, y, x + 3, y + 2, x + 6, y + 4);
        assertEquals(i, f.vm.selection().selectedKeypointProperty().get());
        double[] expected = before.clone();
        expected[3 * i] = x + 6;
        expected[3 * i + 1] = y + 4;
        assertArrayEquals(expected, f.stored(a.id()).keypoints(), 1e-9);
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, f.stored(a.id()).keypoints(), 1e-9);
    }

    @Test
    void aClickPlacesTheFirstKeypointNotPlacedAndNamesTheNext() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPartlyLabelled(f);
        double[] before = f.stored(a.id()).keypoints().clone();
        int n = f.stored(a.id()).numKeypoints();
        int k = firstWith(before, false);
        double[] p = freePoint(a);
        KeypointTool t = new KeypointTool(f);
        t.click(ToolFixture.at(p[0], p[1], false));
        double[] expected = before.clone();
        expected[3 * k] = p[0];
        expected[3 * k + 1] = p[1];
        expected[3 * k + 2] = 2;
        assertArrayEquals(expected, f.stored(a.id()).keypoints(), 1e-9);
        assertEquals(n + 1, (int) f.stored(a.id()).numKeypoints());
        assertEquals(k, f.vm.selection().selectedKeypointProperty().get(), "the placed keypoint is selected");
        String name = f.vm.categories().keypointName(a, k);
        int next = firstWith(expected, false);
        String message = f.vm.messageProperty().get();
        assertTrue(message.startsWith("Placed " + name + " of #" + a.id()), message);
        assertTrue(
                next < 0
                        ? message.endsWith("all keypoints are placed")
                        : message.endsWith("next: " + f.vm.categories().keypointName(a, next)),
                message);
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, f.stored(a.id()).keypoints(), 1e-9);
    }

    @Test
    void aRightClickOnAKeypointCyclesItsVisibility() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPartlyLabelled(f);
        double[] before = f.stored(a.id()).keypoints().clone();
        int i = firstWith(before, true);
        KeypointTool t = new KeypointTool(f);
        int count = f.annotationCount();
        t.click(ToolFixture.secondaryAt(before[3 * i], before[3 * i + 1]));
        int v = (int) before[3 * i + 2];
        int next = v == 2 ? 1 : 0;
        double[] expected = before.clone();
        expected[3 * i + 2] = next;
        if (next == 0) expected[3 * i] = expected[3 * i + 1] = 0; // COCO stores an unlabelled keypoint as 0, 0, 0
        assertArrayEquals(expected, f.stored(a.id()).keypoints(), 1e-9);
        assertEquals(count, f.annotationCount(), "nothing else changes");
    }

    @Test
    void withNothingSelectedAClickSelectsTheAnnotationAndNamesTheNextKeypoint() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = selectPartlyLabelled(f);
        double[] p = freePoint(a);
        f.vm.selection().selectedProperty().set(null);
        int count = f.annotationCount();
        KeypointTool t = new KeypointTool(f);
        t.click(ToolFixture.at(p[0], p[1], false));
        Instance s = f.vm.selection().getSelected();
        assertNotNull(s);
        assertEquals(count, f.annotationCount());
        int k = f.vm.keypoints().nextUnplaced(s);
        if (s.keypoints() != null && s.keypoints().length > 0)
            assertEquals(
                    k >= 0
                            ? "Click to place " + f.vm.categories().keypointName(s, k) + " of #" + s.id()
                            : "All keypoints of #" + s.id()
                                    + " are placed: drag one to move it, right-click cycles its visibility",
                    f.vm.messageProperty().get());
    }
}
