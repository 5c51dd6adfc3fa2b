package dev.masklab.app.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.model.SizeClass;
import dev.masklab.app.prediction.ViewMode;
import dev.masklab.app.statistics.StatisticsViewModel;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The main view-model without any display: real shared data read through the engine's COCO reader. */
class MainViewModelTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path VOC = SHARED.resolve("data/labelme-voc/annotations.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");
    final DatasetService service = new DatasetService();

    /** A view-model over a document with scripted dialogs and tasks run at once (no display). */
    static MainViewModel newViewModel() {
        return new MainViewModel(new DatasetDocument(new ScriptedDialogs(), new DirectTaskExecutor()));
    }

    @Test
    void datasetResolvesImagesAndNavigates() throws Exception {
        LoadedDataset ds = service.load(PERSON, n -> {});
        assertTrue(ds.rootFound());
        assertEquals(PERSON.toAbsolutePath().getParent(), ds.imageRoot());
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        assertEquals(4, vm.navigation().filteredImages().size());
        assertEquals(0, vm.navigation().currentIndex());
        for (ImageEntry e : vm.navigation().images())
            assertTrue(e.file().toFile().isFile(), e.file().toString());
        assertTrue(vm.navigation().next());
        assertTrue(vm.navigation().next());
        assertTrue(vm.navigation().next());
        assertFalse(vm.navigation().next());
        assertEquals(3, vm.navigation().currentIndex());
        assertTrue(vm.navigation().previous());
        assertEquals(2, vm.navigation().currentIndex());
    }

    @Test
    void vocRelativeFileNamesAndCategoryFilterMatchTheJson() throws Exception {
        LoadedDataset ds = service.load(VOC, n -> {});
        assertTrue(ds.rootFound());
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        JsonNode root = new ObjectMapper().readTree(VOC.toFile());
        // per category: number of images with at least one instance, counted from the JSON
        Map<Integer, java.util.Set<Long>> imagesPerCat = new HashMap<>();
        for (JsonNode a : root.get("annotations"))
            imagesPerCat
                    .computeIfAbsent(a.get("category_id").asInt(), k -> new java.util.HashSet<>())
                    .add(a.get("image_id").asLong());
        for (var e : imagesPerCat.entrySet()) {
            vm.navigation().filter().categories().clear();
            vm.navigation().filter().categories().add(e.getKey());
            assertEquals(e.getValue().size(), vm.navigation().filteredImages().size(), "category " + e.getKey());
        }
        vm.navigation().filter().categories().clear();
        vm.navigation().filter().textProperty().set("000025");
        assertEquals(1, vm.navigation().filteredImages().size());
        assertTrue(vm.navigation().filteredImages().getFirst().fileName().contains("2011_000025"));
        vm.navigation().filter().textProperty().set("JPEGIMAGES");
        assertEquals(3, vm.navigation().filteredImages().size());
        vm.navigation().filter().crowdOnlyProperty().set(true);
        assertEquals(0, vm.navigation().filteredImages().size());
    }

    @Test
    void categoryVisibilityHidesInstances() throws Exception {
        MainViewModel vm = newViewModel();
        vm.setDataset(service.load(SharedData.workingCopy(PERSON), n -> {}));
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(3));
        int all = vm.navigation().getCurrentImage().annotations().size();
        assertEquals(all, vm.shown().shownGroundTruthProperty().get().size());
        vm.selection()
                .selectedProperty()
                .set(vm.shown().shownGroundTruthProperty().get().getFirst());
        vm.categories().category(1).visibleProperty().set(false);
        assertEquals(0, vm.shown().shownGroundTruthProperty().get().size());
        assertNull(vm.selection().selectedProperty().get(), "a hidden instance is no longer selected");
        vm.categories().category(1).visibleProperty().set(true);
        assertEquals(all, vm.shown().shownGroundTruthProperty().get().size());
    }

    @Test
    void predictionsFollowTheThresholdAndCountsMatchTheFile() throws Exception {
        LoadedDataset ds = service.load(PERSON, n -> {});
        PredictionSet ps = service.loadPredictions(DETECTIONS, ds);
        JsonNode dets = new ObjectMapper().readTree(DETECTIONS.toFile());
        assertEquals(dets.size(), ps.total());
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        vm.predictions().setPredictions(ps);
        assertEquals(ViewMode.SIDE_BY_SIDE, vm.predictions().viewModeProperty().get());
        for (double t : new double[] {0, 0.25, 0.5, 0.75, 1.0}) {
            vm.predictions().scoreThresholdProperty().set(t);
            int total = 0;
            for (JsonNode d : dets) if (d.get("score").asDouble() >= t) total++;
            assertEquals(
                    total, vm.predictions().predictionsAboveThresholdProperty().get(), "total at " + t);
            assertEquals(
                    total, vm.categories().category(1).predictionCountProperty().get());
            for (ImageEntry e : vm.navigation().images()) {
                vm.navigation().currentImageProperty().set(e);
                long n = 0;
                for (JsonNode d : dets)
                    if (d.get("image_id").asLong() == e.id() && d.get("score").asDouble() >= t) n++;
                assertEquals(n, vm.shown().shownPredictionsProperty().get().size(), "image " + e.id() + " at " + t);
            }
        }
        // sorted by score, each with a decodable mask of the image's size
        vm.predictions().scoreThresholdProperty().set(0);
        vm.navigation().currentImageProperty().set(vm.navigation().images().getFirst());
        var shown = vm.shown().shownPredictionsProperty().get();
        for (int i = 1; i < shown.size(); i++)
            assertTrue(shown.get(i - 1).score() >= shown.get(i).score());
        Instance p = shown.getFirst();
        assertEquals(425 * 640, p.mask().decode(425, 640).length);
        vm.predictions().setPredictions(null);
        assertEquals(ViewMode.GROUND_TRUTH, vm.predictions().viewModeProperty().get());
        assertTrue(vm.shown().shownPredictionsProperty().get().isEmpty());
    }

    @Test
    void crowdFilterAndUncompressedRleCrowdRegions() throws Exception {
        Path gt = SHARED.resolve("fixtures/coco-eval/person-s3-crowd/gt.json");
        LoadedDataset ds = service.load(gt, n -> {});
        assertFalse(ds.rootFound(), "the fixture has no images beside it");
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        JsonNode root = new ObjectMapper().readTree(gt.toFile());
        java.util.Set<Long> crowdImages = new java.util.HashSet<>();
        int crowd = 0;
        for (JsonNode a : root.get("annotations"))
            if (a.get("iscrowd").asInt() == 1) {
                crowd++;
                crowdImages.add(a.get("image_id").asLong());
            }
        assertTrue(crowd > 0);
        vm.navigation().filter().crowdOnlyProperty().set(true);
        assertEquals(
                crowdImages,
                new java.util.HashSet<>(vm.navigation().filteredImages().stream()
                        .map(ImageEntry::id)
                        .toList()));
        assertEquals(crowd, StatisticsViewModel.of(ds).crowd());
        // a crowd region (uncompressed RLE) decodes to pycocotools' annToRLE mask area (expected.json)
        JsonNode expected = new ObjectMapper()
                .readTree(SHARED.resolve("fixtures/coco-eval/person-s3-crowd/expected.json")
                        .toFile())
                .get("masks");
        Map<Long, Long> expectedArea = new HashMap<>();
        for (JsonNode m : expected)
            expectedArea.put(m.get("id").asLong(), m.get("area").asLong());
        for (ImageEntry e : vm.navigation().filteredImages())
            for (Instance a : e.annotations())
                if (a.crowd()) {
                    assertEquals("RLE", a.maskKind());
                    byte[] m = a.mask().decode(e.height(), e.width());
                    int n = 0;
                    for (byte b : m) n += b;
                    assertEquals((long) expectedArea.get(a.id()), n, "crowd " + a.id());
                }
    }

    @Test
    void statisticsMatchTheJson() throws Exception {
        LoadedDataset ds = service.load(VOC, n -> {});
        StatisticsViewModel s = StatisticsViewModel.of(ds);
        JsonNode root = new ObjectMapper().readTree(VOC.toFile());
        int[] sizes = new int[3];
        Map<Integer, Integer> perCat = new HashMap<>();
        for (JsonNode a : root.get("annotations")) {
            double area = a.get("area").asDouble();
            sizes[area < 1024 ? 0 : area < 9216 ? 1 : 2]++;
            perCat.merge(a.get("category_id").asInt(), 1, Integer::sum);
        }
        assertEquals(sizes[0], s.sizes().get(SizeClass.SMALL));
        assertEquals(sizes[1], s.sizes().get(SizeClass.MEDIUM));
        assertEquals(sizes[2], s.sizes().get(SizeClass.LARGE));
        assertEquals(root.get("annotations").size(), s.instances());
        assertEquals(root.get("categories").size(), s.perCategory().size());
        for (var c : s.perCategory()) assertEquals(perCat.getOrDefault(c.categoryId(), 0), c.count(), c.name());
        assertEquals(0, s.imagesWithoutAnnotations());
    }

    @Test
    void colorsAreStablePerInstanceAndPerCategory() throws Exception {
        MainViewModel vm = newViewModel();
        vm.setDataset(service.load(SharedData.workingCopy(VOC), n -> {}));
        Instance a = vm.navigation().images().getFirst().annotations().getFirst();
        assertEquals(ColorPalette.instanceRgb(a.id()), vm.categories().colorOf(a));
        vm.layers().colorModeProperty().set(LayerSettings.ColorMode.CATEGORY);
        assertEquals(
                vm.categories().category(a.categoryId()).rgb(), vm.categories().colorOf(a));
        // 21 VOC categories (with background): the first 20 all differ
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) colors.add(ColorPalette.categoryRgb(i));
        assertEquals(20, colors.size());
        assertSame(
                vm.categories().category(a.categoryId()),
                vm.categories()
                        .rows()
                        .get(vm.categories().category(a.categoryId()).index()));
    }

    @Test
    void reviewingPredictionsEditsTheImageAndUndoRestoresIt(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path file = tmp.resolve("person.json");
        java.nio.file.Files.copy(PERSON, file);
        LoadedDataset ds = service.load(file, n -> {});
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        vm.predictions().setPredictions(service.loadPredictions(DETECTIONS, ds));
        vm.predictions().scoreThresholdProperty().set(0.0);
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(2)); // 196141: 9 predictions
        ImageEntry e = vm.navigation().getCurrentImage();
        var gt0 = vm.shown().shownGroundTruthProperty().get();
        var pr0 = vm.shown().shownPredictionsProperty().get();
        assertTrue(pr0.size() >= 3, "the first image has predictions to review");
        int count0 = vm.categories().category(1).count();
        int above0 = vm.predictions().predictionsAboveThresholdProperty().get();
        assertFalse(vm.document().dirtyProperty().get());

        Instance p = pr0.getFirst();
        vm.selection().selectedProperty().set(p);
        assertTrue(vm.review().acceptSelected());
        assertSame(pr0.get(1), vm.selection().selectedProperty().get(), "the next prediction is selected for review");
        Instance accepted = vm.shown().shownGroundTruthProperty().get().getLast();
        assertFalse(accepted.prediction());
        assertEquals(p.categoryId(), accepted.categoryId());
        assertEquals(gt0.size() + 1, vm.shown().shownGroundTruthProperty().get().size());
        for (int i = 0; i < gt0.size(); i++)
            assertSame(gt0.get(i), vm.shown().shownGroundTruthProperty().get().get(i), "unchanged instances are kept");
        assertEquals(pr0.size() - 1, vm.shown().shownPredictionsProperty().get().size());
        assertFalse(vm.shown().shownPredictionsProperty().get().contains(p));
        assertEquals(count0 + 1, vm.categories().category(1).count());
        assertEquals(
                above0 - 1, vm.predictions().predictionsAboveThresholdProperty().get());
        assertEquals(e.id(), vm.navigation().getCurrentImage().id());
        assertSame(vm.navigation().getCurrentImage(), vm.navigation().images().get(2));
        assertEquals(2, vm.navigation().currentIndex());
        assertTrue(vm.document().dirtyProperty().get());
        assertTrue(vm.document().undoLabelProperty().get().startsWith("Accept person"));

        // rejecting moves the selection to the next prediction
        Instance second = vm.shown().shownPredictionsProperty().get().get(0);
        Instance third = vm.shown().shownPredictionsProperty().get().get(1);
        vm.selection().selectedProperty().set(second);
        assertTrue(vm.edits().deleteSelected());
        assertSame(third, vm.selection().selectedProperty().get());
        assertEquals(pr0.size() - 2, vm.shown().shownPredictionsProperty().get().size());
        assertEquals(count0 + 1, vm.categories().category(1).count(), "rejecting adds no annotation");

        // deleting the accepted annotation
        vm.selection().selectedProperty().set(accepted);
        assertFalse(vm.edits().setSelectedCategory(accepted.categoryId()), "same category: no edit");
        assertTrue(vm.edits().deleteSelected());
        assertEquals(gt0.size(), vm.shown().shownGroundTruthProperty().get().size());
        assertEquals(count0, vm.categories().category(1).count());

        // undo from another image brings the edited image back
        assertTrue(vm.navigation().previous());
        assertTrue(vm.edits().undo());
        assertEquals(e.id(), vm.navigation().getCurrentImage().id());
        assertEquals(
                accepted.id(), vm.selection().selectedProperty().get().id(), "the undeleted annotation is selected");
        assertEquals(count0 + 1, vm.categories().category(1).count());
        assertTrue(vm.edits().undo());
        assertTrue(vm.shown().shownPredictionsProperty().get().contains(second));
        assertTrue(vm.edits().undo());
        assertEquals(pr0, vm.shown().shownPredictionsProperty().get());
        assertEquals(gt0.size(), vm.shown().shownGroundTruthProperty().get().size());
        assertEquals(count0, vm.categories().category(1).count());
        assertEquals(
                above0, vm.predictions().predictionsAboveThresholdProperty().get());
        assertFalse(vm.document().dirtyProperty().get(), "everything undone: nothing to save");
        assertFalse(vm.edits().undo());

        // redo the accept and save: the file has the annotation, the original is kept
        assertTrue(vm.edits().redo());
        vm.document().saveBlocking();
        assertFalse(vm.document().dirtyProperty().get());
        JsonNode saved = new ObjectMapper().readTree(file.toFile());
        JsonNode orig = new ObjectMapper().readTree(PERSON.toFile());
        assertEquals(
                orig.get("annotations").size() + 1, saved.get("annotations").size());
        assertEquals(
                orig, new ObjectMapper().readTree(tmp.resolve("person.json.bak").toFile()));

        // accept all shown on the image: one undo takes them all back
        int left = vm.shown().shownPredictionsProperty().get().size();
        assertEquals(left, vm.review().acceptAllShown());
        assertTrue(vm.shown().shownPredictionsProperty().get().isEmpty());
        assertEquals(
                gt0.size() + 1 + left,
                vm.shown().shownGroundTruthProperty().get().size());
        assertTrue(vm.edits().undo()); // one action, one undo
        assertEquals(left, vm.shown().shownPredictionsProperty().get().size());
        assertFalse(vm.document().dirtyProperty().get());
    }
}
