package dev.masklab.app.main;

import dev.masklab.app.browser.NavigationModel;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.inspector.CategoryModel;
import dev.masklab.app.inspector.SelectionModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.CocoAdapter;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Keeps the window's state in step with the document: a newly opened dataset resets it, and after each edit, undo or
 * redo the changed image entries are rebuilt from the dataset (unchanged annotations keep their {@code Instance}, so
 * the canvas keeps their decoded masks), counts follow, and the edited annotation stays selected. The edit commands
 * ask it whether an edit may be made now ({@link #editable()}).
 */
public final class DocumentSync {
    private final MainViewModel vm;
    private final DatasetDocument document;
    private final List<LongConsumer> editListeners = new ArrayList<>();
    /** Set while an edit replaces the current image's entry: the selection is kept, not cleared. */
    private boolean replacingCurrent;

    DocumentSync(MainViewModel vm) {
        this.vm = vm;
        this.document = vm.document();
    }

    /** See {@link MainViewModel#addEditListener}. */
    void addEditListener(LongConsumer listener) {
        editListeners.add(listener);
    }

    /** True while the current image's entry is being replaced by its edited version (the selection stays). */
    boolean replacingCurrent() {
        return replacingCurrent;
    }

    /** True when an edit may be made now: a dataset is open and no save is writing it (then the status line says so). */
    public boolean editable() {
        if (document.editor() == null) return false;
        if (document.isSaving()) {
            vm.messageProperty().set("Saving: try again when the file is written");
            return false;
        }
        return true;
    }

    /** Resets filter, predictions and selection for the document's new dataset; the first image becomes current. */
    void showDataset(LoadedDataset ds) {
        vm.predictions().setPredictions(null);
        vm.navigation().clear();
        vm.categories().show(ds);
        List<CategoryRow> rows = vm.categories().rows();
        vm.tools().drawCategoryProperty().set(rows.isEmpty() ? null : rows.getFirst());
        vm.tools().toolProperty().set(ToolKind.SELECT);
        vm.navigation().show(ds == null ? List.of() : ds.images());
    }

    /** The shown lists computed again; a selection or hover no longer shown is dropped. */
    void refreshShown() {
        var shown = vm.shown();
        shown.refresh(vm.navigation().getCurrentImage(), vm.categories(), vm.predictions(), vm.review()::reviewed);
        vm.selection()
                .retain(
                        shown.shownGroundTruthProperty().get(),
                        shown.shownPredictionsProperty().get());
    }

    /** The pending-prediction counts and the review progress computed again. */
    void refreshCounts() {
        vm.predictions().refreshCounts(vm.categories(), vm.review()::reviewed);
        vm.review().refreshProgress();
    }

    /**
     * After an edit of several images (a category added, renamed, merged or deleted; its undo): the category rows are
     * built again from the dataset (visibility kept by id, counts recounted) and every image's entry whose annotations
     * changed (category or presence) is rebuilt; the draw category stays unless it is gone.
     */
    public void afterDatasetEdit(String msg) {
        document.edited();
        LoadedDataset ds = document.dataset();
        if (ds == null) return;
        NavigationModel nav = vm.navigation();
        CategoryModel categories = vm.categories();
        SelectionModel selection = vm.selection();
        CategoryRow draw = vm.tools().drawCategoryProperty().get();
        ImageEntry cur = nav.getCurrentImage();
        Instance sel = selection.getSelected();
        replacingCurrent = true;
        try {
            categories.rebuild(ds.coco());
            List<CategoryRow> rows = categories.rows();
            vm.tools()
                    .drawCategoryProperty()
                    .set(
                            draw != null && categories.category(draw.id()) != null
                                    ? categories.category(draw.id())
                                    : rows.isEmpty() ? null : rows.getFirst());
            List<ImageEntry> images = nav.images();
            for (int i = 0; i < images.size(); i++) {
                ImageEntry e = images.get(i);
                Map<Long, Instance> kept = new HashMap<>();
                for (Instance a : e.annotations()) kept.put(a.id(), a);
                List<Instance> now = new ArrayList<>();
                boolean same = true;
                for (var a : ds.coco().annotationsOf(e.id())) {
                    Instance prev = kept.get(a.id());
                    Instance inst =
                            prev != null && prev.categoryId() == a.categoryId() ? prev : CocoAdapter.groundTruth(a);
                    same &= inst == prev;
                    now.add(inst);
                }
                same &= now.size() == e.annotations().size();
                if (same) continue;
                ImageEntry entry = new ImageEntry(e.id(), e.fileName(), e.width(), e.height(), e.file(), now);
                images.set(i, entry);
                if (e == cur) nav.currentImageProperty().set(entry);
            }
        } finally {
            replacingCurrent = false;
        }
        refreshShown();
        refreshCounts();
        if (sel != null && !sel.prediction()) {
            Instance again = null;
            for (Instance a : vm.shown().shownGroundTruthProperty().get()) if (a.id() == sel.id()) again = a;
            selection.selectedProperty().set(again);
        }
        if (msg != null) vm.messageProperty().set(msg);
    }

    /**
     * After an edit, undo or redo of annotation {@code editedId} (-1: none changed, e.g. a rejected prediction, or only
     * new ones): rebuilds the image's entry from the dataset, keeping the instances of the other annotations (so the
     * canvas keeps their decoded masks), moves there when it is not shown, updates counts, and selects the edited
     * annotation when asked and it exists.
     */
    public void afterEdit(long imageId, long editedId, boolean selectEdited, String msg) {
        document.edited();
        SelectionModel selection = vm.selection();
        NavigationModel nav = vm.navigation();
        int keypoint = selection.selectedKeypointProperty().get(),
                part = selection.selectedPartProperty().get();
        Instance was = selection.getSelected();
        long selectedId = was == null || was.prediction() ? -1 : was.id();
        for (LongConsumer l : editListeners) l.accept(imageId);
        LoadedDataset ds = document.dataset();
        int idx = nav.indexOf(imageId);
        if (ds == null || idx < 0) return;
        ImageEntry old = nav.images().get(idx);
        Map<Long, Instance> kept = new HashMap<>();
        for (Instance a : old.annotations()) kept.put(a.id(), a);
        List<Instance> now = new ArrayList<>();
        Map<Integer, Integer> delta = new HashMap<>();
        for (var a : ds.coco().annotationsOf(imageId)) {
            Instance prev = kept.remove(a.id());
            Instance inst = prev != null && a.id() != editedId ? prev : CocoAdapter.groundTruth(a);
            if (prev != null) delta.merge(prev.categoryId(), -1, Integer::sum);
            delta.merge(inst.categoryId(), 1, Integer::sum);
            now.add(inst);
        }
        for (Instance gone : kept.values()) delta.merge(gone.categoryId(), -1, Integer::sum);
        delta.forEach(vm.categories()::addToCount);
        boolean same = now.size() == old.annotations().size();
        for (int i = 0; same && i < now.size(); i++)
            same = now.get(i) == old.annotations().get(i);
        // a rejected prediction changes no annotation: the entry stays (the views keep drawing that object)
        ImageEntry entry =
                same ? old : new ImageEntry(old.id(), old.fileName(), old.width(), old.height(), old.file(), now);
        boolean wasCurrent = nav.getCurrentImage() == old;
        replacingCurrent = wasCurrent;
        try {
            if (entry != old) nav.images().set(idx, entry);
            nav.currentImageProperty().set(entry);
        } finally {
            replacingCurrent = false;
        }
        if (!wasCurrent) selection.clear();
        refreshShown(); // an entry equal to the old one (same instances, a prediction rejected) fires no change
        refreshCounts();
        Instance sel = null;
        if (selectEdited) for (Instance a : entry.annotations()) if (a.id() == editedId) sel = a;
        selection.selectedProperty().set(sel);
        if (sel != null && sel.id() == selectedId) { // the same annotation keeps its selected keypoint and part
            selection.selectedKeypointProperty().set(keypoint);
            selection
                    .selectedPartProperty()
                    .set(part < vm.edits().polygonsOf(sel).size() ? part : -1);
        }
        if (msg != null) vm.messageProperty().set(msg);
    }
}
