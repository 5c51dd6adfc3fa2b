package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A detector in training: its weights and the training forward pass that returns torchvision's loss terms.
 * Implemented by {@link MaskRcnnTraining} on the engine's model modules.
 */
public interface DetectorTraining {

    /** Every state_dict tensor by torchvision key (trained ones included), as used by the forward pass. */
    Map<String, NDArray> weights();

    /** The tensors the optimizer updates (gradients attached). */
    Map<String, NDArray> trainable();

    /**
     * Loss terms of one batch (loss_classifier, loss_box_reg, loss_mask / loss_keypoint, loss_objectness,
     * loss_rpn_box_reg), differentiable; to be called inside a {@code GradientCollector}.
     *
     * @param batch resized samples
     * @param random source of the anchor / RoI sampling of this batch
     * @param manager owner of the batch's intermediate arrays (closed by the caller after the step)
     */
    Map<String, NDArray> losses(List<TrainingSample> batch, Random random, NDManager manager);
}
