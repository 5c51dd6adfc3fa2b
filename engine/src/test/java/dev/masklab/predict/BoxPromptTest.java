package dev.masklab.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link BoxPrompt}: the box checks of a prompt against its image (640 x 425 here). */
class BoxPromptTest {
    private static String problem(double x, double y, double w, double h) {
        return BoxPrompt.of(x, y, w, h).problem(640, 425);
    }

    @Test
    void boxesInsideTheImageAreFine() {
        assertNull(problem(0, 0, 640, 425));
        assertNull(problem(540, 48.8, 100, 223.4)); // touching the right edge
        assertNull(problem(-0.3, 10, 640.5, 20)); // rounding within the tolerance
        assertNull(problem(100, 100, 0.5, 0.5));
    }

    @Test
    void badBoxesAreNamed() {
        assertTrue(problem(600, 10, 50, 50).contains("outside the 640x425 image"));
        assertTrue(problem(-5, 10, 50, 50).contains("outside"));
        assertTrue(problem(10, 400, 50, 50).contains("outside"));
        assertTrue(problem(1000, 1000, 5, 5).contains("outside"));
        assertTrue(problem(10, 10, 0, 5).contains("zero or negative size"));
        assertTrue(problem(10, 10, 5, -1).contains("zero or negative size"));
        assertTrue(problem(Double.NaN, 10, 5, 5).contains("finite"));
        assertTrue(problem(10, 10, Double.POSITIVE_INFINITY, 5).contains("finite"));
    }

    @Test
    void corners() {
        assertArrayEquals(new double[] {1, 2, 4, 6}, BoxPrompt.of(1, 2, 3, 4).xyxy());
        assertArrayEquals(new double[] {1, 2, 3, 4}, BoxPrompt.of(1, 2, 3, 4).xywh());
    }
}
