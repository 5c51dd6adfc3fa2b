package dev.masklab.app.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.InstanceMask;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskRasterizerTest {
    /** A w x h mask with the rectangle [x0, x1) x [y0, y1) set. */
    static byte[] rect(int w, int h, int x0, int y0, int x1, int y1) {
        byte[] m = new byte[w * h];
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * w + x] = 1;
        return m;
    }

    @Test
    void cropsAndComposesLaterInstancesOnTop() {
        InstanceMask a = MaskRasterizer.crop(rect(20, 10, 2, 1, 12, 8), 20, 10, 20, 10);
        assertEquals(new InstanceMask(2, 1, 10, 7, a.bits()), a);
        assertEquals(70, a.pixelCount());
        InstanceMask b = MaskRasterizer.crop(rect(20, 10, 8, 4, 18, 10), 20, 10, 20, 10);
        var o = MaskRasterizer.compose(
                20,
                10,
                Arrays.asList(a, null, b),
                new int[] {0xFF0000, 0x00FF00, 0x0000FF},
                new boolean[3],
                0.5,
                true,
                false);
        int alpha = 128 << 24;
        assertEquals(alpha | 0xFF0000, o.argb()[3 * 20 + 4]);
        assertEquals(alpha | 0x0000FF, o.argb()[5 * 20 + 9], "overlap: the later instance");
        assertEquals(0, o.argb()[0]);
        assertEquals(0, o.instanceAt(4, 3));
        assertEquals(2, o.instanceAt(9, 5));
        assertEquals(-1, o.instanceAt(0, 0));
        // outline only: boundary opaque, inside transparent but still hit-testable
        var edges = MaskRasterizer.compose(20, 10, List.of(a), new int[] {0xFF0000}, new boolean[1], 0.5, false, true);
        assertEquals(0xFFFF0000, edges.argb()[1 * 20 + 2]);
        assertEquals(0, edges.argb()[4 * 20 + 6]);
        assertEquals(0, edges.instanceAt(6, 4));
    }

    @Test
    void downsamplesForDisplayAndHatchesCrowd() {
        InstanceMask half = MaskRasterizer.crop(rect(40, 20, 4, 2, 24, 16), 40, 20, 20, 10);
        assertEquals(2, half.x0());
        assertEquals(1, half.y0());
        assertEquals(10, half.w());
        assertEquals(7, half.h());
        assertNull(MaskRasterizer.crop(new byte[40 * 20], 40, 20, 20, 10));
        var o = MaskRasterizer.compose(
                20, 10, List.of(half), new int[] {0x123456}, new boolean[] {true}, 0.5, true, false);
        int strong = 0, faint = 0;
        for (int px : o.argb()) {
            if (px == 0) continue;
            if ((px >>> 24) >= 128) strong++;
            else faint++;
        }
        assertTrue(strong > 0 && faint > 0, "hatched: " + strong + " strong, " + faint + " faint");
        assertEquals(70, strong + faint);
    }
}
