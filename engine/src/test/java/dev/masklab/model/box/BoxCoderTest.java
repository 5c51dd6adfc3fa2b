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

class BoxCoderTest {
    private static final double[] ROI_WEIGHTS = {10, 10, 5, 5};

    @Test
    void encodesHandValues() {
        BoxCoder coder = new BoxCoder(ROI_WEIGHTS);
        float[] proposals = {0, 0, 10, 20, 0, 0, 10, 20};
        float[] gt = {1, 2, 11, 22, 0, 0, 20, 40};
        float l2 = (float) (5 * Math.log(2));
        float[] expected = {1, 1, 0, 0, 5, 5, l2, l2};
        assertArrayEquals(expected, coder.encode(gt, proposals), 1e-6f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = coder.encode(m.create(gt, new Shape(2, 4)), m.create(proposals, new Shape(2, 4)));
            assertEquals(new Shape(2, 4), t.getShape());
            assertArrayEquals(expected, t.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void decodesHandValuesAndClampsScale() {
        BoxCoder coder = new BoxCoder(new double[] {1, 1, 1, 1});
        float[] boxes = {0, 0, 10, 20};
        // two classes: (0.1, 0.1, 0, 0) shifts by (1, 2); (0, 0, 100, 0) is clamped to log(1000/16): width 625
        float[] codes = {0.1f, 0.1f, 0, 0, 0, 0, 100, 0};
        float[] expected = {1, 2, 11, 22, 5 - 312.5f, 0, 5 + 312.5f, 20};
        assertArrayEquals(expected, coder.decode(codes, boxes), 1e-3f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = coder.decode(m.create(codes, new Shape(1, 8)), m.create(boxes, new Shape(1, 4)));
            assertEquals(new Shape(1, 2, 4), d.getShape());
            assertArrayEquals(expected, d.toFloatArray(), 1e-3f);
            assertEquals(
                    new Shape(0, 2, 4),
                    coder.decode(m.zeros(new Shape(0, 8)), m.zeros(new Shape(0, 4)))
                            .getShape());
        }
    }

    @Test
    void roundTripsRandomBoxes() {
        Random r = new Random(3);
        BoxCoder coder = new BoxCoder(ROI_WEIGHTS);
        int n = 200;
        float[] prop = new float[4 * n];
        float[] gt = new float[4 * n];
        fill(r, prop);
        fill(r, gt);
        for (int i = 0; i < 4 * n; i += 4) { // keep size ratios below the exp clamp (62.5)
            prop[i + 2] += 20;
            prop[i + 3] += 20;
        }
        float[] back = coder.decode(coder.encode(gt, prop), prop);
        assertArrayEquals(gt, back, 2e-3f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(prop, new Shape(n, 4));
            NDArray codes = coder.encode(m.create(gt, new Shape(n, 4)), p);
            assertArrayEquals(coder.encode(gt, prop), codes.toFloatArray(), 1e-5f);
            assertArrayEquals(gt, coder.decode(codes, p).toFloatArray(), 2e-3f);
        }
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(5);
        int n = 64;
        int c = 3;
        float[] prop = new float[4 * n];
        float[] gt = new float[4 * n];
        fill(r, prop);
        fill(r, gt);
        float[] codes = new float[4 * c * n];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (float) r.nextGaussian() * (i % 17 == 0 ? 8 : 1);
        }
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.models.detection._utils import BoxCoder
        bc = BoxCoder(tuple(inp['w']))
        p = torch.tensor(inp['p']).reshape(-1, 4)
        g = torch.tensor(inp['g']).reshape(-1, 4)
        codes = torch.tensor(inp['c']).reshape(p.shape[0], -1)
        out = {'enc': bc.encode_single(g, p).flatten().tolist(),
               'dec': bc.decode(codes, [p]).flatten().tolist()}
        """, Map.of("w", ROI_WEIGHTS, "p", prop, "g", gt, "c", codes));
        BoxCoder coder = new BoxCoder(ROI_WEIGHTS);
        float[] enc = TorchvisionOracle.floats(out.get("enc"));
        float[] dec = TorchvisionOracle.floats(out.get("dec"));
        assertArrayEquals(enc, coder.encode(gt, prop), 1e-5f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(prop, new Shape(n, 4));
            assertArrayEquals(
                    enc, coder.encode(m.create(gt, new Shape(n, 4)), p).toFloatArray(), 1e-6f);
            float[] ours = coder.decode(m.create(codes, new Shape(n, 4 * c)), p).toFloatArray();
            for (int i = 0; i < dec.length; i++) {
                // centre +- half size cancel: allow 2 ulps of the operands' magnitude (coordinates < 2048)
                assertEquals(dec[i], ours[i], 2.5e-4f, "decode " + i);
            }
        }
        float[] javaDec = coder.decode(codes, prop);
        for (int i = 0; i < dec.length; i++) {
            assertEquals(dec[i], javaDec[i], 2.5e-4f, "java decode " + i);
        }
    }

    static void fill(Random r, float[] b) {
        for (int i = 0; i < b.length; i += 4) {
            b[i] = r.nextFloat() * 500;
            b[i + 1] = r.nextFloat() * 500;
            b[i + 2] = b[i] + 1 + r.nextFloat() * 300;
            b[i + 3] = b[i + 1] + 1 + r.nextFloat() * 300;
        }
    }
}
