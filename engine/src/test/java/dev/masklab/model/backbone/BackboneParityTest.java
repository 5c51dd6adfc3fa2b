package dev.masklab.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.io.Npz;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ResNet-50-FPN features vs torchvision's ("transformed" -> "features.0..3,pool") on every parity reference. */
class BackboneParityTest {
    /** max|diff| <= TOL * max|ref| per level (float32 through 53 conv layers, different torch versions). */
    static final double TOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> featuresMatchTorchvision() {
        return ParityReferences.require().stream()
                .map(ref -> DynamicTest.dynamicTest(ref.name(), () -> {
                    try (NDManager m = NDManager.newBaseManager();
                            StateDict sd = PthLoader.load(ref.pth(), m);
                            Npz npz = Npz.open(ref.npz())) {
                        ResNetFpnBackbone backbone = new ResNetFpnBackbone(sd, "backbone", 50, ref.frozenBnEps());
                        NDArray input = npz.get("transformed", m).expandDims(0);
                        long t0 = System.nanoTime();
                        Map<String, NDArray> features = backbone.forward(input);
                        long t1 = System.nanoTime();
                        assertEquals(List.of("0", "1", "2", "3", "pool"), List.copyOf(features.keySet()));
                        StringBuilder report = new StringBuilder();
                        double worst = 0;
                        for (Map.Entry<String, NDArray> e : features.entrySet()) {
                            Npz.Array expected = npz.read("features." + e.getKey());
                            long[] shape = e.getValue().getShape().getShape();
                            assertArrayEquals(
                                    expected.shape(), java.util.Arrays.copyOfRange(shape, 1, shape.length), e.getKey());
                            double err =
                                    ParityReferences.relativeError(e.getValue().toFloatArray(), expected.data());
                            report.append(String.format(" %s=%.2e", e.getKey(), err));
                            worst = Math.max(worst, err);
                        }
                        System.out.printf(
                                "Backbone %s: input %s, forward %.0f ms, max|diff|/max|ref|:%s%n",
                                ref.name(), input.getShape(), (t1 - t0) / 1e6, report);
                        assertTrue(worst <= TOL, ref + ":" + report);
                        // trainable parameter selection (3 stages as the references were built: layer2..4 + FPN)
                        Map<String, NDArray> trainable = backbone.trainableParameters(3);
                        assertTrue(trainable.containsKey("backbone.body.layer2.0.conv1.weight"));
                        assertTrue(trainable.containsKey("backbone.fpn.layer_blocks.3.0.bias"));
                        assertTrue(!trainable.containsKey("backbone.body.layer1.0.conv1.weight"));
                        assertTrue(!trainable.containsKey("backbone.body.conv1.weight"));
                        assertTrue(trainable.keySet().stream()
                                .noneMatch(k -> k.contains("bn") || k.contains("downsample.1")));
                    }
                }));
    }
}
