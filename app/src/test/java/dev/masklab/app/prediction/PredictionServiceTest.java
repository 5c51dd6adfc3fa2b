package dev.masklab.app.prediction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.app.prediction.PredictionService.Outcome;
import dev.masklab.app.prediction.PredictionService.Request;
import dev.masklab.app.service.TestModels;
import dev.masklab.model.Architecture;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's "Run model" service on the bundled sample set with seeded, randomly initialised models saved as MaskLab
 * checkpoints (what the engine's training writes): the written and shown predictions are the engine predictor's,
 * image by image, with the dataset's image ids and category ids; missing images are skipped and named; stopping
 * keeps what was done.
 */
class PredictionServiceTest {
    static final Path SAMPLE =
            Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");

    @TempDir
    static Path models;

    static Path maskModel;
    static Path keypointModel;
    static LoadedDataset sample;

    @BeforeAll
    static void models() throws IOException {
        sample = new DatasetService().load(SAMPLE, n -> {});
        maskModel = TestModels.randomCheckpoint(
                sample.coco(), Architecture.MASKRCNN_RESNET50_FPN, models.resolve("mask.masklab"));
        keypointModel = TestModels.randomCheckpoint(
                sample.coco(), Architecture.KEYPOINTRCNN_RESNET50_FPN, models.resolve("kp.masklab"));
    }

    static Request request(Path model, List<Long> ids, Path out) {
        return new Request(model, null, 0f, DeviceChoice.CPU, false, ids, out);
    }

    @Test
    void showsExactlyWhatThePredictorGivesWithTheDatasetsIds(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("preds.json");
        List<String> messages = new ArrayList<>();
        Outcome o = new PredictionService()
                .run(
                        sample,
                        request(maskModel, List.of(3L, 1L), out),
                        () -> false,
                        (done, total, msg) -> messages.add(done + "/" + total));
        assertEquals(2, o.imagesPredicted());
        assertFalse(o.stopped());
        assertTrue(o.skipped().isEmpty());
        assertTrue(o.unknownCategories().isEmpty(), "a checkpoint maps labels to the dataset's category ids");
        assertTrue(Files.isRegularFile(out));
        assertTrue(messages.contains("1/2") && messages.contains("2/2"), messages.toString());
        PredictionSet shown = o.predictions();
        assertEquals(out.toAbsolutePath(), shown.file());
        Set<Long> ids = new TreeSet<>();
        sample.coco().categories().forEach(c -> ids.add(c.id()));
        int total = 0;
        try (Predictor p = Predictor.open(maskModel, null, new Predictor.Options(0f, ai.djl.Device.cpu(), false))) {
            for (long id : List.of(1L, 3L)) {
                ImageEntry e = sample.images().stream()
                        .filter(i -> i.id() == id)
                        .findFirst()
                        .orElseThrow();
                var expected = new ArrayList<>(p.predict(e.file()));
                expected.sort(Comparator.comparingDouble(dev.masklab.predict.Instance::score)
                        .reversed());
                List<Instance> got = shown.forImage(id);
                assertFalse(expected.isEmpty());
                assertEquals(expected.size(), got.size(), "image " + id);
                for (int k = 0; k < got.size(); k++) {
                    var want = expected.get(k);
                    Instance g = got.get(k);
                    assertEquals(id, g.imageId());
                    assertTrue(g.prediction());
                    assertEquals(want.score(), g.score(), 0.0, "score of #" + k + " in image " + id);
                    assertEquals(want.categoryId(), g.categoryId());
                    assertTrue(ids.contains((long) g.categoryId()));
                    assertArrayEquals(want.bboxXywh(), g.bbox(), 1e-9);
                    byte[] mask = g.mask().decode(e.height(), e.width());
                    assertEquals(want.mask().area(), count(mask), "mask of #" + k + " in image " + id);
                }
                total += got.size();
            }
        }
        assertEquals(total, shown.total());
        assertTrue(shown.forImage(2).isEmpty(), "only the requested images are predicted");
    }

    @Test
    void keypointModelsGiveKeypointsOnTheFigureCategory(@TempDir Path tmp) throws Exception {
        Outcome o = new PredictionService()
                .run(sample, request(keypointModel, List.of(1L), tmp.resolve("kp.json")), () -> false, (d, t, m) -> {});
        List<Instance> got = o.predictions().forImage(1);
        assertFalse(got.isEmpty());
        long figure = sample.coco().categories().stream()
                .filter(c -> c.name().equals("figure"))
                .findFirst()
                .orElseThrow()
                .id();
        for (Instance i : got) {
            assertEquals(figure, i.categoryId());
            assertNotNull(i.keypoints());
            assertEquals(17 * 3, i.keypoints().length);
        }
    }

    @Test
    void missingImagesAreSkippedAndNamedAndStoppingKeepsWhatWasDone(@TempDir Path tmp) throws Exception {
        // only image 2's file exists under the new root
        ImageEntry two = sample.images().get(1);
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve(two.fileName()).getParent());
        Files.copy(two.file(), root.resolve(two.fileName()));
        LoadedDataset moved = sample.withImageRoot(root);
        Outcome o = new PredictionService()
                .run(moved, request(maskModel, List.of(1L, 2L), tmp.resolve("a.json")), () -> false, (d, t, m) -> {});
        assertEquals(1, o.imagesPredicted());
        assertEquals(1, o.skipped().size());
        assertTrue(
                o.skipped().get(0).contains(sample.images().get(0).fileName()),
                o.skipped().toString());
        assertFalse(o.predictions().forImage(2).isEmpty());

        // stop after the first image (the flag is polled before each image): the file holds that image's
        // predictions only
        int[] polls = {0};
        Path out = tmp.resolve("b.json");
        Outcome s = new PredictionService()
                .run(sample, request(maskModel, List.of(2L, 4L, 5L), out), () -> polls[0]++ > 0, (d, t, m) -> {});
        assertTrue(s.stopped());
        assertEquals(1, s.imagesPredicted());
        assertFalse(s.predictions().forImage(2).isEmpty());
        assertTrue(s.predictions().forImage(4).isEmpty());
        assertEquals(
                s.predictions().total(),
                dev.masklab.coco.CocoResults.read(out, sample.coco()).size());

        // stopped before any image: nothing written, nothing shown
        Path none = tmp.resolve("none.json");
        Outcome z = new PredictionService().run(sample, request(maskModel, null, none), () -> true, (d, t, m) -> {});
        assertTrue(z.stopped());
        assertNull(z.predictions());
        assertFalse(Files.exists(none));
    }

    @Test
    void badInputIsNamed(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.pth");
        Files.writeString(junk, "not a checkpoint");
        PredictionService s = new PredictionService();
        Exception e = assertThrows(
                Exception.class,
                () -> s.run(
                        sample,
                        new Request(
                                junk,
                                "maskrcnn_resnet50_fpn",
                                0.05f,
                                DeviceChoice.CPU,
                                false,
                                null,
                                tmp.resolve("x.json")),
                        () -> false,
                        (d, t, m) -> {}));
        assertTrue(e.getMessage().contains("junk.pth"), e.getMessage());
        IOException missing = assertThrows(
                IOException.class,
                () -> s.run(
                        sample,
                        request(tmp.resolve("absent.masklab"), null, tmp.resolve("x.json")),
                        () -> false,
                        (d, t, m) -> {}));
        assertTrue(missing.getMessage().contains("absent.masklab"), missing.getMessage());
        IOException badId = assertThrows(
                IOException.class,
                () -> s.run(
                        sample,
                        request(maskModel, List.of(999L), tmp.resolve("x.json")),
                        () -> false,
                        (d, t, m) -> {}));
        assertTrue(badId.getMessage().contains("999"), badId.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.json")));
        assertEquals(
                SAMPLE.resolveSibling("annotations.predictions.json").toAbsolutePath(),
                PredictionService.defaultOutput(sample).toAbsolutePath());
    }

    private static long count(byte[] mask) {
        long n = 0;
        for (byte b : mask) if (b != 0) n++;
        return n;
    }

    /** The results of {@code image} in a results file, as JSON. */
    static List<com.fasterxml.jackson.databind.JsonNode> resultsOf(Path file, long image) throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (var r : new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()))
            if (r.get("image_id").asLong() == image) out.add(r);
        return out;
    }

    @Test
    void aRunOnSomeImagesMergesIntoTheFileAndAStoppedRunNeverReplacesIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("preds.json");
        PredictionService ps = new PredictionService();
        ps.run(sample, request(maskModel, List.of(1L, 2L), out), () -> false, (d, t, m) -> {});
        var image1 = resultsOf(out, 1);
        var image2 = resultsOf(out, 2);
        // the file as an earlier session left it: a stale result on image 1, a result on image 3 from another run
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var arr = (com.fasterxml.jackson.databind.node.ArrayNode) mapper.readTree(out.toFile());
        arr.add(mapper.readTree("{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4], \"score\": 0.01}"));
        var other = mapper.readTree("{\"image_id\": 3, \"category_id\": 2, \"bbox\": [5, 6, 7, 8], \"score\": 0.5}");
        arr.add(other);
        mapper.writeValue(out.toFile(), arr);

        Outcome o = ps.run(sample, request(maskModel, List.of(1L), out), () -> false, (d, t, m) -> {});
        assertTrue(o.merged());
        assertEquals(image1, resultsOf(out, 1), "image 1's results replaced by the run's (the stale one gone)");
        assertEquals(image2, resultsOf(out, 2), "other images kept");
        assertEquals(List.of(other), resultsOf(out, 3));
        assertEquals(image1.size() + image2.size() + 1, o.predictions().total(), "what is shown is the merged file");
        assertEquals(image1.size(), o.instanceCount(), "the run's own predictions");

        // a run on all images stopped after the first: merged too, never a partial file over a complete one
        int[] polled = {0};
        Outcome s = ps.run(sample, request(maskModel, null, out), () -> polled[0]++ >= 1, (d, t, m) -> {});
        assertTrue(s.stopped());
        assertEquals(1, s.imagesPredicted());
        assertEquals(image1, resultsOf(out, 1));
        assertEquals(image2, resultsOf(out, 2));
        assertEquals(List.of(other), resultsOf(out, 3));
    }

    @Test
    void theModelStaysLoadedAcrossRunsUntilOtherWeightsOptionsOrUnload(@TempDir Path tmp) throws Exception {
        PredictionService ps = new PredictionService();
        WarmModel warm = ps.model();
        assertTrue(warm.info().isEmpty());
        List<String> messages = new ArrayList<>();
        Outcome a = ps.run(
                sample,
                request(maskModel, List.of(1L), tmp.resolve("a.json")),
                () -> false,
                (d, t, m) -> messages.add(m));
        assertTrue(messages.contains("Loading model mask.masklab"), messages.toString());
        Predictor first = warm.current().orElseThrow();
        assertEquals(1, warm.loads());
        assertEquals(
                new WarmModel.Info("mask.masklab", "cpu", sample.categories().size()),
                warm.info().orElseThrow());
        assertEquals(
                "mask.masklab · cpu · " + sample.categories().size() + " classes",
                warm.info().orElseThrow().toString());

        // the same model again: not loaded again, the same predictor, the same predictions
        messages.clear();
        Outcome b = ps.run(
                sample,
                request(maskModel, List.of(1L), tmp.resolve("b.json")),
                () -> false,
                (d, t, m) -> messages.add(m));
        assertFalse(messages.stream().anyMatch(m -> m.startsWith("Loading model")), messages.toString());
        assertEquals(1, warm.loads());
        assertTrue(first == warm.current().orElseThrow());
        assertEquals(a.predictions().results().size(), b.predictions().results().size());
        for (int i = 0; i < a.predictions().results().size(); i++)
            assertEquals(
                    a.predictions().results().get(i).score(),
                    b.predictions().results().get(i).score());

        // another threshold or other weights: the old one is closed and the new one loaded
        ps.run(
                sample,
                new Request(maskModel, null, 0.5f, DeviceChoice.CPU, false, List.of(1L), tmp.resolve("c.json")),
                () -> false,
                (d, t, m) -> {});
        assertEquals(2, warm.loads());
        ps.run(sample, request(keypointModel, List.of(1L), tmp.resolve("d.json")), () -> false, (d, t, m) -> {});
        assertEquals(3, warm.loads());
        assertEquals("kp.masklab", warm.info().orElseThrow().name());

        // the same weights file written again is another model
        Path copy = Files.copy(maskModel, tmp.resolve("copy.masklab"));
        ps.run(sample, request(copy, List.of(1L), tmp.resolve("e.json")), () -> false, (d, t, m) -> {});
        assertEquals(4, warm.loads());
        Files.setLastModifiedTime(
                copy,
                java.nio.file.attribute.FileTime.fromMillis(
                        Files.getLastModifiedTime(copy).toMillis() + 5_000));
        ps.run(sample, request(copy, List.of(1L), tmp.resolve("f.json")), () -> false, (d, t, m) -> {});
        assertEquals(5, warm.loads());

        assertTrue(warm.unload());
        assertTrue(warm.info().isEmpty());
        assertFalse(warm.unload());
    }

    @Test
    void aBoxPromptOnTheWarmModelIsThePredictorsAnswerForTheBox(@TempDir Path tmp) throws Exception {
        PredictionService ps = new PredictionService();
        ModelPrompter prompter = new ModelPrompter(ps.model(), new dev.masklab.app.task.DirectTaskExecutor());
        ImageEntry image = sample.images().getFirst();
        List<dev.masklab.coco.CocoResult> answers = new ArrayList<>();
        double[] box = {10, 20, 60, 80};
        AssertionError none = assertThrows(
                AssertionError.class, () -> prompter.prompt(image, box, java.util.OptionalLong.empty(), answers::add));
        assertEquals("no model is loaded", none.getCause().getMessage());
        assertTrue(answers.isEmpty(), "no model loaded: no answer");

        ps.run(sample, request(maskModel, List.of(image.id()), tmp.resolve("a.json")), () -> false, (d, t, m) -> {});
        long other = sample.categories().getLast().id();
        prompter.prompt(image, box, java.util.OptionalLong.of(other), answers::add);
        prompter.prompt(image, box, java.util.OptionalLong.of(987_654), answers::add);
        assertEquals(2, answers.size());
        Predictor p = ps.model().current().orElseThrow();
        List<dev.masklab.predict.Instance> expected = p.prompt(
                Predictor.readImage(image.file()),
                List.of(
                        new dev.masklab.predict.BoxPrompt(10, 20, 60, 80, java.util.OptionalLong.of(other)),
                        dev.masklab.predict.BoxPrompt.of(10, 20, 60, 80)));
        for (int i = 0; i < 2; i++) {
            dev.masklab.coco.CocoResult r = answers.get(i);
            assertEquals(image.id(), r.imageId());
            assertArrayEquals(box, r.bbox(), "the prompt's box, as segment writes it");
            assertEquals(expected.get(i).categoryId(), r.categoryId());
            assertEquals(expected.get(i).score(), r.score(), 1e-6);
            assertEquals(
                    expected.get(i).mask().toCompressedString(),
                    ((dev.masklab.coco.Segmentation.CompressedRle) r.segmentation()).counts());
        }
        assertEquals(other, answers.get(0).categoryId(), "the asked category when the model has it");
    }
}
