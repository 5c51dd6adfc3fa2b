package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code masklab stats} run in-process. */
class StatsCommandTest {
    static final Path SHARED = SharedData.root();

    @TempDir
    Path tmp;

    @Test
    void countsOfTheCrowdFixture() {
        ConvertCommandTest.Run r = ConvertCommandTest.run(
                "stats",
                SHARED.resolve("fixtures/coco-eval/person-s3-crowd/gt.json").toString(),
                "--time");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("images: 4\n"), out);
        assertTrue(out.contains("annotations: 14 (crowd 2; polygons 12, RLE 2, no segmentation 0)"), out);
        assertTrue(out.contains("images without annotations: 0"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1\\s+person\\s+14\\s+2\\s+4\\n.*"), out);
        assertTrue(out.contains("load time: "), out);
        assertTrue(out.contains("problems: 0"), out);
    }

    @Test
    void problemsAndEmptyImagesAreListed() throws IOException {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, """
                {"images": [{"id": 1, "width": 10, "height": 8}, {"id": 2, "width": 10, "height": 8}],
                 "categories": [{"id": 3, "name": "cat"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "segmentation": [[1, 1, 2, 2]]},
                                 {"id": 2, "image_id": 7, "category_id": 3}]}""");
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("images without annotations: 1"), r.out());
        assertTrue(r.out().contains("problems: 2"), r.out());
        assertTrue(r.out().contains(f + ": annotations[0].segmentation[0]: polygon has 2 points"), r.out());
        assertTrue(r.out().contains(f + ": annotations[1].image_id: annotation 2 names image 7"), r.out());
    }

    @Test
    void unreadableFileIsOneLineExit2() throws IOException {
        Path f = tmp.resolve("broken.json");
        Files.writeString(f, "{\"images\": [");
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats", f.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("stats: " + f + ": "), r.err());
        assertTrue(r.err().contains("malformed JSON"), r.err());
    }

    /** Images and annotations that break each of the trainer's rules once. */
    static final String UNHEALTHY = """
            {"images": [{"id": 1, "file_name": "empty.jpg", "width": 100, "height": 80},
                        {"id": 2, "file_name": "tiny.jpg", "width": 100, "height": 80},
                        {"id": 3, "file_name": "few-kps.jpg", "width": 100, "height": 80},
                        {"id": 4, "file_name": "good.jpg", "width": 200, "height": 100}],
             "categories": [{"id": 1, "name": "person", "keypoints": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
                              "k"]},
                            {"id": 2, "name": "ball"}, {"id": 3, "name": "crowd-only"}],
             "annotations": [
              {"id": 10, "image_id": 2, "category_id": 2, "bbox": [5, 5, 1, 1], "area": 1, "iscrowd": 0},
              {"id": 11, "image_id": 3, "category_id": 1, "bbox": [10, 10, 50, 40], "area": 2000, "iscrowd": 0,
               "keypoints": [1,1,2, 2,2,2, 3,3,2, 4,4,1, 5,5,1, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0, 0,0,0],
               "num_keypoints": 5},
              {"id": 12, "image_id": 4, "category_id": 1, "bbox": [0, 0, 200, 100], "area": 20000, "iscrowd": 0,
               "keypoints": [1,1,2, 2,2,2, 3,3,2, 4,4,1, 5,5,1, 6,6,2, 7,7,2, 8,8,2, 9,9,2, 10,10,2, 11,11,2],
               "num_keypoints": 11},
              {"id": 13, "image_id": 4, "category_id": 2, "bbox": [250, 10, 20, 20], "area": 400, "iscrowd": 0},
              {"id": 14, "image_id": 4, "category_id": 3, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 1},
              {"id": 15, "image_id": 4, "category_id": 2, "area": 50, "iscrowd": 0}]}""";

    @Test
    void trainingCheckAppliesTheTrainersRules() throws IOException {
        Path f = tmp.resolve("unhealthy.json");
        Files.writeString(f, UNHEALTHY);
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats", f.toString(), "--training", "--json");
        assertEquals(0, r.code(), r.err());
        com.fasterxml.jackson.databind.JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(4, h.get("images").asInt());
        assertEquals("{\"0\":1,\"1\":2,\"4\":1}", h.get("objectsPerImage").toString());
        assertEquals("{\"100x80\":3,\"200x100\":1}", h.get("imageSizes").toString());
        assertEquals(
                "[{\"image_id\":1,\"file_name\":\"empty.jpg\",\"reason\":\"no annotation of a training "
                        + "category\"},{\"image_id\":2,\"file_name\":\"tiny.jpg\",\"reason\":\"only boxes of a pixel or "
                        + "less\"}]",
                h.get("skipped").toString());
        assertEquals(
                "[{\"image_id\":1,\"file_name\":\"empty.jpg\",\"reason\":\"no annotation of a training "
                        + "category\"},{\"image_id\":2,\"file_name\":\"tiny.jpg\",\"reason\":\"no annotation of a training "
                        + "category\"},{\"image_id\":3,\"file_name\":\"few-kps.jpg\",\"reason\":\"fewer than 10 visible "
                        + "keypoints\"}]",
                h.get("skippedKeypoints").toString());
        assertEquals("[13]", h.get("droppedAnnotations").toString()); // its box lies right of the image
        assertEquals("[15]", h.get("annotationsWithoutBbox").toString());
        assertEquals(
                "[{\"id\":3,\"name\":\"crowd-only\"}]",
                h.get("categoriesWithoutInstances").toString());
        assertEquals(
                "{\"id\":2,\"name\":\"ball\",\"small\":3,\"medium\":0,\"large\":0}",
                h.get("sizeClasses").get(1).toString());
        // box centres: (5.5, 5.5) of 100x80 -> cell (0, 0); (35, 30) -> (2, 3); (100, 50) of 200x100 -> (4, 4);
        // (260, 20) -> clamped to column 7, row 1; (20, 20) -> (0, 1)
        int[][] grid = new int[8][8];
        grid[0][0]++;
        grid[3][2]++;
        grid[4][4]++;
        grid[1][7]++;
        grid[1][0]++;
        assertEquals(
                java.util.Arrays.deepToString(grid).replace(" ", ""),
                h.get("centreGrid").toString());

        // the text form says the same; without --training the output is today's
        ConvertCommandTest.Run text = ConvertCommandTest.run("stats", f.toString(), "--training");
        assertEquals(0, text.code(), text.err());
        ConvertCommandTest.Run plain = ConvertCommandTest.run("stats", f.toString());
        assertTrue(text.out().startsWith(plain.out()), text.out());
        String extra = text.out().substring(plain.out().length());
        assertTrue(
                extra.contains("images a Mask R-CNN training set skips: 2\n  image 1 (empty.jpg): no annotation"),
                extra);
        assertTrue(extra.contains("images a Keypoint R-CNN training set skips: 3\n"), extra);
        assertTrue(extra.contains("annotations without bbox (training stops on them): 1 (ids 15)"), extra);
        assertTrue(extra.contains("categories without instances: 1 (3 'crowd-only')"), extra);
        assertTrue(!plain.out().contains("training check"), plain.out());
    }

    @Test
    void aValidationSetWithOtherCategoriesIsAnError() throws IOException {
        Path f = tmp.resolve("train.json");
        Files.writeString(f, UNHEALTHY);
        Path same = tmp.resolve("val.json");
        Files.writeString(same, UNHEALTHY.replace("\"good.jpg\"", "\"other.jpg\""));
        ConvertCommandTest.Run ok =
                ConvertCommandTest.run("stats", f.toString(), "--training", "--val", same.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("validation set " + same + ": same categories"), ok.out());

        Path other = tmp.resolve("other.json");
        Files.writeString(
                other,
                UNHEALTHY
                        .replace("\"name\": \"ball\"", "\"name\": \"balloon\"")
                        .replace("{\"id\": 3, \"name\": \"crowd-only\"}", "{\"id\": 4, \"name\": \"kite\"}"));
        ConvertCommandTest.Run bad =
                ConvertCommandTest.run("stats", f.toString(), "--training", "--val", other.toString());
        assertEquals(2, bad.code());
        assertEquals("", bad.out());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(
                bad.err()
                        .contains("--val " + other + ": its categories differ from " + f + "'s (2 is 'ball' here, "
                                + "'balloon' there; missing 3 'crowd-only'; extra 4 'kite')"),
                bad.err());

        ConvertCommandTest.Run noTraining = ConvertCommandTest.run("stats", f.toString(), "--val", same.toString());
        assertEquals(2, noTraining.code());
        assertTrue(noTraining.err().contains("--val applies to --training only"), noTraining.err());
    }
}
