package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks of the shared data (annotations rasterised, predicted RLE masks) as simplified polygons. */
class MaskPolygonsTest {
    static final Path SHARED = SharedData.root();

    /** Every non-empty annotation mask of both shared datasets, and every predicted mask of the person fixture. */
    static List<Rle> sharedMasks() throws IOException {
        List<Rle> masks = new ArrayList<>();
        for (String f : List.of("data/coco-person-kp/test_coco.json", "data/labelme-voc/annotations.json")) {
            CocoDataset ds = CocoReader.read(SHARED.resolve(f));
            for (CocoAnnotation a : ds.annotations()) {
                Rle r = ds.annToRle(a);
                if (r != null && r.area() > 0) masks.add(r);
            }
        }
        CocoDataset gt = CocoReader.read(SHARED.resolve("data/coco-person-kp/test_coco.json"));
        for (CocoResult r : CocoResults.read(SHARED.resolve("fixtures/coco-eval/person-s1/detections.json"), gt)) {
            if (r.segmentation() == null) continue;
            CocoImage im = gt.image(r.imageId());
            Rle m = r.mask(im.height(), im.width());
            if (m.area() > 0) masks.add(m);
        }
        return masks;
    }

    @Test
    void vertexCountFallsAsTheToleranceRisesAndOnePixelKeepsIouAbove95() throws IOException {
        List<Rle> masks = sharedMasks();
        assertTrue(masks.size() > 20, "masks: " + masks.size());
        for (Rle m : masks) {
            MaskPolygons mp = MaskPolygons.trace(m);
            int previous = Integer.MAX_VALUE;
            for (double tol : new double[] {0, 0.5, 1, 2, 4, 8}) {
                MaskPolygons.Fit f = mp.fit(tol);
                assertTrue(f.vertexCount() <= previous, "tolerance " + tol + ": " + f.vertexCount() + " > " + previous);
                previous = f.vertexCount();
                int n = 0;
                for (double[] p : f.polygons()) {
                    assertTrue(p.length >= 6, "a part has at least 3 vertices");
                    n += p.length / 2;
                }
                assertEquals(n, f.vertexCount());
                assertEquals(
                        Rle.fromPolygons(f.polygons(), m.h(), m.w()),
                        f.rasterised(),
                        "rasterised as pycocotools merges the parts");
                double iou = Rle.iou(List.of(f.rasterised()), List.of(m), null)[0][0];
                assertEquals(iou, f.iou(), 1e-12);
            }
            MaskPolygons.Fit one = mp.fit(1);
            assertTrue(one.iou() >= 0.95, "IoU at 1 px: " + one.iou() + " for " + m);
            assertTrue(mp.fit(4).vertexCount() < mp.fit(0).vertexCount(), "4 px removes vertices of " + m);
        }
    }

    @Test
    void unsimplifiedOutlinesRasteriseExactlyAndHolesAreFilledAndCounted() {
        int h = 20, w = 30;
        byte[] m = new byte[h * w];
        for (int y = 2; y < 15; y++) for (int x = 3; x < 20; x++) m[y * w + x] = 1; // 13 x 17 rectangle
        for (int y = 5; y < 8; y++) for (int x = 6; x < 10; x++) m[y * w + x] = 0; // 3 x 4 hole
        for (int i = 0; i < 6; i++) m[(16 + i % 3) * w + 22 + i] = 1; // a staircase region
        Rle mask = Rle.encode(m, h, w);
        MaskPolygons mp = MaskPolygons.trace(mask);
        assertEquals(12, mp.holePixels());
        assertEquals(1 + 6, mp.outlines().size(), "rectangle; the staircase's pixels are 8- not 4-connected");
        // the rectangle as crack midpoints: its 4 sides, each from half a pixel after to half before a corner
        assertArrayEquals(
                new double[] {20, 2.5, 20, 14.5, 19.5, 15, 3.5, 15, 3, 14.5, 3, 2.5, 3.5, 2, 19.5, 2},
                mp.outlines().getFirst());
        MaskPolygons.Fit exact = mp.fit(0);
        byte[] filled = m.clone();
        for (int y = 5; y < 8; y++) for (int x = 6; x < 10; x++) filled[y * w + x] = 1;
        assertArrayEquals(filled, exact.rasterised().decode(), "the outlines give the mask with its hole filled");
        assertEquals((double) mask.area() / (mask.area() + 12), exact.iou(), 1e-12);
        assertEquals(8, exact.polygons().getFirst().length / 2);
    }

    @Test
    void douglasPeuckerKeepsVerticesFartherThanTheToleranceAndAtLeastThree() {
        // a square with a bump of 0.6 on its top side and a collinear vertex on its right side
        double[] sq = {0, 0, 5, 0, 5, -0.6, 6, 0, 10, 0, 10, 5, 10, 10, 0, 10};
        assertArrayEquals(
                new double[] {0, 0, 5, 0, 5, -0.6, 6, 0, 10, 0, 10, 10, 0, 10}, DouglasPeucker.simplifyClosed(sq, 0));
        // (5, 0) is 0.596 from the segment (0, 0) - (5, -0.6), (6, 0) 0.477 from (5, -0.6) - (10, 0)
        assertArrayEquals(
                new double[] {0, 0, 5, 0, 5, -0.6, 10, 0, 10, 10, 0, 10}, DouglasPeucker.simplifyClosed(sq, 0.5));
        assertArrayEquals(new double[] {0, 0, 10, 0, 10, 10, 0, 10}, DouglasPeucker.simplifyClosed(sq, 0.6));
        double[] tri = DouglasPeucker.simplifyClosed(sq, 100);
        assertEquals(6, tri.length, "never fewer than 3 vertices");
    }
}
