package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;

/**
 * torchvision's {@code nn.BatchNorm2d} in training mode, which its detection builders use instead of
 * {@link FrozenBatchNorm2d} when a model is trained from scratch: each channel is normalised with the mean and
 * biased variance of the current batch over (N, H, W), then scaled by {@code weight} and shifted by {@code bias}
 * (both trainable); the running statistics in the state dict are updated in place with momentum 0.1 (the variance
 * unbiased), as PyTorch does. The layer is libtorch's {@code batch_norm} (through DJL's {@code NDArrayEx}), so
 * forward and backward are PyTorch's own. In inference the running statistics are used, which is exactly what a
 * {@link FrozenBatchNorm2d} with the same epsilon computes: a model trained with this layer is saved and predicted
 * like any other.
 */
public final class BatchNorm2d implements Norm2d {
    /** PyTorch's default momentum of the running statistics. */
    public static final float MOMENTUM = 0.1f;

    /** A momentum that replaces {@link #MOMENTUM} on this thread (precise batch norm), or null. */
    private static final ThreadLocal<Float> MOMENTUM_OVERRIDE = new ThreadLocal<>();

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final float eps;

    public BatchNorm2d(StateDict sd, String prefix, float eps) {
        this.weight = sd.get(prefix + ".weight");
        this.bias = sd.get(prefix + ".bias");
        this.runningMean = sd.get(prefix + ".running_mean");
        this.runningVar = sd.get(prefix + ".running_var");
        this.eps = eps;
    }

    /** Batch norms with batch statistics and epsilon {@code eps} (PyTorch's default is 1e-5). */
    public static Norm2d.Factory factory(float eps) {
        return (sd, prefix) -> new BatchNorm2d(sd, prefix, eps);
    }

    /**
     * Sets the momentum of the running statistics for forward passes on this thread (null: back to {@link #MOMENTUM}).
     * With {@code 1 / (k + 1)} for the k-th of n batches the running statistics become the plain average of the n
     * batches' statistics ({@link dev.masklab.train.PreciseBatchNorm}).
     */
    public static void momentumOverride(Float momentum) {
        if (momentum == null) {
            MOMENTUM_OVERRIDE.remove();
        } else {
            MOMENTUM_OVERRIDE.set(momentum);
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        Float override = MOMENTUM_OVERRIDE.get();
        float momentum = override != null ? override : MOMENTUM;
        // DJL's axis -1 passes NCHW to torch::batch_norm unchanged (channel axis 1); DJL's momentum is 1 - torch's
        return x.getNDArrayInternal()
                .batchNorm(x, runningMean, runningVar, weight, bias, -1, 1 - momentum, eps, true)
                .singletonOrThrow();
    }
}
