package dev.masklab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

/** The loss plot's x axis: whole-iteration steps of 1, 2 or 5 x 10^k, at most ten per axis, bounds on steps. */
@ExtendWith(ApplicationExtension.class)
class IterationAxisTest {

    @Test
    void stepIsTheSmallestOneTwoFiveStepWithAtMostTenTicks() {
        assertEquals(1, IterationAxis.step(0));
        assertEquals(1, IterationAxis.step(10));
        assertEquals(2, IterationAxis.step(11));
        assertEquals(2, IterationAxis.step(20));
        assertEquals(5, IterationAxis.step(21));
        assertEquals(10, IterationAxis.step(99));
        assertEquals(50, IterationAxis.step(400));
        assertEquals(200, IterationAxis.step(1234));
        assertEquals(10_000, IterationAxis.step(90_000));
    }

    @Test
    void boundsAreWholeStepsAroundThePoints() {
        IterationAxis ia = new IterationAxis();
        var a = ia.axis();
        ia.cover(3, 5);
        assertEquals(3, a.getLowerBound());
        assertEquals(5, a.getUpperBound());
        assertEquals(1, a.getTickUnit());
        ia.cover(1, 37);
        assertEquals(0, a.getLowerBound());
        assertEquals(40, a.getUpperBound());
        assertEquals(5, a.getTickUnit());
        ia.cover(7, 7); // one point: one step wide
        assertEquals(7, a.getLowerBound());
        assertEquals(8, a.getUpperBound());
        assertEquals("1200", a.getTickLabelFormatter().toString(1200.0));
    }
}
