package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.TorchvisionOracle;
import dev.masklab.model.rpn.RpnLossTest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeypointLossTest {

    @Test
    void heatmapIndicesHandMade() {
        // roi 10..20 x 10..30 on a 4x4 heatmap: x cell = floor((x-10)*0.4), y cell = floor((y-10)*0.2)
        float[] roi = {10, 10, 20, 30};
        float[] kps = {
            10,
            10,
            2, // top-left cell 0
            20,
            30,
            1, // exactly on the right/bottom edge: last cell (3, 3) = 15
            15,
            20,
            2, // x 2, y 2 -> 10
            15,
            20,
            0, // invisible
            9.9f,
            20,
            2, // left of the roi
            19.99f,
            29.99f,
            2 // x 3, y 3
        };
        KeypointTargets t = KeypointTargets.compute(kps, roi, 6, 4);
        assertArrayEquals(new boolean[] {true, true, true, false, false, true}, t.valid());
        assertArrayEquals(new int[] {0, 15, 10, 0, 0, 15}, t.index());
        assertEquals(4, t.validCount());
    }

    @Test
    void heatmapScaleIsReciprocalTimesSize() {
        // torch evaluates torchvision's `heatmap_size / (x2 - x1)` as reciprocal(294) * 56: (120.5 - 41.75) times it is
        // just under 15 in float32 (torchvision's keypoints_to_heatmap gives cell 14), the quotient 56 / 294 just over
        float[] roi = {41.75f, 0, 335.75f, 56};
        KeypointTargets t = KeypointTargets.compute(new float[] {120.5f, 10, 2}, roi, 1, 56);
        assertEquals(10 * 56 + 14, t.index()[0]);
        assertEquals(14, (int) Math.floor((120.5f - 41.75f) * (1f / 294f * 56)));
        assertEquals(15, (int) Math.floor((120.5f - 41.75f) * (56f / 294f)));
    }

    @Test
    void matchesTorchvisionKeypointrcnnLoss() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(11);
        int p = 6;
        int k = 5;
        int size = 8;
        float[] rois = new float[4 * p];
        float[] kps = new float[p * k * 3];
        for (int i = 0; i < p; i++) {
            float x = r.nextFloat() * 50;
            float y = r.nextFloat() * 50;
            rois[4 * i] = x;
            rois[4 * i + 1] = y;
            rois[4 * i + 2] = x + 5 + r.nextFloat() * 40;
            rois[4 * i + 3] = y + 5 + r.nextFloat() * 40;
            for (int j = 0; j < k; j++) {
                int o = (i * k + j) * 3;
                kps[o] = x - 5 + r.nextFloat() * 55;
                kps[o + 1] = y - 5 + r.nextFloat() * 55;
                kps[o + 2] = r.nextInt(3);
            }
        }
        // one keypoint exactly on the right edge
        kps[0] = rois[2];
        kps[2] = 2;
        float[] logits = RpnLossTest.gaussians(p * k * size * size, 2, r);
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.models.detection.roi_heads import keypointrcnn_loss, keypoints_to_heatmap
        rois = torch.tensor(inp['rois'], dtype=torch.float32).view(-1, 4)
        kps = torch.tensor(inp['kps'], dtype=torch.float32).view(rois.shape[0], -1, 3)
        s = inp['size']
        hm, valid = keypoints_to_heatmap(kps, rois, s)
        logits = torch.tensor(inp['logits']).view(rois.shape[0], kps.shape[1], s, s).requires_grad_()
        loss = keypointrcnn_loss(logits, [rois], [kps], [torch.arange(rois.shape[0])])
        loss.backward()
        out = dict(hm=hm.flatten().tolist(), valid=valid.flatten().tolist(), loss=loss.item(),
                   grad=logits.grad.flatten().tolist())
        """, Map.of("rois", rois, "kps", kps, "size", size, "logits", logits));
        KeypointTargets t = KeypointTargets.compute(kps, rois, k, size);
        assertArrayEquals(TorchvisionOracle.ints(out.get("hm")), t.index());
        int[] valid = TorchvisionOracle.ints(out.get("valid"));
        for (int i = 0; i < valid.length; i++) {
            assertEquals(valid[i] == 1, t.valid()[i], "keypoint " + i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(logits, new Shape(p, k, size, size));
            l.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = KeypointLoss.compute(l, t);
                gc.backward(loss);
            }
            assertEquals(
                    out.get("loss").asDouble(),
                    loss.getFloat(),
                    1e-6 * out.get("loss").asDouble());
            assertArrayEquals(
                    TorchvisionOracle.floats(out.get("grad")), l.getGradient().toFloatArray(), 1e-7f);
        }
    }
}
