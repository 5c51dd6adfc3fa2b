package dev.masklab.model.box;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BalancedPositiveNegativeSamplerTest {
    private static int[] labels(Random r, int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            int v = r.nextInt(10);
            l[i] = v == 0 ? -1 : v < 3 ? 1 + r.nextInt(3) : 0;
        }
        return l;
    }

    @Test
    void respectsQuotasAndLabels() {
        int[] l = labels(new Random(2), 2000);
        var s = new BalancedPositiveNegativeSampler(256, 0.5f, new Random(4)).sample(l);
        assertEquals(128, s.positives());
        assertEquals(128, s.negatives());
        for (int i = 0; i < l.length; i++) {
            assertFalse(s.positive()[i] && l[i] < 1);
            assertFalse(s.negative()[i] && l[i] != 0);
        }
    }

    @Test
    void fillsWithNegativesWhenPositivesAreFew() {
        int[] l = new int[100];
        l[3] = 1;
        l[7] = 2;
        l[9] = -1;
        var s = new BalancedPositiveNegativeSampler(64, 0.25f, new Random(1)).sample(l);
        assertEquals(2, s.positives());
        assertEquals(62, s.negatives());
        assertTrue(s.positive()[3] && s.positive()[7]);
        assertFalse(s.negative()[9]);
    }

    @Test
    void usesEverythingWhenBatchExceedsCandidates() {
        int[] l = labels(new Random(3), 100);
        var a = new BalancedPositiveNegativeSampler(512, 0.25f, new Random(1)).sample(l);
        var b = new BalancedPositiveNegativeSampler(512, 0.25f, new Random(99)).sample(l);
        for (int i = 0; i < l.length; i++) {
            assertEquals(l[i] >= 1, a.positive()[i]);
            assertEquals(l[i] == 0, a.negative()[i]);
        }
        assertArrayEquals(a.positive(), b.positive());
        assertArrayEquals(a.negative(), b.negative());
    }

    @Test
    void deterministicForASeed() {
        int[] l = labels(new Random(5), 5000);
        var a = new BalancedPositiveNegativeSampler(256, 0.5f, new Random(42)).sample(l);
        var b = new BalancedPositiveNegativeSampler(256, 0.5f, new Random(42)).sample(l);
        var c = new BalancedPositiveNegativeSampler(256, 0.5f, new Random(43)).sample(l);
        assertArrayEquals(a.positive(), b.positive());
        assertArrayEquals(a.negative(), b.negative());
        assertFalse(java.util.Arrays.equals(a.negative(), c.negative()));
    }
}
