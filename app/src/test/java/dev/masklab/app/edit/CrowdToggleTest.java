package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.LoadedDataset;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iscrowd toggles: crowd regions as uncompressed RLE, the same pixels, toggled twice the original annotation. */
class CrowdToggleTest {
    @TempDir
    Path tmp;

    @Test
    void polygonsBecomeUncompressedRleAndComeBackExactly() throws Exception {
        for (Path file : java.util.List.of(EditTestData.PERSON, EditTestData.LABELME)) {
            CocoDataset coco = EditTestData.read(file);
            byte[] original = EditTestData.bytes(coco);
            AnnotationEditor ed = new AnnotationEditor(coco);
            for (CocoAnnotation a : EditTestData.polygonAnnotations(coco)) {
                Rle mask = coco.annToRle(a);
                assertTrue(ed.setCrowd(a.id(), true, "crowd"));
                CocoAnnotation c = coco.annotation(a.id());
                assertEquals(1, c.iscrowd());
                Segmentation.UncompressedRle u = assertInstanceOf(Segmentation.UncompressedRle.class, c.segmentation());
                assertArrayEquals(mask.counts(), u.counts(), "the rasterised polygons' runs");
                assertEquals(a.area(), c.area(), "same pixels, same area field");
                assertArrayEquals(a.bbox(), c.bbox());
                assertFalse(ed.setCrowd(a.id(), true, "again"), "already crowd: no edit");
                assertTrue(ed.setCrowd(a.id(), false, "not crowd"));
                assertEquals(0, coco.annotation(a.id()).iscrowd());
                assertEquals(a.segmentation(), coco.annotation(a.id()).segmentation(), "the polygons come back");
            }
            assertArrayEquals(original, EditTestData.bytes(coco), "toggled twice: the original file");
            while (ed.undo() != null) {}
            assertArrayEquals(original, EditTestData.bytes(coco));
        }
    }

    @Test
    void anRleMaskRoundTripsAndACrowdRegionIsSavedUncompressed() throws Exception {
        LoadedDataset ds = EditTestData.loadPerson();
        CocoDataset coco = ds.coco();
        AnnotationEditor ed = new AnnotationEditor(coco);
        long id = ed.accept(
                EditTestData.predictionsWithMasks(EditTestData.personPredictions(ds))
                        .getFirst(),
                "accept");
        CocoAnnotation accepted = coco.annotation(id);
        byte[] before = EditTestData.bytes(coco);
        Rle mask = coco.annToRle(accepted);

        ed.setCrowd(id, true, "crowd");
        Path file = tmp.resolve("crowd.json");
        ed.save(file);
        CocoAnnotation reread = CocoReader.read(file).annotation(id);
        assertEquals(1, reread.iscrowd());
        Segmentation.UncompressedRle u = assertInstanceOf(Segmentation.UncompressedRle.class, reread.segmentation());
        assertArrayEquals(mask.counts(), u.counts());

        ed.setCrowd(id, false, "not crowd");
        assertEquals(accepted.segmentation(), coco.annotation(id).segmentation(), "the same compressed string");
        assertArrayEquals(before, EditTestData.bytes(coco));
        ed.undo();
        ed.undo();
        assertSame(accepted, coco.annotation(id));

        // a mask made crowd elsewhere (no polygon form known) comes back as compressed RLE of the same runs
        AnnotationEditor other = new AnnotationEditor(CocoReader.read(file));
        other.setCrowd(id, false, "not crowd");
        assertEquals(accepted.segmentation(), other.coco().annotation(id).segmentation());
        // a box without segmentation only changes its flag
        long box = ed.keypoints().addKeypointInstance(accepted.imageId(), 1, new double[] {10, 10, 30, 60}, "box");
        ed.setCrowd(box, true, "crowd box");
        assertEquals(1, coco.annotation(box).iscrowd());
        assertEquals(null, coco.annotation(box).segmentation());
    }
}
