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

class MaskLossTest {

    @Test
    void targetOfAFullMaskIsOneAndOfAnEmptyOneZero() {
        int h = 20;
        int w = 30;
        byte[] full = new byte[h * w];
        java.util.Arrays.fill(full, (byte) 1);
        byte[] empty = new byte[h * w];
        float[] t = MaskTargets.compute(
                new byte[][] {empty, full}, h, w, new float[] {2, 3, 12, 15, 2, 3, 12, 15}, new int[] {1, 0}, 4);
        for (int i = 0; i < 16; i++) {
            assertEquals(1f, t[i], 1e-6f);
            assertEquals(0f, t[16 + i], 0f);
        }
    }

    @Test
    void matchesTorchvisionMaskrcnnLoss() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(7);
        int h = 40;
        int w = 50;
        int g = 2;
        byte[][] masks = new byte[g][h * w];
        int[][] rects = {{5, 8, 30, 35}, {20, 2, 48, 25}};
        int[] gtLabels = {2, 1};
        for (int k = 0; k < g; k++) {
            for (int y = rects[k][1]; y < rects[k][3]; y++) {
                for (int x = rects[k][0]; x < rects[k][2]; x++) {
                    masks[k][y * w + x] = (byte) ((x + y) % 7 == 0 ? 0 : 1);
                }
            }
        }
        int p = 5;
        float[] props = new float[4 * p];
        int[] matched = new int[p];
        for (int i = 0; i < p; i++) {
            matched[i] = r.nextInt(g);
            int[] b = rects[matched[i]];
            props[4 * i] = b[0] + r.nextFloat() * 6 - 3;
            props[4 * i + 1] = b[1] + r.nextFloat() * 6 - 3;
            props[4 * i + 2] = b[2] + r.nextFloat() * 6 - 3;
            props[4 * i + 3] = b[3] + r.nextFloat() * 6 - 3;
        }
        int c = 3;
        int mm = 8;
        float[] logits = RpnLossTest.gaussians(p * c * mm * mm, 2, r);
        int[] flatMasks = new int[g * h * w];
        for (int k = 0; k < g; k++) {
            for (int i = 0; i < h * w; i++) {
                flatMasks[k * h * w + i] = masks[k][i];
            }
        }
        JsonNode out = TorchvisionOracle.run(
                """
        from torchvision.models.detection.roi_heads import maskrcnn_loss, project_masks_on_boxes
        masks = torch.tensor(inp['masks'], dtype=torch.uint8).view(-1, inp['h'], inp['w'])
        props = torch.tensor(inp['props'], dtype=torch.float32).view(-1, 4)
        matched = torch.tensor(inp['matched'])
        m = inp['mm']
        logits = torch.tensor(inp['logits']).view(props.shape[0], -1, m, m).requires_grad_()
        t = project_masks_on_boxes(masks, props, matched, m)
        loss = maskrcnn_loss(logits, [props], [masks], [torch.tensor(inp['labels'])], [matched])
        loss.backward()
        out = dict(t=t.flatten().tolist(), loss=loss.item(), grad=logits.grad.flatten().tolist())
        """,
                Map.of(
                        "masks", flatMasks, "h", h, "w", w, "props", props, "matched", matched, "mm", mm, "logits",
                        logits, "labels", gtLabels));
        float[] targets = MaskTargets.compute(masks, h, w, props, matched, mm);
        assertArrayEquals(TorchvisionOracle.floats(out.get("t")), targets, 1e-6f);
        int[] labels = new int[p];
        for (int i = 0; i < p; i++) {
            labels[i] = gtLabels[matched[i]];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(logits, new Shape(p, c, mm, mm));
            l.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = MaskLoss.compute(l, labels, targets);
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
