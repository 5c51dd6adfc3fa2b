package dev.masklab.train;

import ai.djl.ndarray.NDManager;
import dev.masklab.model.backbone.BatchNorm2d;
import dev.masklab.model.ops.Autograd;

/**
 * Precise batch norm (Wu and Johnson, "Rethinking 'Batch' in BatchNorm", 2021; detectron2's {@code PreciseBN} hook):
 * before an evaluation, the running statistics of a model trained with batch statistics are recomputed as the plain
 * average over {@code n} training batches with the current weights. The exponential moving average that training
 * keeps (momentum 0.1) weighs the last ~10 steps' batches, measured with older weights, and with 2 small images per
 * batch it is noisy; inference normalises with it, so its error shows up directly in the evaluated AP. Only the
 * backbone's forward pass runs, without gradients; training itself (batch statistics) is unaffected, and the
 * batches are the first {@code n} of the data order, so the training loader's order is untouched (resuming stays
 * exact).
 */
public final class PreciseBatchNorm {
    private PreciseBatchNorm() {}

    /** Recomputes every {@link BatchNorm2d}'s running mean and variance of {@code model} over {@code n} batches. */
    public static void recompute(MaskRcnnTraining model, TrainingBatches batches, int n, NDManager manager) {
        Autograd.noGradOnThisThread();
        try {
            for (int k = 0; k < n; k++) {
                BatchNorm2d.momentumOverride(1f / (k + 1));
                try (NDManager step = manager.newSubManager()) {
                    model.backboneForward(batches.batch(k), step);
                }
            }
        } finally {
            BatchNorm2d.momentumOverride(null);
        }
    }
}
