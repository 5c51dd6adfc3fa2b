package dev.masklab.train;

import java.nio.file.Path;
import java.util.Map;

/** Receives a training job's progress; every method has an empty default. Called on the training thread. */
public interface TrainingListener {

    /** One optimizer step finished. */
    /** One logged iteration; {@code gradNorm} is the global gradient norm before clipping. */
    record Progress(
            int iteration,
            int iterations,
            Map<String, Double> losses,
            double totalLoss,
            double lr,
            double imagesPerSecond,
            double etaSeconds,
            double gradNorm) {}

    default void onIteration(Progress progress) {}

    /** An evaluation on the validation set finished: COCO stats per IoU type ("bbox", "segm", "keypoints"). */
    default void onEvaluation(int iteration, Map<String, double[]> stats) {}

    default void onCheckpoint(int iteration, Path dir) {}

    /** A free-form message (fine-tuning report, data set summary, stop reason). */
    default void onMessage(String message) {}
}
