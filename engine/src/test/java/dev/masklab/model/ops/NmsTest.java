package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NmsTest {

    // boxes: 0 and 3 identical, 1 overlaps 0 with IoU 81/119 = 0.68, 2 is disjoint
    private static final float[] BOXES = {
        0, 0, 10, 10,
        1, 1, 11, 11,
        20, 20, 30, 30,
        0, 0, 10, 10
    };
    private static final float[] SCORES = {0.9f, 0.8f, 0.7f, 0.9f};

    @Test
    void suppressesOverlapsAboveThresholdOnly() {
        assertArrayEquals(new int[] {0, 2}, Nms.nms(BOXES, SCORES, 0.5f));
        // 0.68 is not above 0.7: box 1 survives; identical box 3 (tie with 0, higher index) is suppressed
        assertArrayEquals(new int[] {0, 1, 2}, Nms.nms(BOXES, SCORES, 0.7f));
        assertArrayEquals(new int[] {0, 3, 1, 2}, Nms.nms(BOXES, SCORES, 1.0f));
    }

    @Test
    void iouEqualToThresholdIsKept() {
        float[] b = {0, 0, 4, 1, 0, 0, 2, 1}; // IoU exactly 0.5
        assertArrayEquals(new int[] {1, 0}, Nms.nms(b, new float[] {0.1f, 0.2f}, 0.5f));
        assertArrayEquals(new int[] {1}, Nms.nms(b, new float[] {0.1f, 0.2f}, 0.49f));
    }

    @Test
    void tiesKeepIndexOrder() {
        int n = 12;
        float[] b = new float[4 * n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            b[4 * i] = 10 * i;
            b[4 * i + 2] = 10 * i + 5;
            b[4 * i + 3] = 5;
            s[i] = i % 3 == 0 ? 2f : 1f;
        }
        assertArrayEquals(new int[] {0, 3, 6, 9, 1, 2, 4, 5, 7, 8, 10, 11}, Nms.nms(b, s, 0.5f));
    }

    @Test
    void emptyInput() {
        assertEquals(0, Nms.nms(new float[0], new float[0], 0.5f).length);
        assertEquals(0, Nms.batchedNms(new float[0], new float[0], new int[0], 0.5f).length);
    }

    @Test
    void batchedKeepsOverlapsOfDifferentGroups() {
        // same geometry as BOXES; 1 is in another group so it is not suppressed by 0
        int[] groups = {0, 1, 0, 0};
        assertArrayEquals(new int[] {0, 1, 2}, Nms.batchedNms(BOXES, SCORES, groups, 0.5f));
        assertArrayEquals(new int[] {0, 3, 1, 2}, Nms.batchedNms(BOXES, SCORES, new int[] {0, 1, 0, 2}, 0.5f));
    }

    @Test
    void matchesDirectLoopOnRandomBoxes() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + r.nextInt(1500); // both batched paths (coordinate trick <= 1000 boxes, per group above)
            float[] b = randomBoxes(r, n, 200);
            float[] s = new float[n];
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = (i + 0.5f) / n; // distinct scores, shuffled below: no tie order involved
                g[i] = r.nextInt(4);
            }
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                float t = s[i];
                s[i] = s[j];
                s[j] = t;
            }
            assertArrayEquals(directNms(b, s, g, 0.5), Nms.batchedNms(b, s, g, 0.5));
            assertArrayEquals(directNms(b, s, new int[n], 0.3), Nms.nms(b, s, 0.3));
        }
    }

    @Test
    void ndArrayOverloads() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray boxes = m.create(BOXES, new Shape(4, 4));
            NDArray scores = m.create(SCORES);
            assertArrayEquals(new long[] {0, 2}, Nms.nms(boxes, scores, 0.5f).toLongArray());
            assertArrayEquals(
                    new long[] {0, 1, 2},
                    Nms.batchedNms(boxes, scores, m.create(new long[] {0, 1, 0, 0}), 0.5f)
                            .toLongArray());
        }
    }

    @Test
    void matchesTorchvision() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(11);
        List<Map<String, Object>> cases = new ArrayList<>();
        List<int[]> ours = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int n = t < 3 ? 300 : 1400;
            float[] b = randomBoxes(r, n, 300);
            float[] s = new float[n];
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                // t == 0 and 3: many exact ties (torch's non-stable sort order decides which box survives)
                s[i] = t == 0 || t == 3 ? (float) r.nextInt(20) / 20f : r.nextFloat();
                g[i] = r.nextInt(5);
            }
            double thr = new double[] {0.5, 0.7, 0.3}[t % 3];
            cases.add(Map.of("b", b, "s", s, "g", g, "t", thr));
            ours.add(Nms.nms(b, s, thr));
            ours.add(Nms.batchedNms(b, s, g, thr));
        }
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.ops import nms, batched_nms
        out = []
        for c in inp:
            b = torch.tensor(c['b'], dtype=torch.float32).reshape(-1, 4)
            s = torch.tensor(c['s'], dtype=torch.float32)
            g = torch.tensor(c['g'], dtype=torch.int64)
            out.append(nms(b, s, c['t']).tolist())
            out.append(batched_nms(b, s, g, c['t']).tolist())
        """, cases);
        for (int i = 0; i < ours.size(); i++) {
            assertArrayEquals(TorchvisionOracle.ints(out.get(i)), ours.get(i), "case " + i);
        }
    }

    static float[] randomBoxes(Random r, int n, float extent) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float x = r.nextFloat() * extent;
            float y = r.nextFloat() * extent;
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + 1 + r.nextFloat() * 60;
            b[4 * i + 3] = y + 1 + r.nextFloat() * 60;
        }
        return b;
    }

    /** Direct loop: repeatedly take the best remaining box (lowest index on ties), drop same-group overlaps. */
    static int[] directNms(float[] b, float[] s, int[] g, double thr) {
        int n = s.length;
        boolean[] gone = new boolean[n];
        List<Integer> keep = new ArrayList<>();
        while (true) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!gone[i] && (best < 0 || s[i] > s[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            keep.add(best);
            gone[best] = true;
            for (int j = 0; j < n; j++) {
                if (!gone[j] && g[j] == g[best] && iou(b, best, j) > thr) {
                    gone[j] = true;
                }
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    static double iou(float[] b, int i, int j) {
        double w = Math.max(0, Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]));
        double h = Math.max(0, Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]));
        double ai = ((double) b[4 * i + 2] - b[4 * i]) * ((double) b[4 * i + 3] - b[4 * i + 1]);
        double aj = ((double) b[4 * j + 2] - b[4 * j]) * ((double) b[4 * j + 3] - b[4 * j + 1]);
        return w * h / (ai + aj - w * h);
    }

    static String str(int[] a) {
        return Arrays.toString(a);
    }
}
