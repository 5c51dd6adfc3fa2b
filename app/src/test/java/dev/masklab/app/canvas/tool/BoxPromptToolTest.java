package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The box prompt tool (#16 part 2) fed press / drag / release in screen coordinates (zoom 2, panned), without a
 * display, with a fake prompter in place of the loaded model: the box it is asked about is the dragged one in image
 * pixels, and its answer becomes the selected pending prediction that Enter accepts and Delete drops.
 */
class BoxPromptToolTest {
    /** What the fake model was asked: image id, box x, y, w, h and the category (-1: the box head's). */
    final List<double[]> asked = new ArrayList<>();

    /** A fake model answering with a mask that fills the box, category as asked (else 1), score 0.01. */
    void fakeModel(ToolFixture f) {
        f.vm.tools().boxPrompterProperty().set((image, box, cat, done) -> {
            asked.add(new double[] {image.id(), box[0], box[1], box[2], box[3], cat.orElse(-1)});
            Rle mask = Rle.fromBbox(box, image.height(), image.width());
            done.accept(CocoResult.of(image.id(), cat.orElse(1), 0.01, box.clone(), Segmentation.of(mask), null));
        });
    }

    @Test
    void theDraggedBoxIsAskedInImagePixelsAndTheAnswerIsASelectedPendingPrediction() throws Exception {
        ToolFixture f = new ToolFixture();
        fakeModel(f);
        int before = f.annotationCount();
        BoxTool t = new BoxTool(f, f.vm.prompts()::promptBox);
        ToolFixture.drag(t, 60, 90, 45, 70, 20, 30);
        assertEquals(1, asked.size());
        double[] q = asked.getFirst();
        assertEquals(f.vm.navigation().getCurrentImage().id(), (long) q[0]);
        assertArrayEquals(new double[] {20, 30, 40, 60}, new double[] {q[1], q[2], q[3], q[4]}, 1e-9);
        assertEquals(
                f.vm.tools().drawCategoryProperty().get().id(), (long) q[5], "the tool bar's category is asked for");
        assertEquals(before, f.annotationCount(), "an answer is not an annotation until accepted");

        Instance p = f.vm.selection().selectedProperty().get();
        assertTrue(p.prediction());
        assertTrue(
                f.vm.shown().shownPredictionsProperty().get().contains(p), "shown although below the score threshold");
        assertTrue(f.vm.predictions().scoreThresholdProperty().get() > p.score());
        assertTrue(f.vm.review().acceptSelected());
        assertEquals(before + 1, f.annotationCount());
        CocoAnnotation a = f.vm.editor().coco().annotations().getLast();
        assertArrayEquals(new double[] {20, 30, 40, 60}, a.bbox(), 1e-9);
        assertEquals(2400, a.area(), 1e-9);
        assertFalse(f.vm.shown().shownPredictionsProperty().get().contains(p));
        assertTrue(f.vm.edits().undo());
        assertTrue(f.vm.shown().shownPredictionsProperty().get().contains(p), "undo makes it pending again");

        // a second prompt; Delete drops it
        ToolFixture.drag(t, 5, 5, 15, 25);
        Instance second = f.vm.selection().selectedProperty().get();
        assertEquals(2, asked.size());
        assertTrue(f.vm.edits().deleteSelected());
        assertFalse(f.vm.shown().shownPredictionsProperty().get().contains(second));
        assertEquals(before, f.annotationCount());
    }

    @Test
    void withoutAModelOrWithATinyBoxNothingIsAsked() throws Exception {
        ToolFixture f = new ToolFixture();
        BoxTool t = new BoxTool(f, f.vm.prompts()::promptBox);
        ToolFixture.drag(t, 10, 10, 50, 50);
        assertTrue(
                f.vm.messageProperty().get().startsWith("No model loaded"),
                f.vm.messageProperty().get());
        assertNull(f.vm.predictions().predictionsProperty().get());
        fakeModel(f);
        ToolFixture.drag(t, 10, 10, 10.5, 50);
        assertTrue(asked.isEmpty());
        // a box past the image's edge is clipped to the image
        ImageEntry e = f.vm.navigation().getCurrentImage();
        ToolFixture.drag(t, -20, -10, 30, 40);
        assertArrayEquals(new double[] {0, 0, 30, 40}, Arrays.copyOfRange(asked.getFirst(), 1, 5), 1e-9);
        assertSame(e, f.vm.navigation().getCurrentImage());
    }
}
