package dev.masklab.app.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.edit.EditCommands;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.Segmentation;
import dev.masklab.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edit commands of the window through the view-model, answers scripted ({@link ScriptedDialogs}): accept a
 * prediction as another category, toggle iscrowd, and add / rename / merge / delete categories, each undoable.
 */
class EditCommandsTest {
    final ScriptedDialogs dialogs = new ScriptedDialogs();
    final MainViewModel vm = new MainViewModel(new DatasetDocument(dialogs, new DirectTaskExecutor()));
    final DatasetService service = new DatasetService();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void openACopy() throws Exception { // edits journal beside the file: never beside the shared one
        vm.setDataset(service.load(SharedData.workingCopy(SharedData.personDataset(), tmp), n -> {}));
    }

    CocoAnnotation stored(long id) {
        return vm.editor().coco().annotation(id);
    }

    List<String> categoryNames() {
        return vm.categories().rows().stream().map(CategoryRow::name).toList();
    }

    long addCategory(String name) {
        dialogs.text = header -> header.equals("New category") ? name : null;
        return vm.categoryEdits().addCategory();
    }

    @Test
    void acceptAsAnotherCategoryThenToggleCrowdAndUndo() throws Exception {
        vm.predictions().setPredictions(service.loadPredictions(MainViewModelTest.DETECTIONS, vm.getDataset()));
        vm.predictions().scoreThresholdProperty().set(0.0);
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(2));
        long rider = addCategory("rider");
        assertEquals(List.of("person", "rider"), categoryNames());
        Instance p = vm.shown().shownPredictionsProperty().get().getFirst();
        assertTrue(p.hasKeypoints() || p.hasMask());
        vm.selection().selectedProperty().set(p);
        dialogs.choice = (header, choices) ->
                header.startsWith("Accept ") ? choices.indexOf(vm.categories().category((int) rider)) : -1;
        assertTrue(vm.review().acceptSelectedAsChosen());
        assertTrue(
                dialogs.asked.contains("choose Accept " + vm.categories().describe(p) + " as"),
                dialogs.asked.toString());
        Instance a = vm.shown().shownGroundTruthProperty().get().getLast();
        assertEquals(rider, a.categoryId());
        assertNull(stored(a.id()).keypoints(), "rider has no keypoints: the prediction's are dropped");
        assertEquals(1, vm.categories().category((int) rider).count());
        assertFalse(vm.shown().shownPredictionsProperty().get().contains(p));

        // cancelled: nothing accepted
        Instance next = vm.selection().selectedProperty().get();
        dialogs.choice = (header, choices) -> -1;
        assertFalse(vm.review().acceptSelectedAsChosen());
        assertTrue(vm.shown().shownPredictionsProperty().get().contains(next));

