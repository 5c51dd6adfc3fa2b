package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.MaskPolygons;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks to editable polygons (tolerance, vertex count, IoU) and polygons to exact RLE, on the shared data. */
class MaskConversionTest {

    @Test
    void polygonsBecomeExactlyPycocotoolsRle() throws Exception {
        for (Path file : List.of(EditTestData.PERSON, EditTestData.LABELME)) {
            CocoDataset coco = EditTestData.read(file);
            AnnotationEditor ed = new AnnotationEditor(coco);
            for (CocoAnnotation a : EditTestData.polygonAnnotations(coco)) {
                CocoImage im = coco.image(a.imageId());
                Rle expected = Rle.fromPolygons(EditTestData.polygons(a), im.height(), im.width());
                ed.polygons().convertToMask(a.id(), "to mask");
                CocoAnnotation m = coco.annotation(a.id());
                Segmentation.CompressedRle c = assertInstanceOf(Segmentation.CompressedRle.class, m.segmentation());
                assertEquals(expected.toCompressedString(), c.counts(), "the merged pycocotools rasterisation");
                assertEquals(im.height(), c.h());
                assertEquals(im.width(), c.w());
                assertEquals((double) expected.area(), m.area());
                assertArrayEquals(expected.toBbox(), m.bbox());
                assertThrows(IllegalArgumentException.class, () -> ed.polygons().convertToMask(a.id(), "twice"));
            }
        }
    }

    @Test
    void masksBecomePolygonsWithFewerVerticesAsTheToleranceRisesAndIouAbove95AtOnePixel() throws Exception {
        LoadedDataset ds = EditTestData.loadPerson();
        CocoDataset coco = ds.coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        // accepted predictions (RLE as the model gave them) and brush-like RLE masks of every annotation
        List<Long> ids = new java.util.ArrayList<>();
        for (Instance p : EditTestData.predictionsWithMasks(EditTestData.personPredictions(ds))) {
            if (p.mask()
                            .decode(
                                    coco.image(p.imageId()).height(),
                                    coco.image(p.imageId()).width())
                            .length
                    > 0) {
                long id = ed.accept(p, "accept");
                if (coco.annotation(id).area() > 0) ids.add(id);
            }
        }
        for (CocoAnnotation a : EditTestData.polygonAnnotations(coco)) {
            ed.polygons().convertToMask(a.id(), "to mask");
            ids.add(a.id());
        }
        assertTrue(ids.size() > 20, "masks: " + ids.size());
        for (long id : ids) {
            CocoAnnotation before = coco.annotation(id);
            Rle mask = coco.annToRle(before);
            MaskPolygons traced = ed.polygons().tracePolygons(id);
            int previous = Integer.MAX_VALUE;
            for (double tol : new double[] {0, 0.5, 1, 2, 4}) {
                MaskPolygons.Fit f = traced.fit(tol);
                assertTrue(f.vertexCount() <= previous, tol + " px: " + f.vertexCount() + " > " + previous);
                previous = f.vertexCount();
            }
            assertTrue(traced.fit(4).vertexCount() < traced.fit(0).vertexCount());
            MaskPolygons.Fit fit = ed.polygons().convertToPolygons(id, 1, "to polygons");
            assertTrue(fit.iou() >= 0.95, "IoU at 1 px " + fit.iou() + " for #" + id);
            CocoAnnotation p = coco.annotation(id);
            List<double[]> polys = EditTestData.polygons(p);
            assertEquals(fit.polygons().size(), polys.size());
            for (int i = 0; i < polys.size(); i++)
                assertArrayEquals(fit.polygons().get(i), polys.get(i));
            Rle raster = coco.annToRle(p);
            assertEquals(fit.rasterised(), raster);
            assertEquals((double) raster.area(), p.area());
            assertArrayEquals(ShapeGeometry.extent(polys), p.bbox());
            double iou = Rle.iou(List.of(raster), List.of(mask), null)[0][0];
            assertEquals(iou, fit.iou(), 1e-12, "the IoU the slider shows is the rasterised polygons' IoU");
            ed.undo();
            assertSame(before, coco.annotation(id), "undo gives the mask back");
        }
    }

    @Test
    void crowdRegionsAndPolygonsAreNotConvertedToPolygons() throws Exception {
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor ed = new AnnotationEditor(coco);
        CocoAnnotation a = EditTestData.polygonAnnotations(coco).getFirst();
        assertThrows(
                IllegalArgumentException.class, () -> ed.polygons().convertToPolygons(a.id(), 1, "polygons already"));
        ed.setCrowd(a.id(), true, "crowd");
        assertThrows(IllegalArgumentException.class, () -> ed.polygons().convertToPolygons(a.id(), 1, "crowd"));
        assertEquals(1, ed.history().size());
    }
}
