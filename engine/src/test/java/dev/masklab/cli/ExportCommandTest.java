package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnn;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.ops.TorchvisionOracle;
import dev.masklab.synth.SyntheticDatasetGenerator;
import dev.masklab.testing.SharedData;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingJob;
import dev.masklab.train.TrainingListener;
import dev.masklab.train.TrainingRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance test of {@code masklab export}: the exported M.pth / M.json are loaded by torchvision itself
 * ({@code bench/torchvision_predict_export.py}: {@code torch.load(weights_only=True)}, the detector built from M.json,
 * {@code load_state_dict(strict=True)}) and its detections at score threshold 0 match what {@code masklab predict}
 * gives with the same checkpoint within issue #19's tolerance ({@link TorchvisionTolerance}), with the category ids of
 * M.json (a mask under the IoU bound counts only when the masks differ just in pixels whose torchvision probability
 * is within 5e-4 of 0.5: one such pixel is more than 2% of a mask under 50 pixels). Models: a small-preset model trained from a seeded random initialisation with batch-statistics batch norms
 * (BatchNorm2d running statistics) on a synthetic dataset whose category ids are 1, 2, 3, 5, 7, 9; the same preset
 * fine-tuned from a parity reference's weights (frozen batch norms); and the parity references' model.pth
 * themselves (Mask R-CNN and Keypoint R-CNN at 800 px), also with --legacy-eps. Skipped only where /usr/bin/python3
 * has no torchvision.
 */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("masklab.root", ".."));
    private static final long[] SYNTH_IDS = {0, 1, 2, 3, 5, 7, 9};

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTorchvision() {
        Assumptions.assumeTrue(
                TorchvisionOracle.available(),
                "/usr/bin/python3 has no torchvision (apt-get install python3-torchvision): export checks skipped");
    }

    @Test
    void smallPresetModelFromSeededWeightsPredictsTheSameInTorchvision() throws Exception {
        Path data = synthetic();
        Path model = train(data, null, true);
        JsonNode manifest = export(model, null, false, tmp.resolve("scratch/m.pth"));
        assertSmallPresetManifest(manifest);
        compare(
                "small preset from seeded weights",
                tmp.resolve("scratch/m.pth"),
                model,
                null,
                false,
                data,
                data.getParent());
        // the exported file is also a model the engine reads (its BatchNorm2d counters ignored), with the same weights
        try (MaskRcnn exported =
                        MaskRcnn.load(tmp.resolve("scratch/m.pth"), "maskrcnn_resnet50_fpn", null, Device.cpu());
                MaskRcnn original = MaskRcnn.load(model, null, null, Device.cpu())) {
            assertEquals(
                    original.weights().size(),
                    exported.weights().keys().stream()
                            .filter(k -> !k.endsWith(".num_batches_tracked"))
                            .count());
            for (String k : original.weights().keys()) {
                assertArrayEquals(
                        original.weights().get(k).toByteArray(),
                        exported.weights().get(k).toByteArray(),
                        k);
            }
        }
    }

    @Test
    void smallPresetFineTunedFromReferenceWeightsPredictsTheSameInTorchvision() throws Exception {
        ParityReferences.Reference ref = ParityReferences.require().stream()
                .filter(r -> r.model().equals("maskrcnn") && !r.legacy())
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(ref != null, "no Mask R-CNN parity reference (bash bench/parity-references.sh)");
        Path data = synthetic();
        Path model = train(data, ref.pth(), false);
        JsonNode manifest = export(model, null, false, tmp.resolve("finetuned/m.pth"));
        assertSmallPresetManifest(manifest);
        compare("small preset fine-tuned", tmp.resolve("finetuned/m.pth"), model, null, false, data, data.getParent());
    }

    @Test
    void parityReferencesPredictTheSameInTorchvision() throws Exception {
        Path shared = SharedData.root().resolve("data/coco-person-kp");
        for (ParityReferences.Reference r : ParityReferences.require()) {
            String arch = r.model().equals("maskrcnn") ? "maskrcnn_resnet50_fpn" : "keypointrcnn_resnet50_fpn";
            Path gt = tmp.resolve(r.dir().getFileName() + "-gt.json");
            PredictCommandTest.oneImageDataset(
                    shared.resolve("test_coco.json"), r.manifest().path("image").asText(), gt);
            // the reference as it is, and (Mask R-CNN) read as a legacy-eps checkpoint: eps 0 folded into the variances
            List<Boolean> legacyModes =
                    r.legacy() ? List.of(true) : r.model().equals("maskrcnn") ? List.of(false, true) : List.of(false);
            for (boolean legacy : legacyModes) {
                Path pth = tmp.resolve(r.dir().getFileName() + (legacy ? "-legacy" : "") + "/m.pth");
                JsonNode manifest = export(r.pth(), arch, legacy, pth);
                assertEquals(arch, manifest.path("arch").asText());
                assertEquals(0, manifest.path("torchvision_kwargs").size(), manifest.toString());
                JsonNode ids = manifest.path("category_ids");
                assertEquals(manifest.path("num_classes").asInt(), ids.size());
                for (int label = 0; label < ids.size(); label++) {
                    assertEquals(label, ids.get(label).asInt(), "a .pth's label is its category id");
                }
                compare(r.name() + (legacy ? " --legacy-eps" : ""), pth, r.pth(), arch, legacy, gt, shared);
            }
        }
    }

    @Test
    void badInputGivesOneLine() throws Exception {
        Path junk = tmp.resolve("junk.pth");
        Files.writeString(junk, "not a checkpoint");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(
                "export",
                "--weights",
                junk.toString(),
                "--arch",
                "maskrcnn_resnet50_fpn",
                "--out",
                tmp.resolve("m.pth").toString());
        assertEquals(1, rc);
        assertTrue(
                err.toString().startsWith("masklab export: ")
                        && err.toString().contains("junk.pth")
                        && err.toString().strip().lines().count() == 1,
                err.toString());
        assertTrue(!Files.exists(tmp.resolve("m.pth")) && !Files.exists(tmp.resolve("m.json")), "nothing written");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** 4 synthetic 160 x 120 images (category ids 1, 2, 3, 5, 7, 9); returns the annotations file. */
    private Path synthetic() throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(4, 11).withSize(160, 120).withMeanObjects(3));
        return gen.generate(tmp.resolve("data"), "train", null, 0)
                .annotationFiles()
                .get(0);
    }

    /**
     * Two iterations of the small preset (shorter side 320, longer at most 533) on {@code data}, from {@code weights}
     * (null: seeded fresh initialisation); returns the run's model.masklab.
     */
    private Path train(Path data, Path weights, boolean batchNorm) throws Exception {
        TrainingConfig c = TrainingConfig.smallCpu().toBuilder()
                .batchSize(1)
                .warmupIterations(1)
                .accumulation(1)
                .clipGradNorm(10.0)
                .trainableBackboneLayers(batchNorm ? 5 : 3)
                .skipEmptyImages(true)
                .seed(7)
                .flipProbability(0.5)
                .trainBatchNorm(batchNorm)
                .build();
        Path run = tmp.resolve(weights == null ? "run-scratch" : "run-finetune");
        TrainingJob.Result result = new TrainingRun(
                        Architecture.MASKRCNN_RESNET50_FPN,
                        data,
                        null,
                        null,
                        null,
                        weights,
                        run,
                        2,
                        c,
                        false,
                        0,
                        1,
                        0,
                        false)
                .run(new TrainingListener() {}, null);
        assertTrue(result.completed(), result.stopReason());
        return run.resolve("model.masklab");
    }

    private static void assertSmallPresetManifest(JsonNode manifest) {
        assertEquals("maskrcnn_resnet50_fpn", manifest.path("arch").asText());
        assertEquals(SYNTH_IDS.length, manifest.path("num_classes").asInt());
        assertEquals(320, manifest.path("torchvision_kwargs").path("min_size").asInt(), manifest.toString());
        assertEquals(533, manifest.path("torchvision_kwargs").path("max_size").asInt(), manifest.toString());
        // the small preset's sampling in training, so that training can go on in torchvision with the same recipe
        assertEquals(
                600,
                manifest.path("torchvision_kwargs")
                        .path("rpn_pre_nms_top_n_train")
                        .asInt(),
                manifest.toString());
        assertEquals(
                300,
                manifest.path("torchvision_kwargs")
                        .path("rpn_post_nms_top_n_train")
                        .asInt(),
                manifest.toString());
        assertEquals(
                128,
                manifest.path("torchvision_kwargs")
                        .path("box_batch_size_per_image")
                        .asInt(),
                manifest.toString());
        assertTrue(
                !manifest.path("torchvision_kwargs").has("rpn_batch_size_per_image"), "torchvision's default omitted");
        for (int label = 0; label < SYNTH_IDS.length; label++) {
            assertEquals(
                    SYNTH_IDS[label], manifest.path("category_ids").get(label).asLong(), manifest.toString());
        }
    }

    /** Runs {@code masklab export}; returns M.json. */
    private static JsonNode export(Path weights, String arch, boolean legacy, Path out) throws Exception {
        List<String> args =
                new ArrayList<>(List.of("export", "--weights", weights.toString(), "--out", out.toString()));
        if (arch != null) {
            args.addAll(List.of("--arch", arch));
        }
        if (legacy) {
            args.add("--legacy-eps");
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());
        Path json = out.resolveSibling(out.getFileName().toString().replace(".pth", ".json"));
        assertTrue(Files.isRegularFile(out) && Files.isRegularFile(json), err.toString());
        return JSON.readTree(json.toFile());
    }

    /**
     * Predicts every image of {@code dataset} with {@code masklab predict} on {@code weights} and with torchvision on the
     * export {@code pth} (score threshold 0 both), then checks each image's detections within the tolerance, compared
     * by COCO category id (torchvision's labels mapped through M.json).
     */
    private void compare(String name, Path pth, Path weights, String arch, boolean legacy, Path dataset, Path imageRoot)
            throws Exception {
        Path engineOut = pth.resolveSibling("engine.json");
        List<String> args = new ArrayList<>(List.of(
                "predict",
                "--weights",
                weights.toString(),
                "--dataset",
                dataset.toString(),
                "--image-root",
                imageRoot.toString(),
                "--out",
                engineOut.toString(),
                "--score-threshold",
                "0",
                "--device",
                "cpu"));
        if (arch != null) {
            args.addAll(List.of("--arch", arch));
        }
        if (legacy) {
            args.add("--legacy-eps");
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());

        CocoDataset gt = CocoReader.read(dataset);
        Path tvOut = pth.resolveSibling("torchvision.json");
        List<String> cmd = new ArrayList<>(List.of(
                "/usr/bin/python3",
                ROOT.resolve("bench/torchvision_predict_export.py").toString(),
                "--pth",
                pth.toString(),
                "--out",
                tvOut.toString(),
                "--score-threshold",
                "0",
                "--threads",
                "2"));
        for (CocoImage img : gt.images()) {
            cmd.add(imageRoot.resolve(img.fileName()).toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "torchvision timed out");
        assertEquals(0, p.exitValue(), log);

        JsonNode mine = JSON.readTree(engineOut.toFile());
        JsonNode theirs = JSON.readTree(tvOut.toFile());
        for (CocoImage img : gt.images()) {
            String file = Path.of(img.fileName()).getFileName().toString();
            ArrayNode a = JSON.createArrayNode();
            for (JsonNode d : mine) {
                if (d.path("image_id").asLong() == img.id()) {
                    a.add(d);
                }
            }
            ArrayNode b = JSON.createArrayNode();
            for (JsonNode d : theirs) {
                if (d.path("file_name").asText().equals(file)) {
                    b.add(d);
                }
            }
            TorchvisionTolerance.assertHolds(
                    name + " " + file, TorchvisionTolerance.fromResults(b), TorchvisionTolerance.fromResults(a));
        }
    }
}
