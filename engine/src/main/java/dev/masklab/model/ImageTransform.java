package dev.masklab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Interpolate;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision 0.14's {@code GeneralizedRCNNTransform} for inference: each (3, H, W) float image in [0, 1] is
 * normalised with the ImageNet mean/std, resized with bilinear interpolation (align_corners=False, no antialias) by
 * {@code scale = min(minSize / min(H, W), maxSize / max(H, W))} (float32 as torch computes it: reciprocal times size) to
 * {@code floor(H * scale) x floor(W * scale)} (recompute_scale_factor=True), and the batch is zero-padded at the
 * bottom/right to multiples of {@code sizeDivisible}. {@link #postprocessBoxes} / {@link #postprocessKeypoints}
 * map results back to the original size (float32 ratios original / resized).
 */
public final class ImageTransform {
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final int minSize;
    private final int maxSize;
    private final float[] mean;
    private final float[] std;
    private final int sizeDivisible;

    public ImageTransform(int minSize, int maxSize, float[] mean, float[] std, int sizeDivisible) {
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.mean = mean.clone();
        this.std = std.clone();
        this.sizeDivisible = sizeDivisible;
    }

    /** torchvision's detection defaults: 800 / 1333, ImageNet mean/std, padding to multiples of 32. */
    public ImageTransform() {
        this(800, 1333, IMAGENET_MEAN, IMAGENET_STD, 32);
    }

    /** The (3, H, W) float image in [0, 1] of interleaved 8-bit RGB pixels ({@code to_tensor}: value / 255). */
    public static NDArray toTensor(byte[] rgb, int height, int width, NDManager m) {
        if (rgb.length != height * width * 3) {
            throw new IllegalArgumentException(
                    "RGB buffer has " + rgb.length + " bytes, expected " + height * width * 3);
        }
        float[] chw = new float[rgb.length];
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            chw[i] = (rgb[3 * i] & 0xff) / 255f;
            chw[plane + i] = (rgb[3 * i + 1] & 0xff) / 255f;
            chw[2 * plane + i] = (rgb[3 * i + 2] & 0xff) / 255f;
        }
        return m.create(chw, new Shape(3, height, width));
    }

    /** The resized size {h, w} of an image of {@code height x width}. */
    public int[] resizedSize(int height, int width) {
        // torchvision: self_min_size / min_size with min_size a float32 tensor; torch evaluates python_float / tensor
        // as reciprocal(tensor) * python_float, which can differ from a float division in the last bit (425 -> 799)
        float scale = Math.min(
                (1f / (float) Math.min(height, width)) * (float) minSize,
                (1f / (float) Math.max(height, width)) * (float) maxSize);
        return new int[] {Interpolate.scaledSize(height, scale), Interpolate.scaledSize(width, scale)};
    }

    /** Normalises, resizes and batches (3, H, W) images into a padded (N, 3, H', W') batch on {@code m}. */
    public ImageList apply(List<NDArray> images, NDManager m) {
        List<NDArray> resized = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<int[]> originals = new ArrayList<>();
        long maxH = 0;
        long maxW = 0;
        try {
            for (NDArray img : images) {
                Shape s = img.getShape();
                if (s.dimension() != 3 || s.get(0) != 3) {
                    throw new IllegalArgumentException("images must be (3, H, W), got " + s);
                }
                int h = (int) s.get(1);
                int w = (int) s.get(2);
                int[] out = resizedSize(h, w);
                NDArray r;
                try (NDArray meanA = m.create(mean, new Shape(3, 1, 1));
                        NDArray stdA = m.create(std, new Shape(3, 1, 1));
                        NDArray x = img.toType(DataType.FLOAT32, true);
                        NDArray centred = x.sub(meanA);
                        NDArray norm = centred.div(stdA);
                        NDArray batch = norm.expandDims(0);
                        NDArray big = Interpolate.bilinear(batch, out[0], out[1], false)) {
                    r = big.squeeze(0);
                }
                resized.add(r);
                sizes.add(out);
                originals.add(new int[] {h, w});
                maxH = Math.max(maxH, out[0]);
                maxW = Math.max(maxW, out[1]);
            }
            long padH = (long) Math.ceil((double) maxH / sizeDivisible) * sizeDivisible;
            long padW = (long) Math.ceil((double) maxW / sizeDivisible) * sizeDivisible;
            NDArray batch = m.zeros(new Shape(images.size(), 3, padH, padW), DataType.FLOAT32);
            for (int i = 0; i < resized.size(); i++) {
                batch.set(new NDIndex("{}, :, :{}, :{}", i, sizes.get(i)[0], sizes.get(i)[1]), resized.get(i));
            }
            return new ImageList(batch, sizes, originals);
        } finally {
            resized.forEach(NDArray::close);
        }
    }

    /** Boxes (K, 4) xyxy in resized-image coordinates -> original image coordinates (new array). */
    public static NDArray postprocessBoxes(NDArray boxes, int[] resizedHW, int[] originalHW) {
        float rh = (float) originalHW[0] / (float) resizedHW[0];
        float rw = (float) originalHW[1] / (float) resizedHW[1];
        try (NDArray r = boxes.getManager().create(new float[] {rw, rh, rw, rh})) {
            return boxes.mul(r);
        }
    }

    /** Keypoints (K, P, 3) [x, y, v] in resized coordinates -> original image coordinates (new array). */
    public static NDArray postprocessKeypoints(NDArray keypoints, int[] resizedHW, int[] originalHW) {
        float rh = (float) originalHW[0] / (float) resizedHW[0];
        float rw = (float) originalHW[1] / (float) resizedHW[1];
        try (NDArray r = keypoints.getManager().create(new float[] {rw, rh, 1f})) {
            return keypoints.mul(r);
        }
    }
}
