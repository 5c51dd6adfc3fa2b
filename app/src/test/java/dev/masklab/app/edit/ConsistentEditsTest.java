package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.Rle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue #20: box corners keep a box a box, box edits move the shape, distant paint starts a new annotation. */
class ConsistentEditsTest {

    @Test
    void aBoxPolygonStaysABoxWhenACornerMoves() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long img = coco.images().getFirst().id();
        long box = ed.addPolygons(img, 1, List.of(new double[] {10, 20, 60, 20, 60, 50, 10, 50}), "box");
        assertTrue(ShapeGeometry.isBoxPolygon(coco.annotation(box)));

        ed.boxes().moveBoxCorner(box, 0, 5, 10, "top-left");
        CocoAnnotation a = coco.annotation(box);
        assertArrayEquals(
                new double[] {5, 10, 60, 10, 60, 50, 5, 50},
                EditTestData.polygons(a).getFirst(),
                "two edges moved, vertex order kept");
        assertArrayEquals(new double[] {5, 10, 55, 40}, a.bbox());
        assertEquals(2200.0, a.area());
        assertTrue(ShapeGeometry.isBoxPolygon(a));

        ed.boxes().moveBoxCorner(box, 2, 80.5, 70.25, "bottom-right");
        assertArrayEquals(
                new double[] {5, 10, 80.5, 10, 80.5, 70.25, 5, 70.25},
                EditTestData.polygons(coco.annotation(box)).getFirst());
        assertArrayEquals(
                new double[] {5, 10, 75.5, 60.25}, coco.annotation(box).bbox());
        assertEquals(
                (double) Rle.fromPolygons(
                                EditTestData.polygons(coco.annotation(box)),
                                coco.image(img).height(),
                                coco.image(img).width())
                        .area(),
                coco.annotation(box).area());
        // dragged past the opposite corner (5, 10): the box spans both, still a box
        ed.boxes().moveBoxCorner(box, 1, 0, 30, "top-right past");
        assertArrayEquals(
                new double[] {0, 30, 5, 30, 5, 70.25, 0, 70.25},
                EditTestData.polygons(coco.annotation(box)).getFirst());
        assertTrue(ShapeGeometry.isBoxPolygon(coco.annotation(box)));
        assertFalse(
                ShapeGeometry.isBoxPolygon(EditTestData.polygonAnnotations(coco).getFirst()));

        // a person's polygons: the bottom-right corner dragged, the top-left fixed, the shape scaled with the box
        CocoAnnotation person = EditTestData.polygonAnnotations(coco).getFirst();
        double[] pb = ShapeGeometry.extent(EditTestData.polygons(person));
        ed.boxes().moveBoxCorner(person.id(), 2, pb[0] + pb[2] - 10, pb[1] + pb[3] - 20, "bottom-right");
        CocoAnnotation smaller = coco.annotation(person.id());
        assertArrayEquals(new double[] {pb[0], pb[1], pb[2] - 10, pb[3] - 20}, smaller.bbox(), 1e-9);
        assertArrayEquals(smaller.bbox(), ShapeGeometry.extent(EditTestData.polygons(smaller)), "bbox = extent");
        assertEquals((double) coco.annToRle(smaller).area(), smaller.area(), "area = rasterised polygons");
        // the same annotation as a mask: the bbox follows the resampled mask to whole pixels
        ed.polygons().convertToMask(person.id(), "mask");
        double[] mb = coco.annotation(person.id()).bbox();
        ed.boxes().moveBoxCorner(person.id(), 0, mb[0] - 8, mb[1] - 4, "top-left");
        CocoAnnotation grown = coco.annotation(person.id());
        assertArrayEquals(new double[] {mb[0] - 8, mb[1] - 4, mb[2] + 8, mb[3] + 4}, grown.bbox());
        assertArrayEquals(coco.annToRle(grown).toBbox(), grown.bbox());
        assertEquals((double) coco.annToRle(grown).area(), grown.area());

