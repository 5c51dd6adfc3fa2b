package dev.masklab.app.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.masklab.coco.CocoResult;
import org.junit.jupiter.api.Test;

/**
 * Which predicted keypoints the vector layer draws and an accept keeps (#16 part 6): v &gt; 0 and, for predictions
 * with keypoint scores, a score of at least the threshold; ground truth is never filtered by score.
 */
class KeypointConfidenceTest {
    /** Four keypoints: predicted, predicted, not predicted (v 0), predicted; scores 2.5, 1.9, 9, 2 (logits). */
    static final double[] KEYPOINTS = {10, 20, 1, 30, 40, 1, 0, 0, 0, 50, 60, 1};

    static final double[] SCORES = {2.5, 1.9, 9, 2};

    static Instance prediction(double[] scores) {
        return CocoAdapter.prediction(
                new CocoResult(785, 1, 0.9, new double[] {0, 0, 60, 70}, null, KEYPOINTS, 1, 4200, scores), 1);
    }

    @Test
    void keypointsBelowTheThresholdAreNotDrawn() {
        Instance p = prediction(SCORES);
        assertArrayEquals(new boolean[] {true, false, false, true}, KeypointConfidence.drawn(p, 2.0));
        assertArrayEquals(
                new boolean[] {true, false, false, true},
                KeypointConfidence.drawn(p, KeypointConfidence.DEFAULT_THRESHOLD),
                "the default: Detectron's 2 on the logit");
        assertArrayEquals(new boolean[] {false, false, false, false}, KeypointConfidence.drawn(p, 3));
        assertArrayEquals(new boolean[] {true, true, false, true}, KeypointConfidence.drawn(p, -1));
        // without scores, and for ground truth, every keypoint with v > 0
        assertArrayEquals(new boolean[] {true, true, false, true}, KeypointConfidence.drawn(prediction(null), 2));
        Instance gt = new Instance(
                1,
                785,
                1,
                new double[] {0, 0, 60, 70},
                null,
                "",
                KEYPOINTS,
                false,
                4200,
                Double.NaN,
                false,
                null,
                SCORES);
        assertArrayEquals(new boolean[] {true, true, false, true}, KeypointConfidence.drawn(gt, 100));
    }

    @Test
    void acceptedKeypointsAreVisibleOrUnlabelled() {
        assertArrayEquals(
                new double[] {10, 20, 2, 0, 0, 0, 0, 0, 0, 50, 60, 2},
                KeypointConfidence.accepted(prediction(SCORES), 2.0));
        assertNull(KeypointConfidence.accepted(
                CocoAdapter.prediction(CocoResult.of(785, 1, 0.9, new double[] {0, 0, 5, 5}, null, null), 1), 2));
    }
}
