package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void warmupThenSteps() {
        LrSchedule s = new LrSchedule(0.02, 100, 0.001, new int[] {600, 800}, 0.1);
        assertEquals(0.02 * 0.001, s.lr(0), 1e-15);
        assertEquals(0.02 * (0.001 + 0.999 * 0.5), s.lr(50), 1e-15);
        assertEquals(0.02, s.lr(100), 1e-15);
        assertEquals(0.02, s.lr(599), 1e-15);
        assertEquals(0.002, s.lr(600), 1e-15);
        assertEquals(0.0002, s.lr(800), 1e-15);
    }

    @Test
    void scalesWithBatchAndValidates() {
        assertEquals(0.02, LrSchedule.scaledBaseLr(16), 1e-15);
        assertEquals(0.0025, LrSchedule.scaledBaseLr(2), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 1, new int[0], 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 0, 1, new int[] {5, 2}, 0.1));
        TrainingConfig c = TrainingConfig.standard().toBuilder().batchSize(8).build();
        LrSchedule s = c.schedule(90_000);
        assertEquals(0.01, s.baseLr(), 1e-15);
        assertEquals(60_000, s.milestones()[0]);
        assertEquals(80_000, s.milestones()[1]);
    }
}
