package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.model.io.PthWriter;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WeightsClasses}: the box predictor's class count read from a torch.save file written by {@link PthWriter}, the
 * shared person set's class count per architecture, and the line the health check shows.
 */
class WeightsClassesTest {
    @TempDir
    Path tmp;

    private static final Path PERSON = SharedData.root().resolve("data/coco-person-kp/test_coco.json");

    @Test
    void readsTheBoxPredictorsRows() throws IOException {
        Path pth = tmp.resolve("w.pth");
        Path backbone = tmp.resolve("backbone.pth");
        try (NDManager m = NDManager.newBaseManager()) {
            PthWriter.write(
                    pth,
                    Map.of(
                            WeightsClasses.KEY,
                            m.zeros(new Shape(5, 16)),
                            "roi_heads.box_predictor.cls_score.bias",
                            m.zeros(new Shape(5))));
            PthWriter.write(backbone, Map.of("backbone.body.conv1.weight", m.zeros(new Shape(2, 3, 1, 1))));
        }
        assertEquals(5, WeightsClasses.count(pth));
        assertEquals(-1, WeightsClasses.count(backbone));
        IOException e = assertThrows(IOException.class, () -> WeightsClasses.count(tmp.resolve("none.pth")));
        assertTrue(e.getMessage().contains("none.pth"), e.getMessage());
    }

    @Test
    void comparesWithTheTrainingSet() throws IOException {
        CocoDataset person = CocoReader.read(PERSON);
        assertEquals(
                person.categories().size() + 1, WeightsClasses.ofDataset(person, Architecture.MASKRCNN_RESNET50_FPN));
        assertEquals(2, WeightsClasses.ofDataset(person, Architecture.KEYPOINTRCNN_RESNET50_FPN));
        assertEquals("", WeightsClasses.compare(2, 2));
        assertEquals(
                "the weights have 90 classes, the training set 1: the box and mask predictors start fresh "
                        + "(re-initialised), the rest is fine-tuned",
                WeightsClasses.compare(91, 2));
        assertTrue(WeightsClasses.compare(-1, 2).startsWith("the weights have no box predictor"));
    }
}
