package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Traced polygons rasterise (pycocotools rules) back to the mask, holes filled. */
class ContoursTest {

    /** Background pixels not 4-connected to the image border. */
    static boolean[] holes(byte[] m, int h, int w) {
        boolean[] outside = new boolean[m.length];
        int[] q = new int[m.length];
        int qt = 0;
        for (int i = 0; i < m.length; i++) {
            int x = i % w;
            int y = i / w;
            if (m[i] == 0 && (x == 0 || y == 0 || x == w - 1 || y == h - 1)) {
                outside[i] = true;
                q[qt++] = i;
            }
        }
        for (int qh = 0; qh < qt; qh++) {
            int p = q[qh];
            int x = p % w;
            int[] nb = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w};
            for (int n : nb) {
                if (n >= 0 && n < m.length && m[n] == 0 && !outside[n]) {
                    outside[n] = true;
                    q[qt++] = n;
                }
            }
        }
        boolean[] hole = new boolean[m.length];
        for (int i = 0; i < m.length; i++) hole[i] = m[i] == 0 && !outside[i];
        return hole;
    }

    @Test
    void polygonsRasteriseBackToTheMask() {
        Random r = new Random(3);
        int exact = 0;
        for (int t = 0; t < 400; t++) {
            int h = 3 + r.nextInt(40);
            int w = 3 + r.nextInt(40);
            byte[] m = new byte[h * w];
            boolean noise = t % 4 == 0;
            for (int k = 0; k < 4; k++) {
                double cx = r.nextDouble() * w;
                double cy = r.nextDouble() * h;
                double rad = 0.5 + r.nextDouble() * 10;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad) m[y * w + x] = 1;
                    }
                }
            }
            if (noise) for (int i = 0; i < m.length; i++) if (r.nextInt(5) == 0) m[i] = 1;
            Rle rle = Rle.encode(m, h, w);
            List<double[]> polys = Contours.polygons(rle);
            byte[] back = polys.isEmpty()
                    ? new byte[h * w]
                    : Rle.fromPolygons(polys, h, w).decode();
            boolean[] hole = holes(m, h, w);
            boolean same = true;
            for (int i = 0; i < m.length; i++) {
                if (m[i] != 0) assertEquals(1, back[i], "pixel " + i + " of mask " + t + " lost");
                else if (back[i] != 0) {
                    assertTrue(hole[i], "pixel " + i + " of mask " + t + " added outside a hole");
                    same = false;
                }
            }
            for (double[] p : polys) assertTrue(p.length >= 8 && p.length % 2 == 0);
            if (same) exact++;
        }
        assertTrue(exact > 300, "most masks have no holes and come back exactly: " + exact);
    }

    @Test
    void separateRegionsGiveSeparatePolygons() {
        byte[] m = new byte[6 * 6];
        m[0] = 1; // (0,0)
        m[7] = 1; // (1,1): diagonal neighbour, a separate 4-connected region
        m[4 * 6 + 4] = 1; // (4,4)
        m[4 * 6 + 5] = 1; // (5,4)
        List<double[]> polys = Contours.polygons(Rle.encode(m, 6, 6));
        assertEquals(3, polys.size());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 0, 1, 1, 0, 1, 0, 0}, polys.get(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {2, 1, 2, 2, 1, 2, 1, 1}, polys.get(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {6, 4, 6, 5, 4, 5, 4, 4}, polys.get(2));
    }
}
