package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.ops.Reduce;
import java.util.function.Supplier;

/**
 * torchvision's {@code FrozenBatchNorm2d}: batch norm with fixed statistics and affine parameters (buffers, never
 * trained): {@code y = x * scale + shift} with {@code scale = weight * rsqrt(running_var + eps)} and
 * {@code shift = bias - running_mean * scale}, all float32 per channel. eps is 1e-5 for checkpoints of torchvision
 * >= 0.8's builders and 0.0 for the legacy COCO checkpoints (torchvision applies {@code overwrite_eps(model, 0.0)}).
 * The scale and shift are computed once, on the state dict's manager.
 *
 * <p>{@link #calibrating} supports training from scratch: torchvision builds such a model with trainable
 * {@code BatchNorm2d}, which the engine does not have; with frozen identity batch norms each layer of a randomly
 * initialised ResNet keeps whatever scale its initialisation gives. Instead, each frozen batch norm's
 * statistics are set, once, to the mean and variance of its own input on a batch of training images (a
 * data-dependent initialisation), so every layer starts normalised; the statistics are saved with the weights.
 */
public final class FrozenBatchNorm2d implements Norm2d {
    private static final ThreadLocal<Boolean> CALIBRATING = ThreadLocal.withInitial(() -> false);

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final float eps;
    private NDArray scale; // (1, C, 1, 1)
    private NDArray shift; // (1, C, 1, 1)

    public FrozenBatchNorm2d(StateDict sd, String prefix, float eps) {
        this.weight = sd.get(prefix + ".weight");
        this.bias = sd.get(prefix + ".bias");
        this.runningMean = sd.get(prefix + ".running_mean");
        this.runningVar = sd.get(prefix + ".running_var");
        this.eps = eps;
        update();
    }

    private void update() {
        long c = weight.getShape().get(0);
        // torch's rsqrt; pow(-0.5) is the same function on CPU within 1 ulp
        try (NDArray v = runningVar.add(eps);
                NDArray r = v.pow(-0.5f);
                NDArray s = weight.mul(r);
                NDArray m = runningMean.mul(s);
                NDArray sh = bias.sub(m)) {
            this.scale = s.reshape(1, c, 1, 1);
            this.shift = sh.reshape(1, c, 1, 1);
        }
    }

    /**
     * Runs {@code forward} (a forward pass of a network built on this thread) with every frozen batch norm it passes
     * first setting its {@code running_mean} / {@code running_var}, in place in the state dict, to the per-channel
     * mean and (biased) variance of its input over batch and space, then normalising with them.
     */
    public static <T> T calibrating(Supplier<T> forward) {
        CALIBRATING.set(true);
        try {
            return forward.get();
        } finally {
            CALIBRATING.set(false);
        }
    }

    private void calibrate(NDArray x) {
        try (NDArray mean = Reduce.mean(x, false, 0, 2, 3);
                NDArray mean4 = mean.reshape(1, -1, 1, 1);
                NDArray centred = x.sub(mean4);
                NDArray sq = centred.square();
                NDArray var = Reduce.mean(sq, false, 0, 2, 3)) {
            runningMean.set(mean.toFloatArray());
            runningVar.set(var.toFloatArray());
        }
        scale.close();
        shift.close();
        update();
    }

    @Override
    public NDArray forward(NDArray x) {
        if (CALIBRATING.get()) {
            calibrate(x);
        }
        try (NDArray y = x.mul(scale)) {
            return y.add(shift);
        }
    }
}
