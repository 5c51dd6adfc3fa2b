package dev.masklab.app.canvas.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.prediction.ModelPrompter;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.app.prediction.WarmModel;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.predict.Instance;
import dev.masklab.predict.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The point prompt tool on a real Mask R-CNN (the torchvision-layout parity reference weights, {@code
 * bench/parity-references.sh}) through the app's {@link ModelPrompter} on the shared person image 785: a click on the
 * pixel under the most detections makes the pending prediction the highest-scoring detection whose mask contains the
 * point (of the image's full prediction, computed here independently), a second click the second one.
 */
class PointPromptModelTest {
    static final Path WEIGHTS =
            Path.of(System.getProperty("masklab.root", "..")).resolve("engine/target/parity/maskrcnn/model.pth");

    @Test
    void theClickedObjectsBestDetectionThenTheNext() throws Exception {
        assumeTrue(Files.isRegularFile(WEIGHTS), "no Mask R-CNN parity reference (bash bench/parity-references.sh)");
        ToolFixture f = new ToolFixture();
        ImageEntry image = f.vm.navigation().getCurrentImage();
        assertEquals("000000000785.jpg", image.fileName());
        try (WarmModel warm = new WarmModel(s -> Predictor.open(
                s.weights(), s.arch(), new Predictor.Options(s.scoreThreshold(), Device.cpu(), s.legacyEps())))) {
            Predictor model = warm.obtain(
                    new WarmModel.Spec(WEIGHTS, "maskrcnn_resnet50_fpn", 0.05f, DeviceChoice.CPU, false, "test"));
            // the full prediction, and the pixel under the most masks whose two best scores differ
            List<Instance> all = model.predict(Predictor.readImage(image.file()));
            int w = image.width(), h = image.height();
            int[] cover = new int[w * h];
            for (Instance in : all) {
                byte[] m = in.mask().decode();
                for (int q = 0; q < m.length; q++) cover[q] += m[q];
            }
            int best = 0;
            for (int q = 0; q < cover.length; q++) if (cover[q] > cover[best]) best = q;
            assertTrue(cover[best] >= 2, "a pixel under two detections (" + all.size() + " detections)");
            double x = best % w + 0.5, y = best / w + 0.5;
            List<Instance> under = all.stream()
                    .filter(in -> in.contains(x, y))
                    .sorted(Comparator.comparingDouble(Instance::score).reversed())
                    .toList();
            assertTrue(under.get(0).score() > under.get(1).score(), "two distinct best scores");

            f.vm.tools().pointPrompterProperty().set(new ModelPrompter(warm, new DirectTaskExecutor()));
            PointPromptTool t = new PointPromptTool(f);
            t.click(ToolFixture.at(x, y, false));
            dev.masklab.app.model.Instance first =
                    f.vm.selection().selectedProperty().get();
            assertTrue(first.prediction());
            assertTrue(contains(first, image, x, y), "its mask contains the clicked point");
            assertEquals(under.get(0).score(), first.score(), 1e-6, "the best score under the point");
            for (Instance in : under) assertTrue(in.score() <= first.score() + 1e-6);
            assertEquals(
                    "Candidate 1 of " + under.size(),
                    f.vm.messageProperty().get().substring(0, ("Candidate 1 of " + under.size()).length()));

            t.click(ToolFixture.at(x + 0.5, y, false));
            dev.masklab.app.model.Instance second =
                    f.vm.selection().selectedProperty().get();
            assertTrue(contains(second, image, x, y));
            assertEquals(under.get(1).score(), second.score(), 1e-6, "the second click: the second best");
            assertEquals(
                    List.of(second), f.vm.shown().shownPredictionsProperty().get(), "one candidate pending at a time");
        }
    }

    private static boolean contains(dev.masklab.app.model.Instance p, ImageEntry image, double x, double y) {
        byte[] m = p.mask().decode(image.height(), image.width());
        return m[(int) Math.floor(y) * image.width() + (int) Math.floor(x)] != 0;
    }
}