        // iscrowd: stored as uncompressed RLE with the same pixels, and back on undo
        vm.selection().selectedProperty().set(a);
        Segmentation before = stored(a.id()).segmentation();
        assertInstanceOf(Segmentation.CompressedRle.class, before);
        assertTrue(vm.edits().toggleSelectedCrowd());
        assertEquals(1, stored(a.id()).iscrowd());
        assertInstanceOf(Segmentation.UncompressedRle.class, stored(a.id()).segmentation());
        assertTrue(vm.selection().selectedProperty().get().crowd(), "the shown instance follows");
        assertEquals(
                "Mark #" + a.id() + " as crowd",
                vm.document().undoLabelProperty().get());
        assertTrue(vm.edits().undo());
        assertEquals(0, stored(a.id()).iscrowd());
        assertEquals(before, stored(a.id()).segmentation());
        assertFalse(vm.selection().selectedProperty().get().crowd());
        assertTrue(vm.edits().undo()); // the accept
        assertTrue(vm.shown().shownPredictionsProperty().get().contains(p));
        assertEquals(0, vm.categories().category((int) rider).count());
    }

    @Test
    void convertToPolygonsUsesTheScriptedToleranceAndConvertToMaskGoesBack() throws Exception {
        vm.predictions().setPredictions(service.loadPredictions(MainViewModelTest.DETECTIONS, vm.getDataset()));
        vm.predictions().scoreThresholdProperty().set(0.0);
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(2));
        vm.selection()
                .selectedProperty()
                .set(vm.shown().shownPredictionsProperty().get().getFirst());
        assertTrue(vm.review().acceptSelected());
        Instance a = vm.shown().shownGroundTruthProperty().get().getLast();
        vm.selection().selectedProperty().set(a);
        assertTrue(EditCommands.convertibleToPolygons(a));
        assertFalse(EditCommands.convertibleToMask(a));
        Segmentation rle = stored(a.id()).segmentation();
        var trace = vm.editor().polygons().tracePolygons(a.id());
        var fit = trace.fit(2.0);

        assertFalse(vm.edits().convertSelectedToPolygons(), "cancelled");
        assertEquals(rle, stored(a.id()).segmentation());
        dialogs.previews.clear();
        dialogs.value = 2.0;
        assertTrue(vm.edits().convertSelectedToPolygons());
        assertEquals("value Convert #" + a.id() + " to polygons: tolerance (px)", dialogs.asked.getLast());
        assertTrue(
                dialogs.previews
                        .getLast()
                        .startsWith(String.format("%d vertices, IoU %.4f", fit.vertexCount(), fit.iou())),
                dialogs.previews.toString());
        List<double[]> got = ((Segmentation.Polygons) stored(a.id()).segmentation()).polygonsView();
        assertEquals(fit.polygons().size(), got.size());
        for (int i = 0; i < got.size(); i++)
            org.junit.jupiter.api.Assertions.assertArrayEquals(fit.polygons().get(i), got.get(i));
        Instance converted = vm.selection().selectedProperty().get();
        assertEquals(a.id(), converted.id());
        assertTrue(EditCommands.convertibleToMask(converted));

        assertTrue(vm.edits().convertSelectedToMask());
        assertInstanceOf(Segmentation.CompressedRle.class, stored(a.id()).segmentation());
        assertEquals(fit.rasterised().area(), stored(a.id()).area(), 1e-9);
        assertTrue(vm.edits().undo());
        assertTrue(vm.edits().undo());
        assertEquals(rle, stored(a.id()).segmentation());
    }

    @Test
    void categoriesAreAddedRenamedMergedAndDeletedUndoably() throws Exception {
        int persons = vm.categories().category(1).count();
        assertTrue(persons > 0);
        long rider = addCategory("rider");
        assertEquals(-1, addCategory("rider"), "a taken name is refused");
        assertEquals(1, dialogs.errors.size(), dialogs.errors.toString());

        // a rider annotation, then rename and merge rider into person
        vm.tools().drawCategoryProperty().set(vm.categories().category((int) rider));
        long drawn = vm.draw().addPolygon(new double[] {10, 10, 60, 10, 30, 40});
        assertEquals(rider, stored(drawn).categoryId());
        dialogs.text = header -> header.equals("Rename category person") ? "human" : null;
        assertTrue(vm.categoryEdits().renameCategory(vm.categories().category(1)));
        assertEquals(List.of("human", "rider"), categoryNames());
        assertEquals("human", vm.categories().categoryName(1));
        dialogs.choice = (header, choices) -> header.equals("Merge rider into") ? 0 : -1;
        assertEquals(1, vm.categoryEdits().mergeCategory(vm.categories().category((int) rider)));
        assertEquals(List.of("human"), categoryNames());
        assertEquals(1, stored(drawn).categoryId());
        assertEquals(persons + 1, vm.categories().category(1).count());
        assertTrue(vm.shown().shownGroundTruthProperty().get().stream()
                .anyMatch(i -> i.id() == drawn && i.categoryId() == 1));
        assertEquals(
                vm.categories().category(1),
                vm.tools().drawCategoryProperty().get(),
                "the merged draw category falls back");

        assertTrue(vm.edits().undo());
        assertEquals(List.of("human", "rider"), categoryNames());
        assertEquals(rider, stored(drawn).categoryId());
        assertEquals(1, vm.categories().category((int) rider).count());
        assertEquals(persons, vm.categories().category(1).count());
        assertTrue(vm.shown().shownGroundTruthProperty().get().stream()
                .anyMatch(i -> i.id() == drawn && i.categoryId() == rider));

        // delete asks with the number of annotations; declined changes nothing
        int total = vm.editor().coco().annotations().size();
        assertEquals(-1, vm.categoryEdits().deleteCategory(vm.categories().category(1)));
        assertEquals("confirm Delete category human and its " + persons + " annotations?", dialogs.asked.getLast());
        assertEquals(total, vm.editor().coco().annotations().size());
        dialogs.confirm = header -> header.startsWith("Delete category human");
        assertEquals(persons, vm.categoryEdits().deleteCategory(vm.categories().category(1)));
        assertEquals(List.of("rider"), categoryNames());
        assertEquals(total - persons, vm.editor().coco().annotations().size());
        for (var images : vm.navigation().images())
            for (Instance i : images.annotations()) assertEquals(rider, i.categoryId());

        assertTrue(vm.edits().undo());
        assertEquals(List.of("human", "rider"), categoryNames());
        assertEquals(total, vm.editor().coco().annotations().size());
        assertEquals(persons, vm.categories().category(1).count());
        assertTrue(vm.edits().undo()); // the rename
        assertEquals(List.of("person", "rider"), categoryNames());
        assertTrue(vm.edits().redo());
        assertEquals(List.of("human", "rider"), categoryNames());
    }

    @Test
    void categoryColoursStayPutWhenAnotherIsMergedOrDeletedAndComeBackOnUndo() throws Exception {
        vm.setDataset(service.load(SharedData.workingCopy(SharedData.vocDataset(), tmp.resolve("voc")), n -> {}));
        java.util.Map<Integer, Integer> before = new java.util.HashMap<>();
        for (CategoryRow r : vm.categories().rows()) before.put(r.id(), r.rgb());
        assertTrue(before.values().stream().distinct().count() == before.size(), "20 distinct colours");
        CategoryRow first = vm.categories().rows().getFirst();
        dialogs.confirm = header -> header.startsWith("Delete category " + first.name());
        assertTrue(vm.categoryEdits().deleteCategory(first) >= 0);
        for (CategoryRow r : vm.categories().rows())
            assertEquals(before.get(r.id()), r.rgb(), r.name() + " kept its colour");
        long added = addCategory("new one");
        assertFalse(
                before.containsValue(vm.categories().category((int) added).rgb()),
                "a new category gets a colour of its own");
        assertTrue(vm.edits().undo()); // the addition
        assertTrue(vm.edits().undo()); // the deletion
        for (CategoryRow r : vm.categories().rows()) assertEquals(before.get(r.id()), r.rgb(), r.name() + " as before");
    }
}
