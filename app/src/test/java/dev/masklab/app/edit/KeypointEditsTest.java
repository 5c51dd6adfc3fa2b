package dev.masklab.app.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.KeypointTemplate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Skeleton templates placed into boxes, keypoints deleted and made visible, num_keypoints consistent. */
class KeypointEditsTest {

    /** A 200 x 100 image, category 1 with keypoints a, b, c and two annotations labelling a and b. */
    private static CocoDataset threeKeypoints() {
        CocoDataset coco = new CocoDataset();
        coco.addImage(new CocoImage(7, "x.jpg", 200, 100));
        coco.addCategory(new CocoCategory(
                1, "thing", null, List.of("a", "b", "c"), new int[][] {{1, 2}}, new LinkedHashMap<>()));
        coco.addAnnotation(new CocoAnnotation(1, 7, 1)
                .setBbox(new double[] {10, 10, 20, 40})
                .setKeypoints(new double[] {10, 10, 2, 30, 50, 2, 0, 0, 0})
                .setNumKeypoints(2));
        coco.addAnnotation(new CocoAnnotation(2, 7, 1)
                .setBbox(new double[] {0, 0, 10, 10})
                .setKeypoints(new double[] {5, 5, 2, 10, 10, 1, 0, 0, 0})
                .setNumKeypoints(2));
        return coco;
    }

