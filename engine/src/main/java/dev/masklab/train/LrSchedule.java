package dev.masklab.train;

import java.util.Arrays;

/**
 * Learning rate per iteration: linear warmup from {@code warmupFactor * base} to {@code base} over
 * {@code warmupIterations} (torch's {@code LinearLR}, as the detection references use it in the first
 * epoch), then multiplied by {@code gamma} at each milestone ({@code MultiStepLR}, counted in iterations).
 *
 * @param baseLr learning rate after warmup
 * @param warmupIterations iterations of warmup (0: none)
 * @param warmupFactor starting fraction of the base rate (references: 0.001)
 * @param milestones iterations at which the rate is multiplied by gamma (ascending)
 * @param gamma decay factor (references: 0.1)
 */
public record LrSchedule(double baseLr, int warmupIterations, double warmupFactor, int[] milestones, double gamma) {

    public LrSchedule {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + baseLr);
        }
        if (warmupIterations < 0) {
            throw new IllegalArgumentException("warmup iterations must be >= 0, got " + warmupIterations);
        }
        milestones = milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || i > 0 && milestones[i] < milestones[i - 1]) {
                throw new IllegalArgumentException(
                        "milestones must be ascending iterations >= 0: " + Arrays.toString(milestones));
            }
        }
    }

    /** Reference learning rate 0.02 for 16 images per batch, scaled linearly to {@code batchSize}. */
    public static double scaledBaseLr(int batchSize) {
        return 0.02 * batchSize / 16.0;
    }

    /** The paper's schedule shape for {@code iterations}: decay by 10 at 2/3 and 8/9 of training, warmup 1000. */
    public static LrSchedule standard(double baseLr, int iterations) {
        return new LrSchedule(
                baseLr,
                Math.min(1000, Math.max(0, iterations - 1)),
                0.001,
                new int[] {iterations * 2 / 3, iterations * 8 / 9},
                0.1);
    }

    /** Learning rate used for the update of (0-based) iteration {@code it}. */
    public double lr(int it) {
        double factor = 1;
        if (it < warmupIterations) {
            // LinearLR: factor goes from warmupFactor at 0 to 1 at warmupIterations
            factor = warmupFactor + (1 - warmupFactor) * it / warmupIterations;
        }
        int passed = 0;
        for (int m : milestones) {
            if (it >= m) {
                passed++;
            }
        }
        return baseLr * factor * Math.pow(gamma, passed);
    }

    @Override
    public int[] milestones() {
        return milestones.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LrSchedule s
                && s.baseLr == baseLr
                && s.warmupIterations == warmupIterations
                && s.warmupFactor == warmupFactor
                && Arrays.equals(s.milestones, milestones)
                && s.gamma == gamma;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(baseLr) * 31 + Arrays.hashCode(milestones);
    }

    @Override
    public String toString() {
        return "LrSchedule[base=" + baseLr + ", warmup=" + warmupIterations + "x" + warmupFactor + ", milestones="
                + Arrays.toString(milestones) + ", gamma=" + gamma + "]";
    }
}
