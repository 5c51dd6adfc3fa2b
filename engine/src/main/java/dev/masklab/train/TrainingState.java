package dev.masklab.train;

import dev.masklab.model.Architecture;
import java.util.List;

/**
 * Everything besides tensors that a checkpoint records to resume a run exactly or to use its model:
 * the architecture, completed optimizer steps, run length, settings, the learning-rate schedule, the
 * category map, keypoint names and the seed. Random draws of iteration {@code i} (data order,
 * augmentation, sampling) are derived from {@code (seed, i)} alone, so the seed and the iteration are the
 * complete random state.
 *
 * @param format checkpoint format version (1)
 * @param architecture {@link Architecture#cliName()}
 * @param iteration optimizer steps completed
 * @param iterations planned run length
 * @param config the run's settings
 * @param baseLr schedule: rate after warmup
 * @param warmupIterations schedule: warmup length
 * @param warmupFactor schedule: warmup start factor
 * @param milestones schedule: decay iterations
 * @param gamma schedule: decay factor
 * @param categoryIds COCO category id of labels 1..K
 * @param categoryNames names of labels 1..K
 * @param numKeypoints keypoints per instance (0 for Mask R-CNN)
 * @param keypointNames keypoint names (may be empty)
 * @param lastLosses loss terms of the last iteration (for information)
 */
public record TrainingState(
        int format,
        String architecture,
        int iteration,
        int iterations,
        TrainingConfig config,
        double baseLr,
        int warmupIterations,
        double warmupFactor,
        int[] milestones,
        double gamma,
        long[] categoryIds,
        String[] categoryNames,
        int numKeypoints,
        List<String> keypointNames,
        java.util.Map<String, Double> lastLosses) {

    public LrSchedule schedule() {
        return new LrSchedule(baseLr, warmupIterations, warmupFactor, milestones, gamma);
    }

    public CategoryMap categoryMap() {
        return new CategoryMap(categoryIds, categoryNames);
    }

    public Architecture arch() {
        return Architecture.parse(architecture);
    }
}