        // a box without segmentation: bbox and area
        long bare = ed.keypoints().addKeypointInstance(img, 1, new double[] {100, 100, 20, 30}, "bare");
        ed.boxes().moveBoxCorner(bare, 3, 90, 150, "bottom-left");
        assertArrayEquals(new double[] {90, 100, 30, 50}, coco.annotation(bare).bbox());
        assertEquals(1500.0, coco.annotation(bare).area());
    }

    @Test
    void scalingTheBoxScalesPolygonsMasksAndKeypoints() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation a = EditTestData.polygonAnnotations(coco).stream()
                .filter(x -> x.numKeypoints() > 0)
                .findFirst()
                .orElseThrow();
        CocoImage im = coco.image(a.imageId());
        List<double[]> polys = EditTestData.polygons(a);
        double[] e = ShapeGeometry.extent(polys);
        double[] to = {e[0] + 5, e[1] + 3, e[2] / 2, e[3] / 2};
        ed.boxes().scaleToBox(a.id(), to, "scale");
        CocoAnnotation s = coco.annotation(a.id());
        List<double[]> scaled = EditTestData.polygons(s);
        for (int i = 0; i < polys.size(); i++) {
            for (int j = 0; j < polys.get(i).length; j += 2) {
                assertEquals(to[0] + (polys.get(i)[j] - e[0]) / 2, scaled.get(i)[j], 1e-9);
                assertEquals(to[1] + (polys.get(i)[j + 1] - e[1]) / 2, scaled.get(i)[j + 1], 1e-9);
            }
        }
        assertArrayEquals(to, s.bbox(), 1e-9, "the box is the new extent");
        assertEquals((double) Rle.fromPolygons(scaled, im.height(), im.width()).area(), s.area());
        for (int k = 0; k < 17; k++) {
            if (a.keypoints()[3 * k + 2] == 0) continue;
            assertEquals(to[0] + (a.keypoints()[3 * k] - e[0]) / 2, s.keypoints()[3 * k], 1e-9);
        }
        ed.undo();
        assertSame(a, coco.annotation(a.id()));

        // an RLE L-shape doubled: every source pixel becomes a 2 x 2 block (nearest neighbour)
        int w = im.width(), h = im.height();
        byte[] m = new byte[h * w];
        for (int y = 10; y < 20; y++) m[y * w + 10] = 1;
        for (int x = 10; x < 16; x++) m[19 * w + x] = 1;
        long id = ed.brush().paint(-1, im.id(), 1, new double[] {10.5, 10.5}, 0.5, true, "dot");
        // the rest of the L with the brush, one pixel centre at a time (radius 0.5 paints exactly that pixel)
        for (int y = 10; y < 20; y++) ed.brush().paint(id, 0, 1, new double[] {10.5, y + 0.5}, 0.5, true, "L");
        for (int x = 10; x < 16; x++) ed.brush().paint(id, 0, 1, new double[] {x + 0.5, 19.5}, 0.5, true, "L");
        assertArrayEquals(m, coco.annToRle(coco.annotation(id)).decode());
        ed.boxes().scaleToBox(id, new double[] {30, 40, 12, 20}, "double");
        byte[] big = coco.annToRle(coco.annotation(id)).decode();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = x >= 30 && x < 42 && y >= 40 && y < 60;
                byte want = inside ? m[(10 + (y - 40) / 2) * w + 10 + (x - 30) / 2] : 0;
                assertEquals(want, big[y * w + x], "pixel " + x + "," + y);
            }
        }
        assertArrayEquals(new double[] {30, 40, 12, 20}, coco.annotation(id).bbox());
        assertEquals(2.0 * 2 * 15, coco.annotation(id).area());
    }

    @Test
    void aStrokeAwayFromTheSelectedAnnotationStartsANewOne() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor ed = new AnnotationEditor(coco);
        long img = coco.images().getFirst().id();
        long box = ed.addPolygons(img, 1, List.of(new double[] {10, 20, 60, 20, 60, 50, 10, 50}), "box");
        CocoAnnotation drawn = coco.annotation(box);
        int n = coco.annotations().size();

        // the box covers pixel columns 10..59; a radius-2 stroke at x = 63.5 paints columns 61..65: column 60 apart
        double[] far = {63.5, 30.5, 63.5, 40.5};
        assertFalse(ed.brush().strokeTouches(box, far, 2));
        long made = ed.brush().paint(box, img, 1, far, 2, true, "paint");
        assertNotEquals(box, made, "a new annotation");
        assertSame(drawn, coco.annotation(box), "the box is untouched");
        assertEquals(n + 1, coco.annotations().size());
        assertEquals(1, coco.annotation(made).categoryId());
        assertEquals(0, coco.annotation(made).iscrowd());

        // at x = 62.5 it paints columns 60..64, next to the box's column 59: merged into the box
        double[] near = {62.5, 30.5, 62.5, 40.5};
        assertTrue(ed.brush().strokeTouches(box, near, 2));
        assertEquals(box, ed.brush().paint(box, img, 1, near, 2, true, "paint"));
        assertEquals(n + 1, coco.annotations().size());
        assertTrue(coco.annotation(box).area() > drawn.area());
        // erasing away from it changes nothing and makes nothing
        assertEquals(-1, ed.brush().paint(box, img, 1, new double[] {300.5, 300.5}, 2, false, "erase"));
    }
}
