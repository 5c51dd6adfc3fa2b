package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TorchSortTest {
    @Test
    void sortsDescendingAsAPermutation() {
        Random r = new Random(1);
        for (int n : new int[] {0, 1, 2, 16, 17, 100, 5000}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(7) - 3 + (i % 5 == 0 ? 0.5f : 0f);
            }
            if (n > 3) {
                v[1] = Float.NaN;
            }
            int[] order = TorchSort.argsortDescending(v);
            assertEquals(n, order.length);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted[i]);
            }
            if (n > 3) {
                assertEquals(1, order[0], "NaN first");
            }
            for (int i = (n > 3 ? 2 : 1); i < n; i++) {
                assertTrue(v[order[i - 1]] >= v[order[i]], "descending at " + i);
            }
        }
    }

    @Test
    void smallInputsAreStable() {
        float[] v = {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2};
        assertArrayEquals(
                new int[] {1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 14}, TorchSort.argsortDescending(v));
    }

    @Test
    void tieOrderMatchesTorch() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        Random r = new Random(2);
        List<float[]> cases = new ArrayList<>();
        for (int n : new int[] {17, 40, 333, 1000, 4000, 20000}) {
            for (int k : new int[] {2, 30, 100000}) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt(k) / (float) k;
                }
                cases.add(v);
            }
        }
        float[] ascending = new float[3000];
        for (int i = 0; i < ascending.length; i++) {
            ascending[i] = i;
        }
        cases.add(ascending);
        JsonNode out = TorchvisionOracle.run(
                "out = [torch.tensor(v).sort(0, descending=True)[1].tolist() for v in inp]", cases);
        for (int c = 0; c < cases.size(); c++) {
            assertArrayEquals(
                    TorchvisionOracle.ints(out.get(c)), TorchSort.argsortDescending(cases.get(c)), "case " + c);
        }
    }
}
