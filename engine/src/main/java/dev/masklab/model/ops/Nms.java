package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Greedy non-maximum suppression with torchvision 0.14's semantics ({@code torchvision.ops.nms} CPU kernel and
 * {@code batched_nms}). Written by hand because DJL's PyTorch engine has no NMS operator.
 *
 * <ul>
 *   <li>boxes are visited by score descending, equal scores by index (the kernel's stable sort); a box is
 *       suppressed when its IoU with an earlier kept box is strictly greater than the threshold;
 *   <li>IoU uses float32 arithmetic with the "+0" convention: area = (x2-x1)*(y2-y1), no +1;
 *   <li>the result lists kept indices by score descending.
 * </ul>
 *
 * <p>The threshold is compared in double precision as in the C++ kernel. The {@code float} overloads widen the
 * threshold through its shortest decimal form ({@code 0.7f} becomes {@code 0.7}, like the Python float that
 * torchvision receives), the {@code double} overloads use it as is.
 */
public final class Nms {
    /** torchvision switches batched_nms from the coordinate trick to per-class NMS above this many box values. */
    static final int VANILLA_NUMEL_THRESHOLD = 4000;

    private Nms() {}

    /** NMS over boxes {@code xyxy} (n*4 values) and {@code scores} (n); returns kept indices, score-descending. */
    public static int[] nms(float[] xyxy, float[] scores, float iou) {
        return nms(xyxy, scores, widen(iou));
    }

    /** NMS with the threshold given in double precision (as torchvision's Python float). */
    public static int[] nms(float[] xyxy, float[] scores, double iou) {
        int n = scores.length;
        if (xyxy.length != 4 * n) {
            throw new IllegalArgumentException("boxes have " + xyxy.length + " values, expected 4 x " + n + " scores");
        }
        if (n == 0) {
            return new int[0];
        }
        float[] areas = new float[n];
        for (int i = 0; i < n; i++) {
            areas[i] = (xyxy[4 * i + 2] - xyxy[4 * i]) * (xyxy[4 * i + 3] - xyxy[4 * i + 1]);
        }
        int[] order = TorchSort.argsortDescendingStable(scores);
        boolean[] suppressed = new boolean[n];
        int[] keep = new int[n];
        int kept = 0;
        for (int a = 0; a < n; a++) {
            int i = order[a];
            if (suppressed[i]) {
                continue;
            }
            keep[kept++] = i;
            float ix1 = xyxy[4 * i];
            float iy1 = xyxy[4 * i + 1];
            float ix2 = xyxy[4 * i + 2];
            float iy2 = xyxy[4 * i + 3];
            float iarea = areas[i];
            for (int b = a + 1; b < n; b++) {
                int j = order[b];
                if (suppressed[j]) {
                    continue;
                }
                float xx1 = Math.max(ix1, xyxy[4 * j]);
                float yy1 = Math.max(iy1, xyxy[4 * j + 1]);
                float xx2 = Math.min(ix2, xyxy[4 * j + 2]);
                float yy2 = Math.min(iy2, xyxy[4 * j + 3]);
                float w = Math.max(0f, xx2 - xx1);
                float h = Math.max(0f, yy2 - yy1);
                float inter = w * h;
                float ovr = inter / (iarea + areas[j] - inter);
                if (ovr > iou) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    /**
     * Class-aware NMS like torchvision's {@code batched_nms}: boxes of different {@code groups} never suppress each
     * other. Like torchvision on the CPU, up to 1000 boxes use the coordinate-offset trick (boxes shifted by
     * {@code group * (max coordinate + 1)} in float32) and larger inputs run NMS per group and merge by score
     * (torch's non-stable sort order for equal scores, {@link TorchSort#argsortDescending}).
     */
    public static int[] batchedNms(float[] xyxy, float[] scores, int[] groups, float iou) {
        return batchedNms(xyxy, scores, groups, widen(iou));
    }

    /** {@link #batchedNms(float[], float[], int[], float)} with a double threshold. */
    public static int[] batchedNms(float[] xyxy, float[] scores, int[] groups, double iou) {
        int n = scores.length;
        if (groups.length != n || xyxy.length != 4 * n) {
            throw new IllegalArgumentException(
                    "batchedNms: " + xyxy.length + " box values, " + n + " scores, " + groups.length + " groups");
        }
        if (n == 0) {
            return new int[0];
        }
        if (xyxy.length > VANILLA_NUMEL_THRESHOLD) {
            return batchedNmsPerGroup(xyxy, scores, groups, iou);
        }
        return batchedNmsCoordinateTrick(xyxy, scores, groups, iou);
    }

    static int[] batchedNmsCoordinateTrick(float[] xyxy, float[] scores, int[] groups, double iou) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : xyxy) {
            max = Math.max(max, v);
        }
        float step = max + 1f;
        float[] shifted = new float[xyxy.length];
        for (int i = 0; i < scores.length; i++) {
            float off = (float) groups[i] * step;
            for (int k = 0; k < 4; k++) {
                shifted[4 * i + k] = xyxy[4 * i + k] + off;
            }
        }
        return nms(shifted, scores, iou);
    }

    static int[] batchedNmsPerGroup(float[] xyxy, float[] scores, int[] groups, double iou) {
        int n = scores.length;
        int[] distinct = Arrays.stream(groups).distinct().sorted().toArray();
        boolean[] keepMask = new boolean[n];
        int[] members = new int[n];
        for (int g : distinct) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (groups[i] == g) {
                    members[m++] = i;
                }
            }
            float[] b = new float[4 * m];
            float[] s = new float[m];
            for (int a = 0; a < m; a++) {
                System.arraycopy(xyxy, 4 * members[a], b, 4 * a, 4);
                s[a] = scores[members[a]];
            }
            for (int k : nms(b, s, iou)) {
                keepMask[members[k]] = true;
            }
        }
        int count = 0;
        for (boolean k : keepMask) {
            if (k) {
                count++;
            }
        }
        int[] keptIdx = new int[count];
        float[] keptScores = new float[count];
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (keepMask[i]) {
                keptIdx[c] = i;
                keptScores[c++] = scores[i];
            }
        }
        int[] order = TorchSort.argsortDescending(keptScores);
        int[] result = new int[count];
        for (int a = 0; a < count; a++) {
            result[a] = keptIdx[order[a]];
        }
        return result;
    }

    /** NDArray overload: boxes (N,4) float32, scores (N); returns int64 indices on the boxes' manager. */
    public static NDArray nms(NDArray boxes, NDArray scores, float iou) {
        int[] keep = nms(
                boxes.toType(DataType.FLOAT32, false).toFloatArray(),
                scores.toType(DataType.FLOAT32, false).toFloatArray(),
                iou);
        return toIndexArray(boxes.getManager(), keep);
    }

    /** NDArray overload of {@link #batchedNms(float[], float[], int[], float)}; groups are any integer type. */
    public static NDArray batchedNms(NDArray boxes, NDArray scores, NDArray groups, float iou) {
        long[] g = groups.toType(DataType.INT64, false).toLongArray();
        int[] gi = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            gi[i] = Math.toIntExact(g[i]);
        }
        int[] keep = batchedNms(
                boxes.toType(DataType.FLOAT32, false).toFloatArray(),
                scores.toType(DataType.FLOAT32, false).toFloatArray(),
                gi,
                iou);
        return toIndexArray(boxes.getManager(), keep);
    }

    static NDArray toIndexArray(NDManager manager, int[] idx) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            l[i] = idx[i];
        }
        return manager.create(l);
    }

    /** The double a Python literal would give for this float's shortest decimal form (0.7f -> 0.7). */
    static double widen(float v) {
        return Double.parseDouble(Float.toString(v));
    }
}
