package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.Architecture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model in training is one model: the heads of the {@link dev.masklab.model.MaskRcnn} it builds once hold the very
 * arrays the optimizer updates (gradients attached), for both architectures.
 */
class MaskRcnnTrainingTest {
    @Test
    void theModelsHeadsHoldTheTrainedArrays() {
        for (Architecture arch : Architecture.values()) {
            int keypoints = arch.hasKeypoints() ? 17 : 0;
            try (NDManager m = NDManager.newBaseManager()) {
                MaskRcnnTraining training = new MaskRcnnTraining(
                        arch, ModelInit.all(arch, 4, keypoints, 3, m), 4, keypoints, TrainingConfig.smallCpu(), m);
                Map<String, NDArray> heads = training.model().roiHeads().parameters();
                assertEquals(arch.hasMasks(), heads.containsKey("roi_heads.mask_predictor.mask_fcn_logits.weight"));
                assertEquals(
                        arch.hasKeypoints(), heads.containsKey("roi_heads.keypoint_predictor.kps_score_lowres.weight"));
                assertFalse(heads.isEmpty());
                for (Map.Entry<String, NDArray> e : heads.entrySet()) {
                    assertSame(training.weights().get(e.getKey()), e.getValue(), e.getKey());
                    assertSame(training.trainable().get(e.getKey()), e.getValue(), e.getKey());
                    assertTrue(e.getValue().hasGradient(), e.getKey());
                }
            }
        }
    }
}
