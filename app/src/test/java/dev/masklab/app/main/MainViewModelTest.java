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
        assertEquals(4, vm.filteredImages().size());
        assertEquals(0, vm.currentIndex());
        for (ImageEntry e : vm.images())
            assertTrue(e.file().toFile().isFile(), e.file().toString());
        assertTrue(vm.next());
        assertTrue(vm.next());
        assertTrue(vm.next());
        assertFalse(vm.next());
        assertEquals(3, vm.currentIndex());
        assertTrue(vm.previous());
        assertEquals(2, vm.currentIndex());
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
            vm.filter().categories().clear();
            vm.filter().categories().add(e.getKey());
            assertEquals(e.getValue().size(), vm.filteredImages().size(), "category " + e.getKey());
        }
        vm.filter().categories().clear();
        vm.filter().textProperty().set("000025");
        assertEquals(1, vm.filteredImages().size());
        assertTrue(vm.filteredImages().getFirst().fileName().contains("2011_000025"));
        vm.filter().textProperty().set("JPEGIMAGES");
        assertEquals(3, vm.filteredImages().size());
        vm.filter().crowdOnlyProperty().set(true);
        assertEquals(0, vm.filteredImages().size());
    }

    @Test
    void categoryVisibilityHidesInstances() throws Exception {
        MainViewModel vm = newViewModel();
        vm.setDataset(service.load(SharedData.workingCopy(PERSON), n -> {}));
        vm.currentImageProperty().set(vm.images().get(3));
        int all = vm.getCurrentImage().annotations().size();
        assertEquals(all, vm.shownGroundTruthProperty().get().size());
        vm.selectedProperty().set(vm.shownGroundTruthProperty().get().getFirst());
        vm.category(1).visibleProperty().set(false);
        assertEquals(0, vm.shownGroundTruthProperty().get().size());
        assertNull(vm.selectedProperty().get(), "a hidden instance is no longer selected");
        vm.category(1).visibleProperty().set(true);
        assertEquals(all, vm.shownGroundTruthProperty().get().size());
    }

    @Test
    void predictionsFollowTheThresholdAndCountsMatchTheFile() throws Exception {
        LoadedDataset ds = service.load(PERSON, n -> {});
        PredictionSet ps = service.loadPredictions(DETECTIONS, ds);
        JsonNode dets = new ObjectMapper().readTree(DETECTIONS.toFile());
        assertEquals(dets.size(), ps.total());
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        vm.setPredictions(ps);
        assertEquals(MainViewModel.ViewMode.SIDE_BY_SIDE, vm.viewModeProperty().get());
        for (double t : new double[] {0, 0.25, 0.5, 0.75, 1.0}) {
            vm.scoreThresholdProperty().set(t);
            int total = 0;
            for (JsonNode d : dets) if (d.get("score").asDouble() >= t) total++;
            assertEquals(total, vm.predictionsAboveThresholdProperty().get(), "total at " + t);
            assertEquals(total, vm.category(1).predictionCountProperty().get());
            for (ImageEntry e : vm.images()) {
                vm.currentImageProperty().set(e);
                long n = 0;
                for (JsonNode d : dets)
                    if (d.get("image_id").asLong() == e.id() && d.get("score").asDouble() >= t) n++;
                assertEquals(n, vm.shownPredictionsProperty().get().size(), "image " + e.id() + " at " + t);
            }
        }
        // sorted by score, each with a decodable mask of the image's size
        vm.scoreThresholdProperty().set(0);
        vm.currentImageProperty().set(vm.images().getFirst());
        var shown = vm.shownPredictionsProperty().get();
        for (int i = 1; i < shown.size(); i++)
            assertTrue(shown.get(i - 1).score() >= shown.get(i).score());
        Instance p = shown.getFirst();
        assertEquals(425 * 640, p.mask().decode(425, 640).length);
        vm.setPredictions(null);
        assertEquals(MainViewModel.ViewMode.GROUND_TRUTH, vm.viewModeProperty().get());
        assertTrue(vm.shownPredictionsProperty().get().isEmpty());
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
        vm.filter().crowdOnlyProperty().set(true);
        assertEquals(
                crowdImages,
                new java.util.HashSet<>(
                        vm.filteredImages().stream().map(ImageEntry::id).toList()));
        assertEquals(crowd, StatisticsViewModel.of(ds).crowd());
        // a crowd region (uncompressed RLE) decodes to pycocotools' annToRLE mask area (expected.json)
        JsonNode expected = new ObjectMapper()
                .readTree(SHARED.resolve("fixtures/coco-eval/person-s3-crowd/expected.json")
                        .toFile())
                .get("masks");
        Map<Long, Long> expectedArea = new HashMap<>();
        for (JsonNode m : expected)
            expectedArea.put(m.get("id").asLong(), m.get("area").asLong());
        for (ImageEntry e : vm.filteredImages())
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
        Instance a = vm.images().getFirst().annotations().getFirst();
        assertEquals(ColorPalette.instanceRgb(a.id()), vm.colorOf(a));
        vm.layers().colorModeProperty().set(LayerSettings.ColorMode.CATEGORY);
        assertEquals(vm.category(a.categoryId()).rgb(), vm.colorOf(a));
        // 21 VOC categories (with background): the first 20 all differ
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) colors.add(ColorPalette.categoryRgb(i));
        assertEquals(20, colors.size());
        assertSame(
                vm.category(a.categoryId()),
                vm.categories().get(vm.category(a.categoryId()).index()));
    }

    @Test
    void reviewingPredictionsEditsTheImageAndUndoRestoresIt(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path file = tmp.resolve("person.json");
        java.nio.file.Files.copy(PERSON, file);
        LoadedDataset ds = service.load(file, n -> {});
        MainViewModel vm = newViewModel();
        vm.setDataset(ds);
        vm.setPredictions(service.loadPredictions(DETECTIONS, ds));
        vm.scoreThresholdProperty().set(0.0);
        vm.currentImageProperty().set(vm.images().get(2)); // 196141: 9 predictions
        ImageEntry e = vm.getCurrentImage();
        var gt0 = vm.shownGroundTruthProperty().get();
        var pr0 = vm.shownPredictionsProperty().get();
        assertTrue(pr0.size() >= 3, "the first image has predictions to review");
        int count0 = vm.category(1).count();
        int above0 = vm.predictionsAboveThresholdProperty().get();
        assertFalse(vm.dirtyProperty().get());

        Instance p = pr0.getFirst();
        vm.selectedProperty().set(p);
        assertTrue(vm.acceptSelected());
        assertSame(pr0.get(1), vm.selectedProperty().get(), "the next prediction is selected for review");
        Instance accepted = vm.shownGroundTruthProperty().get().getLast();
        assertFalse(accepted.prediction());
        assertEquals(p.categoryId(), accepted.categoryId());
        assertEquals(gt0.size() + 1, vm.shownGroundTruthProperty().get().size());
        for (int i = 0; i < gt0.size(); i++)
            assertSame(gt0.get(i), vm.shownGroundTruthProperty().get().get(i), "unchanged instances are kept");
        assertEquals(pr0.size() - 1, vm.shownPredictionsProperty().get().size());
        assertFalse(vm.shownPredictionsProperty().get().contains(p));
        assertEquals(count0 + 1, vm.category(1).count());
        assertEquals(above0 - 1, vm.predictionsAboveThresholdProperty().get());
        assertEquals(e.id(), vm.getCurrentImage().id());
        assertSame(vm.getCurrentImage(), vm.images().get(2));
        assertEquals(2, vm.currentIndex());
        assertTrue(vm.dirtyProperty().get());
        assertTrue(vm.undoLabelProperty().get().startsWith("Accept person"));

        // rejecting moves the selection to the next prediction
        Instance second = vm.shownPredictionsProperty().get().get(0);
        Instance third = vm.shownPredictionsProperty().get().get(1);
        vm.selectedProperty().set(second);
        assertTrue(vm.deleteSelected());
        assertSame(third, vm.selectedProperty().get());
        assertEquals(pr0.size() - 2, vm.shownPredictionsProperty().get().size());
        assertEquals(count0 + 1, vm.category(1).count(), "rejecting adds no annotation");

        // deleting the accepted annotation
        vm.selectedProperty().set(accepted);
        assertFalse(vm.setSelectedCategory(accepted.categoryId()), "same category: no edit");
        assertTrue(vm.deleteSelected());
        assertEquals(gt0.size(), vm.shownGroundTruthProperty().get().size());
        assertEquals(count0, vm.category(1).count());

        // undo from another image brings the edited image back
        assertTrue(vm.previous());
        assertTrue(vm.undo());
        assertEquals(e.id(), vm.getCurrentImage().id());
        assertEquals(accepted.id(), vm.selectedProperty().get().id(), "the undeleted annotation is selected");
        assertEquals(count0 + 1, vm.category(1).count());
        assertTrue(vm.undo());
        assertTrue(vm.shownPredictionsProperty().get().contains(second));
        assertTrue(vm.undo());
        assertEquals(pr0, vm.shownPredictionsProperty().get());
        assertEquals(gt0.size(), vm.shownGroundTruthProperty().get().size());
        assertEquals(count0, vm.category(1).count());
        assertEquals(above0, vm.predictionsAboveThresholdProperty().get());
        assertFalse(vm.dirtyProperty().get(), "everything undone: nothing to save");
        assertFalse(vm.undo());

        // redo the accept and save: the file has the annotation, the original is kept
        assertTrue(vm.redo());
        vm.document().saveBlocking();
        assertFalse(vm.dirtyProperty().get());
        JsonNode saved = new ObjectMapper().readTree(file.toFile());
        JsonNode orig = new ObjectMapper().readTree(PERSON.toFile());
        assertEquals(
                orig.get("annotations").size() + 1, saved.get("annotations").size());
        assertEquals(
                orig, new ObjectMapper().readTree(tmp.resolve("person.json.bak").toFile()));

        // accept all shown on the image: one undo takes them all back
        int left = vm.shownPredictionsProperty().get().size();
        assertEquals(left, vm.acceptAllShown());
        assertTrue(vm.shownPredictionsProperty().get().isEmpty());
        assertEquals(gt0.size() + 1 + left, vm.shownGroundTruthProperty().get().size());
        assertTrue(vm.undo()); // one action, one undo
        assertEquals(left, vm.shownPredictionsProperty().get().size());
        assertFalse(vm.dirtyProperty().get());
    }
}
