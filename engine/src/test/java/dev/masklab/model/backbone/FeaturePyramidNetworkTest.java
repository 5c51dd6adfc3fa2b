package dev.masklab.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class FeaturePyramidNetworkTest {
    @Test
    void nearestUpsamplingPicksTorchSourceIndices() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            // exact 2x: every element repeated
            assertArrayEquals(
                    new float[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6},
                    FeaturePyramidNetwork.nearest(x, 4, 6).toFloatArray());
            // 2x3 -> 3x5: rows floor(d * 2/3) = 0, 0, 1; columns floor(d * 0.6) = 0, 0, 1, 1, 2 (torch's nearest)
            assertArrayEquals(
                    new float[] {1, 1, 2, 2, 3, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6},
                    FeaturePyramidNetwork.nearest(x, 3, 5).toFloatArray());
        }
    }
}
