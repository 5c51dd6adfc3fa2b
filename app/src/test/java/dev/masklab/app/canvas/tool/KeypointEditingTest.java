package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.Instance;
import org.junit.jupiter.api.Test;

/**
 * Keypoints edited with the select tool and the keypoint commands, without a display: pressing a keypoint selects it,
 * Delete deletes that keypoint (not the annotation), V / Shift+V set its visibility, "Place skeleton" puts the
 * category's template in the box for the unlabelled keypoints. Each asserts the stored keypoints.
 */
class KeypointEditingTest {
    /** Index of the first labelled keypoint of {@code a}. */
    static int labelled(Instance a) {
        double[] k = a.keypoints();
        int i = 0;
        while (k[3 * i + 2] == 0) i++;
        return i;
    }

    @Test
    void pressingAKeypointSelectsItAndDeleteDeletesOnlyThatKeypoint() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = SelectToolTest.selectPerson(f);
        double[] before = f.stored(a.id()).keypoints().clone();
        int n = f.stored(a.id()).numKeypoints();
        int i = labelled(a);
        SelectTool t = new SelectTool(f);
        ToolFixture.drag(t, before[3 * i], before[3 * i + 1]); // press and release in place
        assertEquals(i, f.vm.selection().selectedKeypointProperty().get());
        int count = f.annotationCount();
        assertTrue(f.vm.edits().deleteSelected());
        assertEquals(count, f.annotationCount(), "the annotation stays");
        double[] expected = before.clone();
        expected[3 * i] = expected[3 * i + 1] = expected[3 * i + 2] = 0;
        assertArrayEquals(expected, f.stored(a.id()).keypoints(), 1e-9);
        assertEquals(n - 1, (int) f.stored(a.id()).numKeypoints());
        assertEquals(-1, f.vm.selection().selectedKeypointProperty().get());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, f.stored(a.id()).keypoints(), 1e-9);

        // a press elsewhere clears the keypoint: Delete then deletes the annotation
        ToolFixture.drag(t, before[3 * i], before[3 * i + 1]);
        assertEquals(i, f.vm.selection().selectedKeypointProperty().get());
        t.press(ToolFixture.at(-30, -30, false));
        assertEquals(-1, f.vm.selection().selectedKeypointProperty().get());
        assertTrue(f.vm.edits().deleteSelected());
        assertEquals(count - 1, f.annotationCount());
    }

    @Test
    void visibilityOfTheSelectedKeypointIsSetAndUndone() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = SelectToolTest.selectPerson(f);
        double[] before = f.stored(a.id()).keypoints().clone();
        int i = labelled(a);
        assertFalse(f.vm.keypoints().setSelectedKeypointVisibility(1), "no keypoint selected");
        f.vm.keypoints().selectKeypoint(i);
        int other = before[3 * i + 2] == 1 ? 2 : 1;
        assertTrue(f.vm.keypoints().setSelectedKeypointVisibility(other));
        double[] expected = before.clone();
        expected[3 * i + 2] = other;
        assertArrayEquals(expected, f.stored(a.id()).keypoints(), 1e-9);
        assertEquals(i, f.vm.selection().selectedKeypointProperty().get(), "the keypoint stays selected");
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, f.stored(a.id()).keypoints(), 1e-9);
    }

    @Test
    void placeSkeletonPutsTheTemplateInTheBoxForUnlabelledKeypoints() throws Exception {
        ToolFixture f = new ToolFixture();
        Instance a = SelectToolTest.selectPerson(f);
        assertTrue(f.vm.categories().skeletonPlaceable(a));
        int i = labelled(a);
        f.vm.keypoints().selectKeypoint(i);
        assertTrue(f.vm.keypoints().deleteSelectedKeypoint());
        double[] before = f.stored(a.id()).keypoints().clone();
        double[] box = f.stored(a.id()).bbox();
        var template = f.vm.editor().keypoints().keypointTemplate(a.categoryId());
        var im = f.vm.navigation().getCurrentImage();
        assertTrue(f.vm.keypoints().placeSkeletonOnSelected());
        double[] after = f.stored(a.id()).keypoints();
        for (int k = 0; 3 * k + 2 < before.length; k++) {
            if (before[3 * k + 2] > 0) {
                assertArrayEquals(
                        new double[] {before[3 * k], before[3 * k + 1], before[3 * k + 2]},
                        new double[] {after[3 * k], after[3 * k + 1], after[3 * k + 2]},
                        1e-9,
                        "labelled " + k + " stays");
            } else {
                double[] at = template.position(k, box);
                assertEquals(Math.clamp(at[0], 0, im.width()), after[3 * k], 1e-9);
                assertEquals(Math.clamp(at[1], 0, im.height()), after[3 * k + 1], 1e-9);
                assertEquals(2, after[3 * k + 2]);
            }
        }
        assertEquals(after.length / 3, (int) f.stored(a.id()).numKeypoints());
        assertEquals(
                "Place skeleton on #" + a.id(),
                f.vm.document().undoLabelProperty().get());
        assertTrue(f.vm.edits().undo());
        assertArrayEquals(before, f.stored(a.id()).keypoints(), 1e-9);
    }
}
