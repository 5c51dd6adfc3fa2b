package dev.masklab.app.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.KeypointConfidence;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keypoint scores used (#16 part 6): a keypoint prediction read from a results file with {@code keypoint_scores}
 * (the shared person 785's keypoints as the model's, scores -4, -3, ..., 12) accepted and saved: exactly the keypoints
 * scoring below the display panel's threshold are unlabelled (0, 0, 0) in the saved file, the others visible.
 */
class AcceptedKeypointScoresTest {
    static final Path PERSON = SharedData.root().resolve("data/coco-person-kp/test_coco.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keypointsBelowTheThresholdAreSavedUnlabelled(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        JsonNode gt = JSON.readTree(PERSON.toFile());
        JsonNode person = null;
        for (JsonNode a : gt.get("annotations")) if (a.get("image_id").asLong() == 785) person = a;
        assertNotNull(person);
        ArrayNode results = JSON.createArrayNode();
        for (int shift = 0; shift < 2; shift++) { // two detections: the keypoints, and them moved 3 px right
            ObjectNode r = results.addObject();
            r.put("image_id", 785).put("category_id", 1).put("score", 0.9 - shift * 0.1);
            ArrayNode box = r.putArray("bbox");
            for (int i = 0; i < 4; i++) box.add(person.get("bbox").get(i).asDouble() + (i == 0 ? 3 * shift : 0));
            ArrayNode k = r.putArray("keypoints");
            ArrayNode s = r.putArray("keypoint_scores");
            for (int i = 0; i < 17; i++) {
                k.add(person.get("keypoints").get(3 * i).asDouble() + 3 * shift);
                k.add(person.get("keypoints").get(3 * i + 1).asDouble());
                k.add(1);
                s.add(i - 4.0);
            }
        }
        Path preds = tmp.resolve("preds.json");
        JSON.writeValue(preds.toFile(), results);

        MainViewModel vm = new MainViewModel(new DatasetDocument(new ScriptedDialogs(), new DirectTaskExecutor()));
        assertNotNull(vm.document().open(file).get());
        vm.predictions().setPredictions(new DatasetService().loadPredictions(preds, vm.getDataset()));
        vm.predictions().scoreThresholdProperty().set(0.0);
        assertEquals(
                KeypointConfidence.DEFAULT_THRESHOLD,
                vm.layers().keypointScoreThresholdProperty().get());
        Instance first = vm.shown().shownPredictionsProperty().get().get(0);
        assertEquals(0.9, first.score(), 1e-12);
        vm.selection().selectedProperty().set(first);
        assertTrue(vm.review().acceptSelected());
        long firstId = vm.shown().shownGroundTruthProperty().get().getLast().id();
        // another threshold in the display panel: the next accept follows it
        vm.layers().keypointScoreThresholdProperty().set(7.5);
        vm.selection()
                .selectedProperty()
                .set(vm.shown().shownPredictionsProperty().get().get(0));
        assertTrue(vm.review().acceptSelected());
        long secondId = vm.shown().shownGroundTruthProperty().get().getLast().id();
        vm.document().save().get();

        JsonNode saved = JSON.readTree(file.toFile());
        assertKeypoints(saved, firstId, person, 0, 2.0);
        assertKeypoints(saved, secondId, person, 3, 7.5);
    }

    /** Keypoint i (score i - 4) is 0, 0, 0 below {@code threshold}, else the predicted point with v = 2. */
    static void assertKeypoints(JsonNode saved, long id, JsonNode person, int shift, double threshold) {
        JsonNode a = null;
        for (JsonNode n : saved.get("annotations")) if (n.get("id").asLong() == id) a = n;
        assertNotNull(a, "annotation " + id + " saved");
        int labelled = 0;
        for (int i = 0; i < 17; i++) {
            JsonNode k = a.get("keypoints");
            if (i - 4.0 < threshold) {
                assertEquals(0, k.get(3 * i).asDouble(), "keypoint " + i);
                assertEquals(0, k.get(3 * i + 1).asDouble());
                assertEquals(0, k.get(3 * i + 2).asInt(), "keypoint " + i + " below " + threshold + ": unlabelled");
            } else {
                labelled++;
                assertEquals(
                        person.get("keypoints").get(3 * i).asDouble() + shift,
                        k.get(3 * i).asDouble());
                assertEquals(
                        person.get("keypoints").get(3 * i + 1).asDouble(),
                        k.get(3 * i + 1).asDouble());
                assertEquals(2, k.get(3 * i + 2).asInt(), "keypoint " + i + ": visible");
            }
        }
        assertEquals(labelled, a.get("num_keypoints").asInt());
        assertEquals(threshold == 2.0 ? 11 : 5, labelled);
    }
}
