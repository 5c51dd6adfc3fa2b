package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothL1Test {
    static final float BETA = 1f / 9;
    static final float[] IN = {0f, 0.05f, -0.05f, 0.2f, -1.5f, 3f, 0.1111f};
    static final float[] TG = {0f, 0f, 0f, 0f, 0f, 1f, 0f};

    @Test
    void valuesAndGradientFollowTheFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(IN);
            in.setRequiresGradient(true);
            float[] vals;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = SmoothL1.loss(in, m.create(TG), BETA);
                vals = l.toFloatArray();
                NDArray s = SmoothL1.sum(in, m.create(TG), BETA);
                float expectedSum = 0;
                for (float v : vals) {
                    expectedSum += v;
                }
                assertEquals(expectedSum, s.getFloat(), 1e-6f);
                gc.backward(s);
            }
            float[] grad = in.getGradient().toFloatArray();
            for (int i = 0; i < IN.length; i++) {
                double d = IN[i] - TG[i];
                double ad = Math.abs(d);
                double v = ad < BETA ? 0.5 * d * d / BETA : ad - 0.5 * BETA;
                double g = ad < BETA ? d / BETA : Math.signum(d);
                assertEquals(v, vals[i], 1e-6, "value " + i);
                assertEquals(SmoothL1.value(IN[i], TG[i], BETA), vals[i], 1e-6f);
                assertEquals(g, grad[i], 1e-5, "grad " + i);
            }
            assertArrayEquals(
                    new float[] {0f, 0.05f, 0.05f, 0.2f, 1.5f, 2f, 0.1111f},
                    SmoothL1.loss(m.create(IN), m.create(TG), 0f).toFloatArray());
        }
    }

    @Test
    void matchesTorch() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        JsonNode out = TorchvisionOracle.run("""
        import torch.nn.functional as F
        out = F.smooth_l1_loss(torch.tensor(inp['i']), torch.tensor(inp['t']), beta=1/9, reduction='none').tolist()
        """, Map.of("i", IN, "t", TG));
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    TorchvisionOracle.floats(out),
                    SmoothL1.loss(m.create(IN), m.create(TG), BETA).toFloatArray(),
                    1e-7f);
        }
    }
}
