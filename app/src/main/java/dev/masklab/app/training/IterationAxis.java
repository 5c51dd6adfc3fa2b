package dev.masklab.app.training;

import javafx.scene.chart.NumberAxis;
import javafx.util.StringConverter;

/**
 * The loss plot's x axis: iterations are whole numbers, so its ticks are too. The {@link NumberAxis} ranges over the
 * plotted iterations ({@link #cover}) with a step of 1, 2 or 5 x 10^k iterations chosen for at most
 * {@link #MAX_TICKS} ticks, where the axis' own auto-ranging puts ticks at 3.75 or 4.25 on a short run.
 */
final class IterationAxis {
    static final int MAX_TICKS = 10;
    private final NumberAxis axis = new NumberAxis();

    IterationAxis() {
        axis.setAutoRanging(false);
        axis.setMinorTickCount(0);
        axis.setLabel("iteration");
        axis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return String.valueOf(Math.round(n.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                return Long.parseLong(s.strip());
            }
        });
        cover(0, 1);
    }

    NumberAxis axis() {
        return axis;
    }

    /** Ranges the axis over iterations {@code first..last} (first <= last), on whole-iteration ticks. */
    void cover(int first, int last) {
        long step = step(Math.max(0L, (long) last - first));
        long lower = Math.floorDiv(first, step) * step;
        long upper = Math.max(lower + step, -Math.floorDiv(-(long) last, step) * step);
        axis.setLowerBound(lower);
        axis.setUpperBound(upper);
        axis.setTickUnit(step);
    }

    /** The smallest step of 1, 2 or 5 x 10^k iterations that splits {@code span} into at most MAX_TICKS parts. */
    static long step(long span) {
        for (long decade = 1; ; decade *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (span <= m * decade * MAX_TICKS) return m * decade;
            }
        }
    }
}