    @Test
    void templateIsTheDatasetMeanElseEvenlySpacedAndPlacedExactlyInTheBox() {
        CocoDataset coco = threeKeypoints();
        AnnotationEditor ed = new AnnotationEditor(coco);
        KeypointTemplate t = ed.keypoints().keypointTemplate(1);
        assertArrayEquals(
                new KeypointTemplate.Source[] {
                    KeypointTemplate.Source.DATASET_MEAN,
                    KeypointTemplate.Source.DATASET_MEAN,
                    KeypointTemplate.Source.EVENLY_SPACED
                },
                t.source());
        // a: (0, 0) and (0.5, 0.5) -> 0.25; b: (1, 1) twice; c: third of three on the ellipse
        double cu = 0.5 + 0.4 * Math.sin(4 * Math.PI / 3), cv = 0.5 - 0.4 * Math.cos(4 * Math.PI / 3);
        assertArrayEquals(new double[] {0.25, 0.25, 1, 1, cu, cv}, t.layout(), 1e-12);

        long id = ed.keypoints().addKeypointInstance(7, 1, new double[] {50, 20, 40, 60}, "new thing");
        CocoAnnotation a = coco.annotation(id);
        assertArrayEquals(new double[] {60, 35, 2, 90, 80, 2, 50 + cu * 40, 20 + cv * 60, 2}, a.keypoints(), 1e-12);
        assertEquals(3, a.numKeypoints());
        assertArrayEquals(new double[] {50, 20, 40, 60}, a.bbox());
        assertEquals(2400.0, a.area());
        assertEquals(0, a.iscrowd());
        assertNull(a.segmentation());

        // a box reaching out of the image is clipped first: (150, 50, 100, 100) -> (150, 50, 50, 50)
        ed.keypoints().placeKeypoints(id, new double[] {150, 50, 100, 100}, false, "place");
        assertArrayEquals(
                new double[] {162.5, 62.5, 2, 200, 100, 2, 150 + cu * 50, 50 + cv * 50, 2},
                coco.annotation(id).keypoints(),
                1e-12);

        // deleting, then making visible again: back at the template's place in the annotation's box
        ed.keypoints().deleteKeypoint(id, 1, "delete b");
        assertArrayEquals(
                new double[] {0, 0, 0}, Arrays.copyOfRange(coco.annotation(id).keypoints(), 3, 6));
        assertEquals(2, coco.annotation(id).numKeypoints());
        ed.keypoints().setKeypointVisibility(id, 1, 1, "b hidden");
        assertArrayEquals(
                new double[] {90, 80, 1},
                Arrays.copyOfRange(coco.annotation(id).keypoints(), 3, 6),
                "placed by the template in the annotation's box (50, 20, 40, 60)");
        assertEquals(3, coco.annotation(id).numKeypoints());
        ed.keypoints().setKeypointVisibility(id, 1, 2, "b visible");
        assertArrayEquals(
                new double[] {90, 80, 2}, Arrays.copyOfRange(coco.annotation(id).keypoints(), 3, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> ed.keypoints().deleteKeypoint(id, 3, "no such"));

        // keepLabelled places only the unlabelled keypoints
        ed.keypoints().deleteKeypoint(id, 2, "delete c");
        ed.keypoints().placeKeypoints(id, new double[] {0, 0, 100, 100}, true, "fill");
        assertArrayEquals(
                new double[] {162.5, 62.5, 2, 90, 80, 2, cu * 100, cv * 100, 2},
                coco.annotation(id).keypoints(),
                1e-12);
    }

    @Test
    void cocoPersonWithoutAnnotationsGetsTheUprightDefaultAndTheSharedDataItsMean() throws Exception {
        CocoDataset empty = new CocoDataset();
        empty.addImage(new CocoImage(1, "p.jpg", 640, 480));
        empty.addCategory(new CocoCategory(
                1, "person", "person", KeypointTemplate.COCO_PERSON_KEYPOINTS, null, new LinkedHashMap<>()));
        AnnotationEditor ed = new AnnotationEditor(empty);
        long id = ed.keypoints().addKeypointInstance(1, 1, new double[] {100, 100, 100, 200}, "person");
        double[] kp = empty.annotation(id).keypoints();
        assertEquals(51, kp.length);
        assertArrayEquals(new double[] {150, 116, 2}, Arrays.copyOfRange(kp, 0, 3), 1e-9, "nose");
        assertArrayEquals(new double[] {168, 140, 2}, Arrays.copyOfRange(kp, 15, 18), 1e-9, "left shoulder");
        assertArrayEquals(new double[] {138, 292, 2}, Arrays.copyOfRange(kp, 48, 51), 1e-9, "right ankle");
        assertEquals(17, empty.annotation(id).numKeypoints());

        // the shared person set labels all 17 keypoints somewhere: the template is their mean layout
        CocoDataset coco = EditTestData.read(EditTestData.PERSON);
        AnnotationEditor pe = new AnnotationEditor(coco);
        KeypointTemplate t = pe.keypoints().keypointTemplate(1);
        for (KeypointTemplate.Source s : t.source()) assertEquals(KeypointTemplate.Source.DATASET_MEAN, s);
        double[] sum = new double[2];
        int n = 0;
        for (CocoAnnotation a : coco.annotations()) { // the nose's mean, recomputed here
            double[] k = a.keypoints(), b = a.bbox();
            if (a.isCrowd() || k == null || k[2] <= 0) continue;
            sum[0] += (k[0] - b[0]) / b[2];
            sum[1] += (k[1] - b[1]) / b[3];
            n++;
        }
        assertArrayEquals(new double[] {sum[0] / n, sum[1] / n}, Arrays.copyOf(t.layout(), 2), 1e-12);

        // an existing instance without keypoints gets the whole skeleton in its own box
        CocoAnnotation noKp = coco.annotations().stream()
                .filter(a -> a.numKeypoints() == 0)
                .findFirst()
                .orElseThrow();
        pe.keypoints().placeKeypoints(noKp.id(), null, true, "place");
        CocoAnnotation placed = coco.annotation(noKp.id());
        assertEquals(17, placed.numKeypoints());
        for (int k = 0; k < 17; k++) {
            double[] at = t.position(k, noKp.bbox());
            CocoImage im = coco.image(noKp.imageId());
            assertEquals(Math.max(0, Math.min(im.width(), at[0])), placed.keypoints()[3 * k], 1e-12);
            assertEquals(Math.max(0, Math.min(im.height(), at[1])), placed.keypoints()[3 * k + 1], 1e-12);
        }
        assertArrayEquals(noKp.bbox(), placed.bbox(), "the box is not touched");

        // a drawn polygon of the person category has no keypoints field: setting one creates all 17, one labelled
        long drawn = pe.addPolygons(noKp.imageId(), 1, List.of(new double[] {10, 10, 50, 10, 50, 90}), "draw");
        assertNull(coco.annotation(drawn).keypoints());
        pe.setKeypoint(drawn, 5, 20, 30, 2, "left shoulder");
        double[] one = new double[51];
        one[15] = 20;
        one[16] = 30;
        one[17] = 2;
        assertArrayEquals(one, coco.annotation(drawn).keypoints());
        assertEquals(1, coco.annotation(drawn).numKeypoints());
        assertThrows(IllegalArgumentException.class, () -> pe.keypoints().keypointTemplate(99));
    }
}
