package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConfusionMatrix}: class-agnostic COCO matching, background row and column, crowd regions ignored. */
class ConfusionMatrixTest {

    @Test
    void countsWhatEachTruthWasDetectedAsAndWhatEachDetectionWas(@TempDir Path tmp) throws Exception {
        Path gtFile = tmp.resolve("gt.json");
        Files.writeString(gtFile, """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 400, "height": 400},
                            {"id": 2, "file_name": "b.jpg", "width": 400, "height": 400}],
                 "categories": [{"id": 5, "name": "cat"}, {"id": 9, "name": "dog"}],
                 "annotations": [
                  {"id": 1, "image_id": 1, "category_id": 5, "bbox": [0, 0, 100, 100], "area": 10000, "iscrowd": 0},
                  {"id": 2, "image_id": 1, "category_id": 9, "bbox": [200, 200, 50, 50], "area": 2500, "iscrowd": 0},
                  {"id": 3, "image_id": 1, "category_id": 5, "bbox": [300, 0, 100, 100], "area": 10000, "iscrowd": 1},
                  {"id": 4, "image_id": 2, "category_id": 9, "bbox": [10, 10, 80, 80], "area": 6400, "iscrowd": 0}]}
                """);
        Path dtFile = tmp.resolve("dt.json");
        Files.writeString(dtFile, """
                [{"image_id": 1, "category_id": 9, "bbox": [2, 0, 100, 100], "score": 0.9},
                 {"image_id": 1, "category_id": 5, "bbox": [310, 10, 20, 20], "score": 0.8},
                 {"image_id": 1, "category_id": 9, "bbox": [0, 300, 40, 40], "score": 0.7},
                 {"image_id": 2, "category_id": 9, "bbox": [10, 10, 80, 80], "score": 0.6},
                 {"image_id": 2, "category_id": 5, "bbox": [12, 10, 80, 80], "score": 0.5},
                 {"image_id": 2, "category_id": 5, "bbox": [10, 10, 80, 80], "score": 0.01}]
                """);
        CocoDataset gt = CocoReader.read(gtFile);
        List<CocoResult> dt = CocoResults.read(dtFile, gt);
        ConfusionMatrix m = ConfusionMatrix.compute(gt, dt, IouType.BBOX, 0.5, 0.05);
        assertArrayEquals(new long[] {5, 9}, m.categoryIds());
        assertArrayEquals(new String[] {"cat", "dog"}, m.categoryNames());
        int bg = m.background();
        long[][] expected = {
            // predicted: cat, dog, background
            {0, 1, 0}, // ground-truth cat 1 was detected as a dog (dt 1)
            {0, 1, 1}, // dog 4 found (dt 4); dog 2 missed
            {1, 1, 0}, // dt 5 (cat, a duplicate on dog 4) and dt 3 (dog, on nothing) match no ground truth
        };
        for (int r = 0; r <= bg; r++) {
            for (int c = 0; c <= bg; c++) assertEquals(expected[r][c], m.count(r, c), "cell " + r + "," + c);
        }
        // dt 2 lies on the crowd region and counts nowhere; dt 6 is below the score threshold
        assertEquals(List.of(new ConfusionMatrix.Entry(1, 1L, 1L)), m.entries(0, 1));
        assertEquals(List.of(new ConfusionMatrix.Entry(1, 2L, null)), m.entries(1, bg));
        assertEquals(List.of(new ConfusionMatrix.Entry(1, null, 3L)), m.entries(bg, 1));
        assertEquals(List.of(new ConfusionMatrix.Entry(2, null, 5L)), m.entries(bg, 0));
        // with every score the low one is a second duplicate
        assertEquals(2, ConfusionMatrix.compute(gt, dt, IouType.BBOX, 0.5, 0).count(bg, 0));
    }

    @Test
    void everyCountedTruthAndDetectionAppearsOnce() throws Exception {
        Path dir = Path.of(getClass().getResource("pycocotools-cases/case009").toURI());
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        List<CocoResult> dt = CocoResults.read(dir.resolve("dt.json"), gt);
        ConfusionMatrix m = ConfusionMatrix.compute(gt, dt, IouType.SEGM, 0.5, 0);
        long[] cats = m.categoryIds();
        int bg = m.background();
        for (int k = 0; k < cats.length; k++) {
            long cat = cats[k];
            long truths = gt.annotations().stream()
                    .filter(a -> a.categoryId() == cat && !a.isCrowd())
                    .count();
            long row = 0;
            for (int c = 0; c <= bg; c++) row += m.count(k, c);
            assertEquals(truths, row, "category " + cat);
            long detections = dt.stream().filter(r -> r.categoryId() == cat).count();
            long col = 0;
            for (int r = 0; r <= bg; r++) col += m.count(r, k);
            assertTrue(col <= detections && col > 0, "category " + cat + ": " + col + " of " + detections);
        }
        long matched = 0;
        for (int r = 0; r < bg; r++) for (int c = 0; c < bg; c++) matched += m.count(r, c);
        assertTrue(matched > 0);
    }
}
