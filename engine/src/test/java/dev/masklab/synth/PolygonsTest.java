package dev.masklab.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Clipping to the image and the shapes the generator builds. */
class PolygonsTest {

    @Test
    void clipKeepsInsidePolygonsAndCutsAtTheBorder() {
        double[] inside = {1, 1, 5, 1, 5, 5};
        assertSame(inside, Polygons.clip(inside, 10, 10));
        // square (-5,-5)-(5,5) clipped to [0,10]x[0,10] is the quarter (0,0)-(5,5)
        double[] c = Polygons.clip(new double[] {-5, -5, 5, -5, 5, 5, -5, 5}, 10, 10);
        assertEquals(25, Polygons.area(c), 1e-9);
        for (int i = 0; i < c.length; i++) assertTrue(c[i] >= 0 && c[i] <= 10);
        assertNull(Polygons.clip(new double[] {-9, -9, -1, -9, -1, -1}, 10, 10));
        // a star crossing the corner keeps exactly its area inside the image
        double[] star = Polygons.star(0, 0, 8, 0.45, 5, 0.3);
        double[] clipped = Polygons.clip(star, 100, 100);
        double expected = insideArea(star, 100, 100);
        assertEquals(expected, Polygons.area(clipped), 0.02 * expected);
    }

    @Test
    void capsuleContainsBothEndPointsAndRegularShapesHaveTheirArea() {
        double[] cap = Polygons.capsule(10, 10, 30, 20, 3, 4);
        assertEquals(20, cap.length);
        assertTrue(Polygons.area(cap) > 2 * 3 * Math.hypot(20, 10));
        double[] sq = Polygons.regular(50, 50, 10, 10, 4, 0); // diamond with diagonal 20
        assertEquals(200, Polygons.area(sq), 1e-9);
        assertArrayEquals(new double[] {1.23, 4.57}, Polygons.round2(new double[] {1.2349, 4.5651}), 0);
    }

    @Test
    void stickFigureKeypointsLieInsideItsLimbs() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n = 0; n < 50; n++) {
            StickFigure f = StickFigure.random(rng, 100, 100, rng.nextDouble(40, 200), rng.nextDouble(-0.35, 0.35));
            assertEquals(11, f.polygons().size());
            for (int k = 0; k < 17; k++) {
                double x = f.keypoints()[2 * k], y = f.keypoints()[2 * k + 1];
                boolean in = false;
                for (double[] p : f.polygons()) in |= SceneRenderer.path(p).contains(x, y);
                assertTrue(in, "keypoint " + ShapeKind.KEYPOINT_NAMES.get(k) + " outside the figure");
            }
        }
    }

    /** Area of the polygon inside [0,w]x[0,h] (the polygon must lie within 10 px of the origin), by fine sampling. */
    private static double insideArea(double[] poly, double w, double h) {
        var path = SceneRenderer.path(poly);
        int hits = 0;
        for (double y = 0.025; y < Math.min(10, h); y += 0.05)
            for (double x = 0.025; x < Math.min(10, w); x += 0.05) {
                if (path.contains(x, y)) hits++;
            }
        return hits * 0.05 * 0.05;
    }
}
