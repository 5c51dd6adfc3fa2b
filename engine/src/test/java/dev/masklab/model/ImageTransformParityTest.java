package dev.masklab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.io.Npz;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** ImageTransform vs torchvision's transformed input ("image" -> "transformed") of every parity reference. */
class ImageTransformParityTest {
    @TestFactory
    Stream<DynamicTest> transformedMatchesTorchvision() {
        return ParityReferences.require().stream()
                .map(ref -> DynamicTest.dynamicTest(ref.name(), () -> {
                    try (NDManager m = NDManager.newBaseManager();
                            Npz npz = Npz.open(ref.npz())) {
                        NDArray image = npz.get("image", m);
                        Npz.Array expected = npz.read("transformed");
                        long t0 = System.nanoTime();
                        ImageList list = new ImageTransform().apply(List.of(image), m);
                        long t1 = System.nanoTime();
                        assertArrayEquals(
                                new long[] {1, expected.shape()[0], expected.shape()[1], expected.shape()[2]},
                                list.tensors().getShape().getShape());
                        float[] actual = list.tensors().toFloatArray();
                        double err = ParityReferences.relativeError(actual, expected.data());
                        System.out.printf(
                                "ImageTransform %s: %s -> %s in %.0f ms, max|diff|/max|ref| = %.2e%n",
                                ref.name(), image.getShape(), list.tensors().getShape(), (t1 - t0) / 1e6, err);
                        assertTrue(err <= 1e-4, ref + ": relative error " + err);
                    }
                }));
    }
}
