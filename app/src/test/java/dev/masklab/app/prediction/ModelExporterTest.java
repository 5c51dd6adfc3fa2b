package dev.masklab.app.prediction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.app.service.TestModels;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.coco.CocoCategory;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnn;
import dev.masklab.model.TorchvisionExport;
import dev.masklab.predict.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model > Export to torchvision… on a loaded model (a seeded checkpoint for the bundled sample's categories): the
 * chosen .pth and its .json manifest are written with the model's architecture, class count and the sample's category
 * ids, and the .pth holds the loaded weights; nothing happens without a loaded model or when the dialog is cancelled.
 */
class ModelExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static WarmModel warmModel() {
        return new WarmModel(
                s -> Predictor.open(s.weights(), s.arch(), new Predictor.Options(0.05f, Device.cpu(), false)));
    }

    @Test
    void exportsTheLoadedModelWithItsCategoryIds() throws Exception {
        LoadedDataset sample = new DatasetService().load(PredictionServiceTest.SAMPLE, n -> {});
        Path checkpoint = TestModels.randomCheckpoint(
                sample.coco(), Architecture.MASKRCNN_RESNET50_FPN, tmp.resolve("model.masklab"));
        ScriptedDialogs dialogs = new ScriptedDialogs();
        List<String> status = new ArrayList<>();
        try (WarmModel model = warmModel()) {
            model.obtain(new WarmModel.Spec(checkpoint, null, 0.05f, DeviceChoice.CPU, false, "1"));
            dialogs.fileToSave = tmp.resolve("out/exported"); // typed without an extension
            Files.createDirectories(tmp.resolve("out"));
            TorchvisionExport.Result r = new ModelExporter(model, dialogs, new DirectTaskExecutor(), status::add)
                    .export()
                    .orElseThrow()
                    .get();
            Path pth = tmp.resolve("out/exported.pth");
            Path json = tmp.resolve("out/exported.json");
            assertEquals(pth, r.pth());
            assertEquals(json, r.json());
            assertTrue(Files.size(pth) > 0 && Files.isRegularFile(json));
            assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
            assertEquals(1, status.size());
            assertTrue(
                    status.get(0).contains(pth.toString()) && status.get(0).contains(json.toString()), status.get(0));

            JsonNode manifest = JSON.readTree(json.toFile());
            assertEquals("maskrcnn_resnet50_fpn", manifest.path("arch").asText());
            List<Long> ids = new ArrayList<>(List.of(0L));
            sample.coco().categories().stream().map(CocoCategory::id).sorted().forEach(ids::add);
            assertEquals(ids.size(), manifest.path("num_classes").asInt());
            List<Long> written = new ArrayList<>();
            manifest.path("category_ids").forEach(n -> written.add(n.asLong()));
            assertEquals(ids, written);

            // the .pth is the loaded model's state dict (torchvision's num_batches_tracked added)
            try (MaskRcnn original = MaskRcnn.load(checkpoint, null, null, Device.cpu());
                    MaskRcnn exported = MaskRcnn.load(pth, "maskrcnn_resnet50_fpn", null, Device.cpu())) {
                for (String k : original.weights().keys()) {
                    assertArrayEquals(
                            original.weights().get(k).toByteArray(),
                            exported.weights().get(k).toByteArray(),
                            k);
                }
            }
        }
    }

    @Test
    void withoutALoadedModelOrWhenCancelledNothingIsWritten() throws Exception {
        ScriptedDialogs dialogs = new ScriptedDialogs();
        List<String> status = new ArrayList<>();
        try (WarmModel model = warmModel()) {
            dialogs.fileToSave = tmp.resolve("m.pth");
            assertTrue(new ModelExporter(model, dialogs, new DirectTaskExecutor(), status::add)
                    .export()
                    .isEmpty());
            assertEquals(null, dialogs.lastInitialDirectory, "no file is asked for without a model");
            assertEquals(1, status.size());

            LoadedDataset sample = new DatasetService().load(PredictionServiceTest.SAMPLE, n -> {});
            Path checkpoint = TestModels.randomCheckpoint(
                    sample.coco(), Architecture.KEYPOINTRCNN_RESNET50_FPN, tmp.resolve("kp.masklab"));
            model.obtain(new WarmModel.Spec(checkpoint, null, 0.05f, DeviceChoice.CPU, false, "1"));
            dialogs.fileToSave = null; // cancelled
            assertTrue(new ModelExporter(model, dialogs, new DirectTaskExecutor(), status::add)
                    .export()
                    .isEmpty());
            assertFalse(Files.exists(tmp.resolve("m.pth")));
            assertFalse(Files.exists(tmp.resolve("kp.pth")));
        }
    }
}
