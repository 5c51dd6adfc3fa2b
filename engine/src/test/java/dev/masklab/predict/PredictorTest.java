package dev.masklab.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.masklab.model.ParityReferences;
import dev.masklab.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Predictor}: instances with RLE masks in image coordinates, progress, cancellation between images. */
class PredictorTest {
    @TempDir
    Path tmp;

    @Test
    void predictsReportsProgressAndStopsWhenCancelled() throws Exception {
        ParityReferences.Reference r = ParityReferences.require().stream()
                .filter(x -> x.model().equals("maskrcnn") && !x.legacy())
                .findFirst()
                .orElseThrow();
        BufferedImage img = Predictor.readImage(SharedData.path("data/coco-person-kp/000000196141.jpg"));
        try (Predictor p =
                Predictor.open(r.pth(), "maskrcnn_resnet50_fpn", new Predictor.Options(0.5f, Device.cpu(), false))) {
            AtomicBoolean cancel = new AtomicBoolean(false);
            List<int[]> progress = new ArrayList<>();
            PredictionCancelledException e = assertThrows(
                    PredictionCancelledException.class,
                    () -> p.predictImages(List.of(img, img, img), cancel::get, (done, total) -> {
                        progress.add(new int[] {done, total});
                        cancel.set(true); // cancel after the first image
                    }));
            assertEquals(1, progress.size());
            assertEquals(3, progress.get(0)[1]);
            assertEquals(1, e.partial().size());
            List<Instance> found = e.partial().get(0);
            assertTrue(!found.isEmpty(), "no detection above 0.5");
            for (Instance in : found) {
                assertTrue(in.score() > 0.5, "score " + in.score());
                assertEquals(img.getHeight(), in.mask().h());
                assertEquals(img.getWidth(), in.mask().w());
                assertEquals(in.label(), in.categoryId()); // torchvision COCO weights: label = category id
                assertTrue(in.box()[0] >= 0 && in.box()[2] <= img.getWidth() && in.box()[3] <= img.getHeight());
                double[] mb = in.mask().toBbox();
                // the mask lies inside the (expanded, integer) box
                assertTrue(
                        mb[0] >= Math.floor(in.box()[0]) - 2 && mb[0] + mb[2] <= Math.ceil(in.box()[2]) + 2,
                        java.util.Arrays.toString(mb) + " vs " + java.util.Arrays.toString(in.box()));
            }
        }
    }

    @Test
    void unreadableImageNamesTheFile() throws Exception {
        Path bad = tmp.resolve("broken.jpg");
        Files.writeString(bad, "not an image");
        IOException e = assertThrows(IOException.class, () -> Predictor.readImage(bad));
        assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    }
}
