package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Selection rules of torchvision's postprocess_detections on hand-made inputs. */
class BoxPostprocessorTest {
    /** Zero deltas decode to the proposal itself for every class. */
    private static Detections run(BoxPostprocessor p, float[] logits, float[] proposals, int classes) {
        try (NDManager m = NDManager.newBaseManager()) {
            int k = proposals.length / 4;
            NDArray l = m.create(logits, new Shape(k, classes));
            NDArray d = m.zeros(new Shape(k, 4L * classes));
            NDArray b = m.create(proposals, new Shape(k, 4));
            return p.apply(l, d, b, 100, 100);
        }
    }

    @Test
    void dropsBackgroundAppliesStrictThresholdClipsAndOrdersByScore() {
        // proposal 0: class 2 likely; proposal 1: class 1 likely; proposal 1 sticks out of the 100x100 image
        float[] logits = {0f, 1f, 3f, 0f, 2.5f, 0f};
        float[] proposals = {10, 10, 50, 50, 60, 60, 120, 90};
        Detections all = run(new BoxPostprocessor(0f, 0.5f, 100), logits, proposals, 3);
        assertEquals(4, all.size()); // 2 proposals x 2 foreground classes, background dropped
        // scores: p1(prop 1) = 0.859, p2(prop 0) = 0.844, p1(prop 0) = 0.114, p2(prop 1) = 0.070
        assertArrayEquals(new int[] {1, 2, 1, 2}, all.labels());
        assertArrayEquals(new float[] {60, 60, 100, 90}, all.box(0), 0f); // clipped to the image
        for (int i = 1; i < all.size(); i++) {
            assertEquals(true, all.scores()[i - 1] >= all.scores()[i]);
        }
        // softmax of (0, 1, 3): p(class 2) = e^3 / (1 + e + e^3)
        float p2 = (float) (Math.exp(3) / (1 + Math.E + Math.exp(3)));
        assertEquals(p2, all.scores()[1], 1e-6f);
        Detections strict = run(new BoxPostprocessor(all.scores()[1], 0.5f, 100), logits, proposals, 3);
        assertEquals(1, strict.size()); // scores equal to the threshold are dropped (scores > thresh)
        Detections top = run(new BoxPostprocessor(0f, 0.5f, 3), logits, proposals, 3);
        assertEquals(3, top.size());
    }

    @Test
    void classWiseNmsAndEmptyBoxes() {
        // two overlapping proposals (IoU 0.81) voting for class 1, one degenerate proposal
        float[] logits = {0f, 4f, 0f, 3f, 0f, 5f};
        float[] proposals = {10, 10, 60, 60, 12, 12, 62, 62, 30, 30, 30.005f, 80};
        Detections d = run(new BoxPostprocessor(0.05f, 0.5f, 100), logits, proposals, 2);
        assertEquals(1, d.size()); // the weaker overlapping box is suppressed, the 0.005 px wide box removed
        assertArrayEquals(new float[] {10, 10, 60, 60}, d.box(0), 0f);
        Detections none = run(new BoxPostprocessor(0.999f, 0.5f, 100), logits, proposals, 2);
        assertEquals(0, none.size());
    }
}
