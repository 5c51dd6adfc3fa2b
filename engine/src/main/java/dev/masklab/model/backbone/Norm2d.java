package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import dev.masklab.model.io.StateDict;

/**
 * A per-channel normalisation layer of the ResNet body: {@link FrozenBatchNorm2d} (fixed statistics; inference,
 * fine-tuning) or {@link BatchNorm2d} (batch statistics; training from scratch, as torchvision builds such a model).
 */
public interface Norm2d {
    /** Normalises an (N, C, H, W) array; the result is a new array (the caller closes it). */
    NDArray forward(NDArray x);

    /** Builds the normalisation layer whose state dict tensors are {@code PREFIX.weight}, {@code .bias}, ... */
    @FunctionalInterface
    interface Factory {
        Norm2d create(StateDict sd, String prefix);

        /** Frozen batch norms with epsilon {@code eps} (1e-5, or 0 for torchvision's legacy COCO checkpoints). */
        static Factory frozen(float eps) {
            return (sd, prefix) -> new FrozenBatchNorm2d(sd, prefix, eps);
        }
    }
}
