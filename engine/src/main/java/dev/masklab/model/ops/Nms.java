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
        // the boxes in visiting order, one array per coordinate, so that the inner loop runs over contiguous
        // memory without branches (the JIT vectorises it); the arithmetic is the kernel's, in float32
        int[] order = TorchSort.argsortDescendingStable(scores);
        float[] x1 = new float[n];
        float[] y1 = new float[n];
        float[] x2 = new float[n];
        float[] y2 = new float[n];
        float[] areas = new float[n];
        for (int a = 0; a < n; a++) {
            int i = order[a];
            x1[a] = xyxy[4 * i];
            y1[a] = xyxy[4 * i + 1];
            x2[a] = xyxy[4 * i + 2];
            y2[a] = xyxy[4 * i + 3];
            areas[a] = (x2[a] - x1[a]) * (y2[a] - y1[a]);
        }
        boolean[] suppressed = new boolean[n];
        int[] keep = new int[n];
        int kept = 0;
        for (int a = 0; a < n; a++) {
            if (suppressed[a]) {
                continue;
            }
            keep[kept++] = order[a];
            float ix1 = x1[a];
            float iy1 = y1[a];
            float ix2 = x2[a];
            float iy2 = y2[a];
            float iarea = areas[a];
            for (int b = a + 1; b < n; b++) {
                float w = Math.max(0f, Math.min(ix2, x2[b]) - Math.max(ix1, x1[b]));
                float h = Math.max(0f, Math.min(iy2, y2[b]) - Math.max(iy1, y1[b]));
                float inter = w * h;
                float ovr = inter / (iarea + areas[b] - inter);
                suppressed[b] |= ovr > iou; // a suppressed box stays suppressed: same result as skipping it
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
        // members of each group in index order (a stable bucket sort by group)
        int[] start = new int[distinct.length + 1];
        int[] slot = new int[n];
        for (int i = 0; i < n; i++) {
            slot[i] = Arrays.binarySearch(distinct, groups[i]);
            start[slot[i] + 1]++;
        }
        for (int g = 0; g < distinct.length; g++) {
            start[g + 1] += start[g];
        }
        int[] members = new int[n];
        int[] fill = Arrays.copyOf(start, distinct.length);
        for (int i = 0; i < n; i++) {
            members[fill[slot[i]]++] = i;
        }
        boolean[] keepMask = new boolean[n];
        // groups are independent: run them on the common pool (each writes only its own members' flags)
        java.util.stream.IntStream.range(0, distinct.length).parallel().forEach(g -> {
            int from = start[g];
            int m = start[g + 1] - from;
            float[] b = new float[4 * m];
            float[] s = new float[m];
            for (int a = 0; a < m; a++) {
                System.arraycopy(xyxy, 4 * members[from + a], b, 4 * a, 4);
                s[a] = scores[members[from + a]];
            }
            for (int k : nms(b, s, iou)) {
                keepMask[members[from + k]] = true;
            }
        });
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
