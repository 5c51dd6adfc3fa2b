package dev.masklab.model.box;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.TorchvisionOracle;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxOpsTest {
    @Test
    void clipsToImage() {
        float[] b = {-5, -1, 50, 30, 10, 20, 120, 90};
        float[] expected = {0, 0, 50, 30, 10, 20, 100, 60};
        assertArrayEquals(expected, BoxOps.clip(b, 60, 100));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = BoxOps.clip(m.create(b, new Shape(2, 4)), 60, 100);
            assertEquals(new Shape(2, 4), c.getShape());
            assertArrayEquals(expected, c.toFloatArray());
        }
    }

    @Test
    void removesSmallBoxesOnEitherSide() {
        float[] b = {0, 0, 1, 1, 0, 0, 0.99f, 5, 0, 0, 5, 0.5f, 2, 2, 4, 4};
        assertArrayEquals(new int[] {0, 3}, BoxOps.removeSmall(b, 1f));
        assertArrayEquals(new int[] {3}, BoxOps.removeSmall(b, 1.5f));
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    new long[] {0, 3},
                    BoxOps.removeSmall(m.create(b, new Shape(4, 4)), 1f).toLongArray());
        }
    }

    @Test
    void iouHandValues() {
        float[] a = {0, 0, 10, 10, 5, 5, 15, 15};
        float[] b = {0, 0, 10, 10, 10, 10, 20, 20, 0, 0, 5, 10};
        float[][] iou = BoxOps.boxIou(a, b);
        assertArrayEquals(new float[] {1f, 0f, 0.5f}, iou[0], 1e-7f);
        assertArrayEquals(new float[] {25f / 175f, 25f / 175f, 0f}, iou[1], 1e-7f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = BoxOps.boxIou(m.create(a, new Shape(2, 4)), m.create(b, new Shape(3, 4)));
            assertEquals(new Shape(2, 3), t.getShape());
            assertEquals(0.5f, t.getFloat(0, 2));
        }
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(9);
        float[] a = new float[4 * 40];
        float[] b = new float[4 * 30];
        BoxCoderTest.fill(r, a);
        BoxCoderTest.fill(r, b);
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.ops import box_iou, clip_boxes_to_image, remove_small_boxes
        a = torch.tensor(inp['a']).reshape(-1, 4)
        b = torch.tensor(inp['b']).reshape(-1, 4)
        out = {'iou': box_iou(a, b).flatten().tolist(),
               'clip': clip_boxes_to_image(a, (300, 400)).flatten().tolist(),
               'small': remove_small_boxes(a, 100.0).tolist()}
        """, Map.of("a", a, "b", b));
        float[][] iou = BoxOps.boxIou(a, b);
        float[] ref = TorchvisionOracle.floats(out.get("iou"));
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 30; j++) {
                assertEquals(ref[i * 30 + j], iou[i][j], 0f, "iou " + i + "," + j);
            }
        }
        assertArrayEquals(TorchvisionOracle.floats(out.get("clip")), BoxOps.clip(a, 300, 400));
        assertArrayEquals(TorchvisionOracle.ints(out.get("small")), BoxOps.removeSmall(a, 100f));
    }
}
