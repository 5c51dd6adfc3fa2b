package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CocoResults follows pycocotools loadRes on the fixtures' detections. */
class CocoResultsTest {
    static final Path SHARED = SharedData.root();
    static final Path FIX = SHARED.resolve("fixtures/coco-eval/person-s1");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static CocoDataset gt() throws IOException {
        return CocoReader.read(SHARED.resolve("data/coco-person-kp/test_coco.json"));
    }

    @Test
    void boxResultsAreaIsBoxAreaAndIdsAreOneToN() throws IOException {
        CocoDataset gt = gt();
        List<CocoResult> rs = CocoResults.read(FIX.resolve("detections.json"), gt);
        JsonNode tree = JSON.readTree(FIX.resolve("detections.json").toFile());
        assertEquals(tree.size(), rs.size());
        for (int i = 0; i < rs.size(); i++) {
            CocoResult r = rs.get(i);
            JsonNode n = tree.get(i);
            assertEquals(i + 1, r.id());
            assertEquals(n.get("image_id").asLong(), r.imageId());
            assertEquals(n.get("score").asDouble(), r.score());
            double[] bb = r.bbox();
            assertEquals(n.get("bbox").get(2).asDouble() * n.get("bbox").get(3).asDouble(), r.area());
            assertEquals(n.get("bbox").get(0).asDouble(), bb[0]);
            Segmentation.CompressedRle s = assertInstanceOf(Segmentation.CompressedRle.class, r.segmentation());
            assertEquals(n.get("segmentation").get("counts").asText(), s.counts());
            assertEquals(n.get("keypoints").size(), r.keypoints().length);
        }
    }

    @Test
    void maskResultsTakeAreaAndBoxFromTheMask() throws IOException {
        CocoDataset gt = gt();
        ArrayNode tree =
                (ArrayNode) JSON.readTree(FIX.resolve("detections.json").toFile());
        for (JsonNode n : tree) {
            ((ObjectNode) n).remove("bbox");
            ((ObjectNode) n).remove("keypoints");
        }
        Path f = tmp.resolve("segm.json");
        JSON.writeValue(f.toFile(), tree);
        List<CocoResult> rs = CocoResults.read(f, gt);
        for (int i = 0; i < rs.size(); i++) {
            JsonNode seg = tree.get(i).get("segmentation");
            Rle rle = Rle.fromString(
                    seg.get("counts").asText(),
                    seg.get("size").get(0).asInt(),
                    seg.get("size").get(1).asInt());
            assertEquals(rle.area(), rs.get(i).area());
            assertArrayEquals(rle.toBbox(), rs.get(i).bbox());
            assertEquals(i + 1, rs.get(i).id());
        }
    }

    @Test
    void keypointResultsTakeTheKeypointExtent() throws IOException {
        Path f = tmp.resolve("kp.json");
        Files.writeString(f, """
                [{"image_id": 785, "category_id": 1, "score": 0.9, "keypoints": [10, 20, 1, 30, 5, 0, 15, 25, 2]}]""");
        CocoResult r = CocoResults.read(f, gt()).get(0);
        assertArrayEquals(new double[] {10, 5, 20, 20}, r.bbox());
        assertEquals(400, r.area());
        assertEquals(1, r.id());
    }

    @Test
    void keypointScoresAreReadWrittenAndCheckedAgainstTheKeypoints() throws IOException {
        Path f = tmp.resolve("kps.json");
        Files.writeString(f, """
                [{"image_id": 785, "category_id": 1, "score": 0.9, "keypoints": [10, 20, 1, 30, 5, 1],
                  "keypoint_scores": [4.5, -1.25]},
                 {"image_id": 785, "category_id": 1, "score": 0.8, "keypoints": [10, 20, 1, 30, 5, 1]}]""");
        List<CocoResult> rs = CocoResults.read(f, gt());
        assertArrayEquals(new double[] {4.5, -1.25}, rs.get(0).keypointScores());
        assertEquals(null, rs.get(1).keypointScores());
        Path back = tmp.resolve("back.json");
        CocoResults.write(rs, back);
        assertArrayEquals(
                new double[] {4.5, -1.25}, CocoResults.read(back, gt()).get(0).keypointScores());

        Files.writeString(f, """
                [{"image_id": 785, "category_id": 1, "score": 0.9, "keypoints": [10, 20, 1, 30, 5, 1],
                  "keypoint_scores": [4.5]}]""");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoResults.read(f, gt()));
        assertTrue(e.getMessage().contains("[0].keypoint_scores"), e.getMessage());
        assertTrue(e.getMessage().contains("1 scores for 2 keypoints"), e.getMessage());
    }

    @Test
    void boxResultWithoutMaskGetsTheBoxPolygon() throws IOException {
        Path f = tmp.resolve("box.json");
        Files.writeString(f, "[{\"image_id\": 785, \"category_id\": 1, \"score\": 0.5, \"bbox\": [10, 20, 30, 40]}]");
        CocoResult r = CocoResults.read(f, gt()).get(0);
        assertEquals(1200, r.area());
        assertEquals(Rle.fromBbox(new double[] {10, 20, 30, 40}, 425, 640), r.mask(425, 640));
    }

    @Test
    void unknownImageAndBadInputAreErrors() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(
                f,
                "[{\"image_id\": 785, \"category_id\": 1, \"score\": 0.5, \"bbox\": [1, 2, 3, 4]},"
                        + " {\"image_id\": 12345, \"category_id\": 1, \"score\": 0.5, \"bbox\": [1, 2, 3, 4]}]");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoResults.read(f, gt()));
        assertEquals("[1].image_id", e.jsonPath());
        assertTrue(e.getMessage().contains("12345"), e.getMessage());

        Files.writeString(f, "{\"image_id\": 785}");
        assertThrows(CocoFormatException.class, () -> CocoResults.read(f, gt()));
        Files.writeString(f, "[{\"image_id\": 785, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}]");
        assertEquals(
                "[0].score",
                assertThrows(CocoFormatException.class, () -> CocoResults.read(f, gt()))
                        .jsonPath());
        Files.writeString(
                f,
                "[{\"image_id\": 785, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                        + " {\"size\": [10, 10], \"counts\": \"PP\"}}]");
        assertEquals(
                "[0].segmentation.size",
                assertThrows(CocoFormatException.class, () -> CocoResults.read(f, gt()))
                        .jsonPath());
    }

    @Test
    void writeThenReadGivesTheSameResults() throws IOException {
        CocoDataset gt = gt();
        List<CocoResult> rs = CocoResults.read(FIX.resolve("detections.json"), gt);
        Path out = tmp.resolve("res.json");
        CocoResults.write(rs, out);
        assertEquals(JSON.readTree(FIX.resolve("detections.json").toFile()), JSON.readTree(out.toFile()));
        List<CocoResult> back = CocoResults.read(out, gt);
        for (int i = 0; i < rs.size(); i++) {
            assertEquals(rs.get(i).area(), back.get(i).area());
            assertEquals(rs.get(i).segmentation(), back.get(i).segmentation());
        }
    }
}
