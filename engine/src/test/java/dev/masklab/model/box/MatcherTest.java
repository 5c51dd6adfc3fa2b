package dev.masklab.model.box;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatcherTest {
    // rows = 2 ground truths, columns = 5 predictions
    private static final float[][] IOU = {
        {0.9f, 0.5f, 0.2f, 0.1f, 0.35f},
        {0.1f, 0.6f, 0.35f, 0.05f, 0.35f}
    };

    @Test
    void thresholdsWithoutLowQuality() {
        Matcher m = new Matcher(0.7f, 0.3f, false);
        assertArrayEquals(new int[] {0, -2, -2, -1, -2}, m.match(IOU));
    }

    @Test
    void lowQualityMatchesRestoreBestPredictionsIncludingTies() {
        Matcher m = new Matcher(0.7f, 0.3f, true);
        // gt 1's best quality 0.6 is reached by prediction 1 -> restored to gt 1; gt 0's best (0.9) already matched
        assertArrayEquals(new int[] {0, 1, -2, -1, -2}, m.match(IOU));
        float[][] ties = {{0.2f, 0.2f, 0.1f}};
        assertArrayEquals(new int[] {0, 0, -1}, new Matcher(0.7f, 0.3f, true).match(ties));
    }

    @Test
    void firstGroundTruthWinsTies() {
        float[][] q = {{0.8f}, {0.8f}};
        assertArrayEquals(new int[] {0}, new Matcher(0.5f, 0.4f, false).match(q));
    }

    @Test
    void ndArrayVariantAndEmptyGroundTruth() {
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] flat = new float[10];
            System.arraycopy(IOU[0], 0, flat, 0, 5);
            System.arraycopy(IOU[1], 0, flat, 5, 5);
            assertArrayEquals(
                    new int[] {0, 1, -2, -1, -2},
                    new Matcher(0.7f, 0.3f, true).match(nd.create(flat, new Shape(2, 5))));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new Matcher(0.7f, 0.3f, true).match(nd.zeros(new Shape(0, 5))));
        }
    }

    @Test
    void matchesDirectDefinitionOnRandomMatrices() {
        Random r = new Random(1);
        for (int t = 0; t < 50; t++) {
            int gts = 1 + r.nextInt(5);
            int n = 1 + r.nextInt(40);
            float[][] q = new float[gts][n];
            for (float[] row : q) {
                for (int j = 0; j < n; j++) {
                    row[j] = r.nextInt(10) / 10f; // coarse values: many ties
                }
            }
            int[] got = new Matcher(0.7f, 0.3f, true).match(q);
            for (int j = 0; j < n; j++) {
                int best = 0;
                for (int g = 1; g < gts; g++) {
                    if (q[g][j] > q[best][j]) {
                        best = g;
                    }
                }
                boolean lowQualityBest = false;
                for (int g = 0; g < gts; g++) {
                    float rowMax = 0;
                    for (float v : q[g]) {
                        rowMax = Math.max(rowMax, v);
                    }
                    lowQualityBest |= q[g][j] == rowMax;
                }
                int expected = lowQualityBest || q[best][j] >= 0.7f ? best : q[best][j] < 0.3f ? -1 : -2;
                assertEquals(expected, got[j]);
                assertTrue(got[j] >= -2);
            }
        }
    }
}
