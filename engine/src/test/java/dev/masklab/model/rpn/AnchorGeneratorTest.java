package dev.masklab.model.rpn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.TorchvisionOracle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnchorGeneratorTest {
    @Test
    void cellAnchorsAreRoundedLikeTorchvision() {
        AnchorGenerator g = AnchorGenerator.fpnDefault();
        assertEquals(5, g.levels());
        assertArrayEquals(new float[] {-23, -11, 23, 11, -16, -16, 16, 16, -11, -23, 11, 23}, g.cellAnchors(0));
        assertArrayEquals(new float[] {-45, -23, 45, 23, -32, -32, 32, 32, -23, -45, 23, 45}, g.cellAnchors(1));
        assertArrayEquals(new float[] {-181, -91, 181, 91, -128, -128, 128, 128, -91, -181, 91, 181}, g.cellAnchors(3));
    }

    @Test
    void gridOrderAndIntegerStrides() {
        AnchorGenerator g = new AnchorGenerator(new int[][] {{32}}, new double[][] {{1.0}});
        // padded 70 x 100 with a 3 x 4 map: strides 70 // 3 = 23, 100 // 4 = 25
        float[] a = g.anchorsArray(List.of(new long[] {3, 4}), new long[] {70, 100});
        assertEquals(12 * 4, a.length);
        assertArrayEquals(new float[] {-16, -16, 16, 16}, java.util.Arrays.copyOfRange(a, 0, 4));
        assertArrayEquals(new float[] {25 - 16, -16, 25 + 16, 16}, java.util.Arrays.copyOfRange(a, 4, 8));
        assertArrayEquals(new float[] {-16, 23 - 16, 16, 23 + 16}, java.util.Arrays.copyOfRange(a, 16, 20));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nd = g.anchors(List.of(new long[] {3, 4}), new long[] {70, 100}, m);
            assertEquals(new Shape(12, 4), nd.getShape());
            assertArrayEquals(a, nd.toFloatArray());
        }
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        long[][] sizes = {{25, 34}, {13, 17}, {7, 9}, {4, 5}, {2, 3}};
        long[] image = {200, 268};
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.models.detection.anchor_utils import AnchorGenerator
        from torchvision.models.detection.image_list import ImageList
        gen = AnchorGenerator(((32,), (64,), (128,), (256,), (512,)), ((0.5, 1.0, 2.0),) * 5)
        img = ImageList(torch.zeros(1, 3, inp['img'][0], inp['img'][1]), [tuple(inp['img'])])
        feats = [torch.zeros(1, 1, h, w) for h, w in inp['sizes']]
        out = gen(img, feats)[0].flatten().tolist()
        """, Map.of("img", image, "sizes", sizes));
        float[] ours = AnchorGenerator.fpnDefault().anchorsArray(List.of(sizes), image);
        assertArrayEquals(TorchvisionOracle.floats(out), ours);
    }
}
