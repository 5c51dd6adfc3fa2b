package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The point prompt tool (#16 part 3) fed clicks in screen coordinates (zoom 2, panned), without a display, with a
 * fake prompter in place of the loaded model: the point is asked in image pixels, the best candidate becomes the
 * selected pending prediction, a second click at about the same point cycles to the next (only one pending at a
 * time), a click elsewhere asks anew, an answer to a superseded click is dropped.
 */
class PointPromptToolTest {
    /** The points asked (image pixels) and the answers still to give. */
    final List<double[]> asked = new ArrayList<>();

    final List<Consumer<List<CocoResult>>> waiting = new ArrayList<>();

    /** Three candidates, boxes around (x, y) of growing size with falling scores (as the model sorts them). */
    static List<CocoResult> threeAt(ImageEntry image, double x, double y) {
        List<CocoResult> out = new ArrayList<>();
        double[] scores = {0.91, 0.43, 0.07};
        for (int i = 0; i < 3; i++) {
            double r = 5 + 10 * i;
            double[] box = {x - r, y - r, 2 * r, 2 * r};
            Rle mask = Rle.fromBbox(box, image.height(), image.width());
            out.add(CocoResult.of(image.id(), 1, scores[i], box, Segmentation.of(mask), null));
        }
        return out;
    }

    /** A fake model answering at once: three candidates, or none left of x = 50. */
    void fakeModel(ToolFixture f) {
        f.vm.tools().pointPrompterProperty().set((image, x, y, done) -> {
            asked.add(new double[] {image.id(), x, y});
            done.accept(x < 50 ? List.of() : threeAt(image, x, y));
        });
    }

    static ToolEvent clickAt(double ix, double iy) {
        return ToolFixture.at(ix, iy, false);
    }

    List<Instance> pending(ToolFixture f) {
        return f.vm.shown().shownPredictionsProperty().get();
    }

    @Test
    void aClickShowsTheBestCandidateAndASecondClickTheNextOneInItsPlace() throws Exception {
        ToolFixture f = new ToolFixture();
        fakeModel(f);
        int before = f.annotationCount();
        PointPromptTool t = new PointPromptTool(f);

        t.click(clickAt(120, 90));
        assertEquals(1, asked.size());
        assertEquals(120, asked.getFirst()[1], 1e-9);
        assertEquals(90, asked.getFirst()[2], 1e-9);
        Instance first = f.vm.selection().selectedProperty().get();
        assertTrue(first.prediction());
        assertEquals(0.91, first.score(), 1e-12);
        assertEquals(List.of(first), pending(f));
        assertTrue(
                f.vm.messageProperty().get().startsWith("Candidate 1 of 3 (score 0.91)"),
                f.vm.messageProperty().get());

        // about the same point (1.5 image px at zoom 2: 3 screen px): the next candidate, not a new question
        t.click(clickAt(121, 91));
        assertEquals(1, asked.size());
        Instance second = f.vm.selection().selectedProperty().get();
        assertEquals(0.43, second.score(), 1e-12);
        assertEquals(List.of(second), pending(f), "the next candidate replaces the one shown");
        assertFalse(f.vm.predictions().predictionsProperty().get().results().stream()
                .anyMatch(r -> r.score() == 0.91));
        assertTrue(
                f.vm.messageProperty().get().startsWith("Candidate 2 of 3 (score 0.43)"),
                f.vm.messageProperty().get());
        t.click(clickAt(120, 90));
        assertEquals(0.07, f.vm.selection().selectedProperty().get().score(), 1e-12);
        t.click(clickAt(120, 90));
        assertEquals(0.91, f.vm.selection().selectedProperty().get().score(), 1e-12, "after the last: the first again");
        assertEquals(1, pending(f).size());
        assertEquals(before, f.annotationCount(), "nothing is an annotation until accepted");

        // accepted, it stays an annotation when the next candidate is shown
        assertTrue(f.vm.review().acceptSelected());
        assertEquals(before + 1, f.annotationCount());
        t.click(clickAt(120, 90));
        assertEquals(0.43, f.vm.selection().selectedProperty().get().score(), 1e-12);
        assertEquals(before + 1, f.annotationCount());

        // elsewhere: asked anew; the pending candidate of the first point stays
        t.click(clickAt(160, 100));
        assertEquals(2, asked.size());
        assertEquals(2, pending(f).size());
        assertEquals(0.91, f.vm.selection().selectedProperty().get().score(), 1e-12);
        assertTrue(f.vm.edits().deleteSelected(), "Delete drops it");
        assertEquals(1, pending(f).size());
    }

    @Test
    void nothingThereNoModelAndSupersededAnswers() throws Exception {
        ToolFixture f = new ToolFixture();
        PointPromptTool t = new PointPromptTool(f);
        t.click(clickAt(120, 90));
        assertTrue(
                f.vm.messageProperty().get().startsWith("No model loaded"),
                f.vm.messageProperty().get());

        fakeModel(f);
        t.click(clickAt(20, 30));
        assertEquals(
                "No object here (the model found nothing at this point)",
                f.vm.messageProperty().get());
        assertNull(f.vm.selection().selectedProperty().get());
        assertTrue(f.vm.predictions().predictionsProperty().get() == null
                || pending(f).isEmpty());
        t.click(clickAt(20.5, 30));
        assertEquals(1, asked.size(), "the same point: nothing to cycle, not asked again");

        // a slow model: the answer to the first click arrives after the second click and is dropped
        f.vm.tools().pointPrompterProperty().set((image, x, y, done) -> {
            asked.add(new double[] {image.id(), x, y});
            waiting.add(done);
        });
        ImageEntry image = f.vm.navigation().getCurrentImage();
        t.click(clickAt(100, 80));
        t.click(clickAt(100.5, 80)); // still asking: ignored
        t.click(clickAt(150, 60));
        assertEquals(3, asked.size());
        waiting.get(0).accept(threeAt(image, 100, 80));
        assertNull(f.vm.selection().selectedProperty().get(), "superseded");
        waiting.get(1).accept(threeAt(image, 150, 60));
        Instance p = f.vm.selection().selectedProperty().get();
        assertEquals(150 - 5, p.bbox()[0], 1e-9);
        assertSame(p, pending(f).getFirst());

        // another tool or image cancels: a late answer is dropped, the next click asks anew
        t.click(clickAt(60, 60));
        t.cancel();
        waiting.get(2).accept(threeAt(image, 60, 60));
        assertSame(p, f.vm.selection().selectedProperty().get());
        t.click(clickAt(60, 60));
        assertEquals(5, asked.size());
    }
}
