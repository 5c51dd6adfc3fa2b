package dev.masklab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTransformTest {
    @Test
    void resizedSizesFollowTorchFloat32Scale() {
        ImageTransform t = new ImageTransform();
        // expected sizes computed with torch 1.13 / torchvision 0.14; 800 / float32(425) = reciprocal * 800 ->
        // 1.8823528..., 425 * that < 800 -> 799 (as torchvision gives)
        assertArrayEquals(new int[] {799, 1204}, t.resizedSize(425, 640));
        assertArrayEquals(new int[] {799, 1201}, t.resizedSize(333, 500));
        // the long side bound: 1333 / 2000 wins over 800 / 500
        assertArrayEquals(new int[] {333, 1333}, t.resizedSize(500, 2000));
    }

    @Test
    void batchIsPaddedToMultiplesOf32AndPostprocessScalesBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTransform t =
                    new ImageTransform(64, 1000, ImageTransform.IMAGENET_MEAN, ImageTransform.IMAGENET_STD, 32);
            NDArray a = m.ones(new Shape(3, 20, 30));
            NDArray b = m.zeros(new Shape(3, 30, 20));
            ImageList list = t.apply(List.of(a, b), m);
            assertArrayEquals(
                    new long[] {2, 3, 96, 96}, list.tensors().getShape().getShape());
            assertArrayEquals(new int[] {64, 96}, list.imageSizes().get(0));
            assertArrayEquals(new int[] {96, 64}, list.imageSizes().get(1));
            float[] v = list.tensors().toFloatArray();
            // image 0 channel 0: (1 - 0.485) / 0.229 inside, 0 in the padding
            assertEquals((1f - 0.485f) / 0.229f, v[0], 1e-6);
            assertEquals(0f, v[64 * 96], 0f);
            NDArray boxes = m.create(new float[] {0, 0, 96, 64, 48, 32, 48, 32}, new Shape(2, 4));
            float[] back = ImageTransform.postprocessBoxes(boxes, new int[] {64, 96}, new int[] {20, 30})
                    .toFloatArray();
            assertArrayEquals(new float[] {0, 0, 30, 20, 15, 10, 15, 10}, back, 1e-5f);
            NDArray kps = m.create(new float[] {96, 64, 2}, new Shape(1, 1, 3));
            assertArrayEquals(
                    new float[] {30, 20, 2},
                    ImageTransform.postprocessKeypoints(kps, new int[] {64, 96}, new int[] {20, 30})
                            .toFloatArray(),
                    1e-5f);
        }
    }
}
