package dev.masklab.model.box;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Box utilities of torchvision 0.14 ({@code clip_boxes_to_image}, {@code remove_small_boxes}, {@code box_iou},
 * {@code box_area}) on xyxy float32 boxes, as NDArrays (N,4) and as flat {@code float[]} (4 values per box).
 * Written by hand: DJL has no box operators. Float32 arithmetic in the same order as torchvision.
 */
public final class BoxOps {
    private BoxOps() {}

    // ---------------------------------------------------------------- clip

    /** Clamps x to [0, width] and y to [0, height]; boxes (..., 4). Differentiable (clamp). */
    public static NDArray clip(NDArray boxes, int height, int width) {
        NDManager m = boxes.getManager();
        Shape shape = boxes.getShape();
        try (NDArray upper = m.create(new float[] {width, height, width, height})) {
            NDArray up = upper.toType(boxes.getDataType(), false);
            NDArray r = boxes.maximum(0f).minimum(up);
            up.close();
            return r.reshape(shape);
        }
    }

    /** Clips flat xyxy boxes in place; returns the same array. */
    public static float[] clipInPlace(float[] xyxy, int height, int width) {
        for (int i = 0; i + 3 < xyxy.length; i += 4) {
            xyxy[i] = Math.min(Math.max(xyxy[i], 0f), width);
            xyxy[i + 1] = Math.min(Math.max(xyxy[i + 1], 0f), height);
            xyxy[i + 2] = Math.min(Math.max(xyxy[i + 2], 0f), width);
            xyxy[i + 3] = Math.min(Math.max(xyxy[i + 3], 0f), height);
        }
        return xyxy;
    }

    /** Copying variant of {@link #clipInPlace}. */
    public static float[] clip(float[] xyxy, int height, int width) {
        return clipInPlace(xyxy.clone(), height, width);
    }

    // ---------------------------------------------------------------- remove small

    /** Indices of boxes whose width and height are both {@code >= minSize} (torchvision remove_small_boxes). */
    public static int[] removeSmall(float[] xyxy, float minSize) {
        int n = xyxy.length / 4;
        int[] keep = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            float w = xyxy[4 * i + 2] - xyxy[4 * i];
            float h = xyxy[4 * i + 3] - xyxy[4 * i + 1];
            if (w >= minSize && h >= minSize) {
                keep[k++] = i;
            }
        }
        return java.util.Arrays.copyOf(keep, k);
    }

    /** NDArray variant: boxes (N,4); returns int64 indices (K). */
    public static NDArray removeSmall(NDArray boxes, float minSize) {
        int[] keep = removeSmall(boxes.toType(DataType.FLOAT32, false).toFloatArray(), minSize);
        long[] l = new long[keep.length];
        for (int i = 0; i < keep.length; i++) {
            l[i] = keep[i];
        }
        return boxes.getManager().create(l);
    }

    // ---------------------------------------------------------------- area / IoU

    /** Areas (x2-x1)*(y2-y1) of flat boxes. */
    public static float[] area(float[] xyxy) {
        int n = xyxy.length / 4;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (xyxy[4 * i + 2] - xyxy[4 * i]) * (xyxy[4 * i + 3] - xyxy[4 * i + 1]);
        }
        return a;
    }

    /** Pairwise IoU [i][j] between flat boxes {@code a} (N) and {@code b} (M), torchvision box_iou arithmetic. */
    public static float[][] boxIou(float[] a, float[] b) {
        int n = a.length / 4;
        int mm = b.length / 4;
        float[] areaA = area(a);
        float[] areaB = area(b);
        float[][] iou = new float[n][mm];
        for (int i = 0; i < n; i++) {
            float ax1 = a[4 * i];
            float ay1 = a[4 * i + 1];
            float ax2 = a[4 * i + 2];
            float ay2 = a[4 * i + 3];
            float[] row = iou[i];
            for (int j = 0; j < mm; j++) {
                float ltx = Math.max(ax1, b[4 * j]);
                float lty = Math.max(ay1, b[4 * j + 1]);
                float rbx = Math.min(ax2, b[4 * j + 2]);
                float rby = Math.min(ay2, b[4 * j + 3]);
                float w = Math.max(rbx - ltx, 0f);
                float h = Math.max(rby - lty, 0f);
                float inter = w * h;
                float union = areaA[i] + areaB[j] - inter;
                row[j] = inter / union;
            }
        }
        return iou;
    }

    /** NDArray variant: boxes1 (N,4), boxes2 (M,4) -> IoU (N,M) float32 on boxes1's manager (not differentiable). */
    public static NDArray boxIou(NDArray boxes1, NDArray boxes2) {
        float[] a = boxes1.toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = boxes2.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] iou = boxIou(a, b);
        int n = iou.length;
        int mm = b.length / 4;
        float[] flat = new float[n * mm];
        for (int i = 0; i < n; i++) {
            System.arraycopy(iou[i], 0, flat, i * mm, mm);
        }
        return boxes1.getManager().create(flat, new Shape(n, mm));
    }
}
