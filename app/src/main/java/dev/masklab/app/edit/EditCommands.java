package dev.masklab.app.edit;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;
import java.util.List;

/**
 * The edit commands on ground-truth annotations, each one undoable {@link Edit} of the document's
 * {@link AnnotationEditor} with its status message: delete, category, box, move, vertices and parts, mask &lt;-&gt;
 * polygons, iscrowd, and undo / redo. Drawing new shapes is {@link DrawCommands}, keypoints {@link KeypointCommands}.
 */
public final class EditCommands {
    private final MainViewModel vm;

    public EditCommands(MainViewModel vm) {
        this.vm = vm;
    }

    /**
     * Removes the selection: a prediction is rejected (hidden; the file does not change), an annotation deleted (its
     * selected keypoint only, when one is: {@link KeypointCommands#deleteSelectedKeypoint()}). The next instance of
     * the same kind on the image becomes selected, for reviewing with the keyboard.
     */
    public boolean deleteSelected() {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || s == null) return false;
        if (s.prediction()) return vm.review().rejectSelected();
        if (vm.selection().selectedKeypointProperty().get() >= 0)
            return vm.keypoints().deleteSelectedKeypoint();
        int at = shownGroundTruth().indexOf(s);
        String what = vm.categories().describe(s);
        vm.editor().delete(s.id(), "Delete " + what);
        vm.sync().afterEdit(s.imageId(), s.id(), false, "Deleted " + what);
        vm.review().selectSameIndex(shownGroundTruth(), at);
        return true;
    }

    private List<Instance> shownGroundTruth() {
        return vm.shown().shownGroundTruthProperty().get();
    }

    /** Gives the selected annotation another category; false when a prediction or nothing is selected. */
    public boolean setSelectedCategory(int categoryId) {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || s == null || s.prediction() || s.categoryId() == categoryId) return false;
        vm.editor()
                .setCategory(
                        s.id(),
                        categoryId,
                        "Set category of #" + s.id() + " to " + vm.categories().categoryName(categoryId));
        vm.sync()
                .afterEdit(
                        s.imageId(),
                        s.id(),
                        true,
                        "#" + s.id() + " is now " + vm.categories().categoryName(categoryId));
        return true;
    }

    /** New box (x, y, w, h in image pixels) for a ground-truth annotation. */
    public void setBox(Instance annotation, double[] xywh) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        vm.editor().boxes().setBbox(annotation.id(), xywh, "Move box of #" + annotation.id());
        vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /**
     * Moves box corner {@code corner} (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left) of a ground-truth
     * annotation to (x, y): two edges move and the shape follows the box ({@code AnnotationEditor.moveBoxCorner}), so
     * a box stays a box and box and mask never disagree.
     */
    public void moveBoxCorner(Instance annotation, int corner, double x, double y) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        vm.editor().boxes().moveBoxCorner(annotation.id(), corner, x, y, "Move box of #" + annotation.id());
        vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Moves a whole ground-truth annotation by (dx, dy) image pixels (kept inside the image). */
    public void translate(Instance annotation, double dx, double dy) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        if (vm.editor().boxes().translate(annotation.id(), dx, dy, "Move #" + annotation.id()))
            vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Moves a polygon vertex of a ground-truth annotation. */
    public void moveVertex(Instance annotation, int polygon, int vertex, double x, double y) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        vm.editor().moveVertex(annotation.id(), polygon, vertex, x, y, "Move vertex of #" + annotation.id());
        vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /**
     * Inserts a vertex on edge {@code edge} of part {@code polygon} of a ground-truth polygon annotation, at the point
     * of that edge nearest to (x, y) image pixels ({@code PolygonEditor.insertVertex}); one undoable edit.
     */
    public void insertVertex(Instance annotation, int polygon, int edge, double x, double y) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        vm.editor()
                .polygons()
                .insertVertex(annotation.id(), polygon, edge, x, y, "Insert vertex in #" + annotation.id());
        vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /**
     * Deletes a polygon vertex of a ground-truth annotation. A part keeps 3 vertices: deleting from a triangle asks
     * (through the dialogs) to delete that part instead; the only part is never deleted this way (delete the
     * annotation). True when something was deleted.
     */
    public boolean deleteVertex(Instance annotation, int polygon, int vertex) {
        if (!vm.sync().editable() || annotation.prediction()) return false;
        if (vm.editor()
                .polygons()
                .deleteVertex(annotation.id(), polygon, vertex, "Delete vertex of #" + annotation.id())) {
            vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
            return true;
        }
        if (polygonsOf(annotation).size() < 2) {
            vm.messageProperty().set("A polygon keeps at least 3 vertices: delete the annotation instead");
            return false;
        }
        if (!vm.document()
                .dialogs()
                .confirm(
                        "Delete this part of #" + annotation.id() + "?",
                        "A part keeps at least 3 vertices. Deleting the vertex deletes the whole part (undo brings it back).",
                        "Delete part")) return false;
        return deletePart(annotation, polygon);
    }

    /** "Delete part": deletes {@link #selectedPartProperty()} of the selected annotation; false for none or its last part. */
    public boolean deleteSelectedPart() {
        Instance s = vm.selection().getSelected();
        int p = vm.selection().selectedPartProperty().get();
        if (s == null || p < 0 || !deletePart(s, p)) return false;
        vm.selection().selectedPartProperty().set(-1);
        return true;
    }

    /** Deletes part {@code polygon} of a ground-truth polygon annotation; false for its only part. */
    public boolean deletePart(Instance annotation, int polygon) {
        if (!vm.sync().editable() || annotation.prediction()) return false;
        if (!vm.editor().polygons().deletePart(annotation.id(), polygon, "Delete part of #" + annotation.id())) {
            vm.messageProperty().set("The last part is not deleted: delete the annotation instead");
            return false;
        }
        vm.sync()
                .afterEdit(
                        annotation.imageId(),
                        annotation.id(),
                        true,
                        "Deleted part " + (polygon + 1) + " of #" + annotation.id());
        return true;
    }

    /** The polygons of a ground-truth annotation (read-only, image pixels), empty for masks, boxes and predictions. */
    public List<double[]> polygonsOf(Instance annotation) {
        if (vm.editor() == null || annotation == null || annotation.prediction()) return List.of();
        var a = vm.editor().coco().annotation(annotation.id());
        return a != null && a.segmentation() instanceof dev.masklab.coco.Segmentation.Polygons p
                ? p.polygonsView()
                : List.of();
    }

    /** True when {@code inst} is a ground-truth annotation whose mask is RLE and no crowd region (it may become polygons). */
    public static boolean convertibleToPolygons(Instance inst) {
        return inst != null
                && !inst.prediction()
                && !inst.crowd()
                && inst.maskKind().endsWith("RLE");
    }

    /** True when {@code inst} is a ground-truth polygon annotation (it may become an RLE mask). */
    public static boolean convertibleToMask(Instance inst) {
        return inst != null && !inst.prediction() && inst.maskKind().startsWith("polygon");
    }

    /**
     * "Convert to polygons…": the selected RLE annotation is traced once ({@code PolygonEditor.tracePolygons}); the
     * dialogs ask for the simplification tolerance (0..5 px, 1 px first) showing each value's vertex count and IoU
     * with the mask; the polygons fitted at the chosen tolerance replace the mask (one undo). False when cancelled.
     */
    public boolean convertSelectedToPolygons() {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || !convertibleToPolygons(s)) return false;
        var trace = vm.editor().polygons().tracePolygons(s.id());
        String holes = trace.holePixels() > 0 ? String.format(" (fills %d hole pixels)", trace.holePixels()) : "";
        var tol = vm.document()
                .dialogs()
                .askValue("Convert #" + s.id() + " to polygons: tolerance (px)", 0, 5, 1, t -> {
                    var fit = trace.fit(t);
                    return String.format("%d vertices, IoU %.4f", fit.vertexCount(), fit.iou()) + holes;
                });
        if (tol.isEmpty()) return false;
        try {
            var fit = vm.editor()
                    .polygons()
                    .convertToPolygons(s.id(), tol.getAsDouble(), "Convert #" + s.id() + " to polygons");
            vm.sync()
                    .afterEdit(
                            s.imageId(),
                            s.id(),
                            true,
                            String.format(
                                    "#%d is now %d polygons, %d vertices, IoU %.4f",
                                    s.id(), fit.polygons().size(), fit.vertexCount(), fit.iou()));
            return true;
        } catch (IllegalArgumentException ex) {
            vm.document().dialogs().showError("Cannot convert #" + s.id() + " to polygons", ex.getMessage());
            return false;
        }
    }

    /** "Convert to mask": the selected polygon annotation becomes its exact RLE mask (one undo). */
    public boolean convertSelectedToMask() {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || !convertibleToMask(s)) return false;
        vm.editor().polygons().convertToMask(s.id(), "Convert #" + s.id() + " to a mask");
        vm.sync().afterEdit(s.imageId(), s.id(), true, "#" + s.id() + " is now an RLE mask");
        return true;
    }

    /** Toggles {@code iscrowd} of the selected annotation ({@code AnnotationEditor.setCrowd}); false when none. */
    public boolean toggleSelectedCrowd() {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || s == null || s.prediction()) return false;
        boolean crowd = !s.crowd();
        vm.editor().setCrowd(s.id(), crowd, (crowd ? "Mark #" : "Unmark #") + s.id() + " as crowd");
        vm.sync()
                .afterEdit(
                        s.imageId(),
                        s.id(),
                        true,
                        "#" + s.id() + (crowd ? " is a crowd region" : " is no crowd region"));
        return true;
    }

    public boolean undo() {
        if (!vm.sync().editable()) return false;
        Edit e = vm.editor().undo();
        if (e == null) return false;
        afterUndoOrRedo(e, "Undone: ");
        return true;
    }

    public boolean redo() {
        if (!vm.sync().editable()) return false;
        Edit e = vm.editor().redo();
        if (e == null) return false;
        afterUndoOrRedo(e, "Redone: ");
        return true;
    }

    /** An edit of one image updates that image; one of several (a category's) updates categories and every image. */
    private void afterUndoOrRedo(Edit e, String what) {
        if (e.imageId() >= 0) vm.sync().afterEdit(e.imageId(), e.annotationId(), true, what + e.label());
        else vm.sync().afterDatasetEdit(what + e.label());
    }
}
