package dev.masklab.app.review;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.masklab.app.model.Instance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyboard's review order, without a display. */
class ReviewOrderTest {
    static Instance inst(long id, boolean prediction) {
        return new Instance(
                id,
                1,
                1,
                new double[] {0, 0, 1, 1},
                null,
                "",
                null,
                false,
                1,
                prediction ? 0.9 : Double.NaN,
                prediction,
                null);
    }

    final Instance g1 = inst(1, false), g2 = inst(2, false);
    final Instance p1 = inst(1, true), p2 = inst(2, true), p3 = inst(3, true);
    final List<Instance> gt = List.of(g1, g2), preds = List.of(p1, p2, p3);

    @Test
    void tabWalksPredictionsFirstThenAnnotationsOnceOneIsSelected() {
        assertSame(preds, ReviewOrder.walked(null, preds, gt));
        assertSame(preds, ReviewOrder.walked(p2, preds, gt));
        assertSame(gt, ReviewOrder.walked(g1, preds, gt));
        assertSame(gt, ReviewOrder.walked(null, List.of(), gt));
    }

    @Test
    void tabAndShiftTabWrapAndStartAtTheEnds() {
        assertSame(p1, ReviewOrder.step(null, preds, 1));
        assertSame(p3, ReviewOrder.step(null, preds, -1));
        assertSame(p2, ReviewOrder.step(p1, preds, 1));
        assertSame(p1, ReviewOrder.step(p2, preds, -1));
        assertSame(p1, ReviewOrder.step(p3, preds, 1));
        assertSame(p3, ReviewOrder.step(p1, preds, -1));
        assertSame(p1, ReviewOrder.step(g1, preds, 1), "a selection outside the list starts it");
        assertNull(ReviewOrder.step(p1, List.of(), 1));
    }

    @Test
    void afterAReviewTheNextAtTheSamePlaceIsSelected() {
        // p2 (index 1) was accepted: p3 now sits at index 1
        assertSame(p3, ReviewOrder.afterReview(List.of(p1, p3), 1));
        // the last one reviewed: the new last one
        assertSame(p2, ReviewOrder.afterReview(List.of(p1, p2), 2));
        assertNull(ReviewOrder.afterReview(List.of(), 0));
        assertNull(ReviewOrder.afterReview(preds, -1));
    }
}
