package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ReduceTest {
    @Test
    void reducesSeveralAxesLikeADirectLoop() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = new float[24];
            for (int i = 0; i < 24; i++) {
                v[i] = (i * 7 % 11) - 4 + 0.5f;
            }
            NDArray a = m.create(v, new Shape(2, 3, 4));
            float[] sum = new float[3];
            float[] max = new float[3];
            float[] min = new float[3];
            float[] prod = new float[3];
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(prod, 1f);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        float x = v[(i * 3 + j) * 4 + k];
                        sum[j] += x;
                        max[j] = Math.max(max[j], x);
                        min[j] = Math.min(min[j], x);
                        prod[j] *= x;
                    }
                }
            }
            float[] mean = {sum[0] / 8, sum[1] / 8, sum[2] / 8};
            assertArrayEquals(sum, Reduce.sum(a, false, 0, 2).toFloatArray(), 1e-5f);
            assertArrayEquals(mean, Reduce.mean(a, false, 2, 0).toFloatArray(), 1e-5f);
            assertArrayEquals(max, Reduce.max(a, false, 0, -1).toFloatArray());
            assertArrayEquals(min, Reduce.min(a, false, 0, 2).toFloatArray());
            assertArrayEquals(prod, Reduce.prod(a, false, 0, 2).toFloatArray(), 1e-3f * Math.abs(prod[0]) + 1e-3f);
            assertEquals(new Shape(1, 3, 1), Reduce.max(a, true, 0, 2).getShape());
            assertEquals(new Shape(1, 3, 1), Reduce.mean(a, true, 0, 2).getShape());
            assertThrows(IllegalArgumentException.class, () -> Reduce.max(a, false, 3));
        }
    }
}
