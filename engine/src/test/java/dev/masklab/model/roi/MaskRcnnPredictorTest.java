package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The inference path of the mask predictor (one class per RoI) against the full per-class logits. */
class MaskRcnnPredictorTest {
    @Test
    void logitsOfTheChosenLabelsAreThoseOfTheFullForward() {
        // seed, RoIs, up-sampling channels, size: the second case is cut into chunks (40 RoIs of 0.8 MB each)
        for (int[] c : new int[][] {{1, 5, 48, 6}, {2, 40, 256, 14}}) {
            long seed = c[0];
            Random random = new Random(seed);
            try (NDManager m = NDManager.newBaseManager()) {
                int cin = 32;
                int cout = c[2];
                int classes = 7;
                int k = c[1];
                m.getEngine().setRandomSeed((int) seed);
                Map<String, NDArray> w = new HashMap<>();
                w.put(MaskRcnnPredictor.PREFIX + "conv5_mask.weight", m.randomNormal(new Shape(cin, cout, 2, 2)));
                w.put(MaskRcnnPredictor.PREFIX + "conv5_mask.bias", m.randomNormal(new Shape(cout)));
                w.put(
                        MaskRcnnPredictor.PREFIX + "mask_fcn_logits.weight",
                        m.randomNormal(new Shape(classes, cout, 1, 1)));
                w.put(MaskRcnnPredictor.PREFIX + "mask_fcn_logits.bias", m.randomNormal(new Shape(classes)));
                MaskRcnnPredictor p = new MaskRcnnPredictor(w::get);
                NDArray x = m.randomNormal(new Shape(k, cin, c[3], c[3] - 1));
                int[] labels = new int[k];
                for (int i = 0; i < k; i++) {
                    labels[i] = random.nextInt(classes);
                }
                NDArray all = p.forward(x);
                NDArray chosen = p.forwardForLabels(x, labels);
                assertEquals(new Shape(k, 1, 2 * c[3], 2 * c[3] - 2), chosen.getShape());
                for (int i = 0; i < k; i++) {
                    float[] want = all.get(new NDIndex("{}, {}", i, labels[i])).toFloatArray();
                    float[] got = chosen.get(new NDIndex("{}, 0", i)).toFloatArray();
                    float scale = 0;
                    for (float v : want) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertArrayEquals(want, got, 1e-5f * scale, "RoI " + i + ", label " + labels[i]);
                }
            }
        }
    }
}
