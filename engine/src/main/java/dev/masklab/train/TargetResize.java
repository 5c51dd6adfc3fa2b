package dev.masklab.train;

/**
 * Resizes a sample's targets the way torchvision's {@code GeneralizedRCNNTransform} does when it resizes
 * the image: boxes and keypoint x / y multiplied by float32 ratios {@code new / old} per axis, masks
 * resampled with nearest-neighbour interpolation ({@code F.interpolate(mode="nearest")}: source index
 * {@code min(floor(dst * (float) in / out), in - 1)}).
 */
public final class TargetResize {
    private TargetResize() {}

    /**
     * Output size {@code {h, w}} of torchvision's resize to shorter side {@code minSize} with longer side at most
     * {@code maxSize}: float32 scale {@code min(minSize / min(h, w), maxSize / max(h, w))} (each quotient computed
     * as reciprocal times size, as torch does), size
     * {@code floor(side * scale)} in double precision.
     */
    public static int[] outputSize(int h, int w, double minSize, double maxSize) {
        float lo = Math.min(h, w);
        float hi = Math.max(h, w);
        // python's `size / tensor` is evaluated as `tensor.reciprocal() * size` in float32
        float scale = Math.min((1f / lo) * (float) minSize, (1f / hi) * (float) maxSize);
        return new int[] {(int) Math.floor(h * (double) scale), (int) Math.floor(w * (double) scale)};
    }

    /** Boxes (n*4, xyxy) scaled from {@code (h, w)} to {@code (nh, nw)}. */
    public static float[] boxes(float[] boxes, int h, int w, int nh, int nw) {
        float rh = (float) nh / (float) h;
        float rw = (float) nw / (float) w;
        float[] out = new float[boxes.length];
        for (int i = 0; i < boxes.length; i += 4) {
            out[i] = boxes[i] * rw;
            out[i + 1] = boxes[i + 1] * rh;
            out[i + 2] = boxes[i + 2] * rw;
            out[i + 3] = boxes[i + 3] * rh;
        }
        return out;
    }

    /** Keypoints (n*K*3) with x / y scaled, visibility kept. */
    public static float[] keypoints(float[] keypoints, int h, int w, int nh, int nw) {
        float rh = (float) nh / (float) h;
        float rw = (float) nw / (float) w;
        float[] out = keypoints.clone();
        for (int i = 0; i < out.length; i += 3) {
            out[i] *= rw;
            out[i + 1] *= rh;
        }
        return out;
    }

    /** Row-major 0/1 mask resampled with nearest neighbour from {@code (h, w)} to {@code (nh, nw)}. */
    public static byte[] mask(byte[] mask, int h, int w, int nh, int nw) {
        int[] sy = nearestIndex(h, nh);
        int[] sx = nearestIndex(w, nw);
        byte[] out = new byte[nh * nw];
        for (int y = 0; y < nh; y++) {
            int src = sy[y] * w;
            int dst = y * nw;
            for (int x = 0; x < nw; x++) {
                out[dst + x] = mask[src + sx[x]];
            }
        }
        return out;
    }

    /** PyTorch's nearest source index for each output index (same size: identity; double: i / 2). */
    static int[] nearestIndex(int in, int out) {
        int[] idx = new int[out];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            if (out == in) {
                idx[i] = i;
            } else if (out == 2 * in) {
                idx[i] = i >> 1;
            } else {
                idx[i] = (int) Math.min((long) Math.floor(i * scale), in - 1);
            }
        }
        return idx;
    }

    /** The sample's boxes, masks and keypoints resized to {@code (nh, nw)}; the image is left as it is. */
    public static TrainingSample targets(TrainingSample s, int nh, int nw, float[] resizedImage) {
        int h = s.height();
        int w = s.width();
        byte[][] masks = null;
        if (s.masks() != null) {
            masks = new byte[s.masks().length][];
            for (int i = 0; i < masks.length; i++) {
                masks[i] = mask(s.masks()[i], h, w, nh, nw);
            }
        }
        return new TrainingSample(
                s.imageId(),
                nh,
                nw,
                resizedImage,
                boxes(s.boxes(), h, w, nh, nw),
                s.labels().clone(),
                masks,
                s.keypoints() == null ? null : keypoints(s.keypoints(), h, w, nh, nw),
                s.numKeypoints());
    }
}
