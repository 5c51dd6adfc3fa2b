package dev.masklab.app.edit;

import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import java.util.List;

/**
 * Drawing new annotations on the current image with the draw category ({@code ToolState}): boxes, polygons, brush
 * strokes, and polygon parts added to the selected annotation ("Add part"). Each is one undoable {@link Edit}.
 */
public final class DrawCommands {
    private final MainViewModel vm;

    public DrawCommands(MainViewModel vm) {
        this.vm = vm;
    }

    /** Adds a box (any two opposite corners, image pixels) on the current image as a 4-corner polygon; -1 if too small. */
    public long addBox(double x0, double y0, double x1, double y1) {
        double xa = Math.min(x0, x1), xb = Math.max(x0, x1), ya = Math.min(y0, y1), yb = Math.max(y0, y1);
        if (xb - xa < 1 || yb - ya < 1) return -1;
        return addPolygon(new double[] {xa, ya, xb, ya, xb, yb, xa, yb}, "box");
    }

    /** Adds a polygon (x0, y0, x1, y1, ...; at least 3 points) on the current image; it becomes selected. */
    public long addPolygon(double[] xy) {
        return addPolygon(xy, "polygon");
    }

    private long addPolygon(double[] xy, String what) {
        ImageEntry cur = vm.navigation().getCurrentImage();
        CategoryRow c = vm.tools().drawCategoryProperty().get();
        if (!vm.sync().editable() || cur == null || c == null || xy.length < 6) return -1;
        long id = vm.editor().addPolygons(cur.id(), c.id(), List.of(xy), "Draw " + c.name() + " " + what);
        vm.sync().afterEdit(cur.id(), id, true, "New " + c.name() + " " + what + " #" + id);
        return id;
    }

    /**
     * A brush stroke (x0, y0, x1, y1, ... in image pixels) with {@link #brushRadiusProperty()}: painted into the
     * selected annotation's mask, or a new annotation of the draw category when none is selected; erasing needs a
     * selected annotation. Returns the annotation's id, or -1 when nothing changed.
     */
    public long paint(double[] stroke, boolean add) {
        ImageEntry cur = vm.navigation().getCurrentImage();
        if (!vm.sync().editable() || cur == null || stroke.length < 2) return -1;
        Instance s = vm.selection().getSelected();
        Instance target = s != null && !s.prediction() && s.imageId() == cur.id() ? s : null;
        if (target == null && !add) {
            vm.messageProperty().set("Select an annotation to erase from");
            return -1;
        }
        CategoryRow c = target != null
                ? vm.categories().category(target.categoryId())
                : vm.tools().drawCategoryProperty().get();
        if (target == null && c == null) return -1;
        String what = (add ? "Paint " : "Erase ") + (target != null ? "#" + target.id() : "new " + c.name());
        long id = vm.editor()
                .brush()
                .paint(
                        target == null ? -1 : target.id(),
                        cur.id(),
                        c == null ? target.categoryId() : c.id(),
                        stroke,
                        vm.tools().brushRadiusProperty().get(),
                        add,
                        what);
        if (id < 0) {
            vm.messageProperty().set("The stroke changed no pixel");
            return -1;
        }
        vm.sync()
                .afterEdit(
                        cur.id(),
                        id,
                        true,
                        target != null && target.maskKind().startsWith("polygon")
                                ? what + ": the mask is now stored as RLE"
                                : what);
        return id;
    }

    /**
     * Adds a polygon (x0, y0, x1, y1, ...; at least 3 points) as a new part of the selected ground-truth annotation
     * ({@code PolygonEditor.addPart}: appended to its polygons; into an RLE mask its pixels are added). False when no
     * annotation is selected.
     */
    public boolean addPartToSelected(double[] xy) {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || s == null || s.prediction() || xy.length < 6) return false;
        vm.editor().polygons().addPart(s.id(), xy, "Add part to #" + s.id());
        vm.sync().afterEdit(s.imageId(), s.id(), true, "Added a part to #" + s.id());
        return true;
    }

    /**
     * "Add part": the polygon tool starts, and the polygon it closes next becomes a part of the selected annotation
     * ({@link #addPartToSelected}) instead of a new annotation. False when no annotation is selected.
     */
    public boolean startAddPart() {
        Instance s = vm.selection().getSelected();
        if (vm.editor() == null || s == null || s.prediction()) return false;
        vm.tools().toolProperty().set(ToolKind.POLYGON);
        vm.tools().addingPartProperty().set(true);
        vm.messageProperty().set("Draw the new part of #" + s.id() + " (Escape cancels)");
        return true;
    }

    /**
     * A polygon closed by the polygon tool: a part of the selected annotation in add-part mode (then the select tool
     * returns), else a new annotation ({@link #addPolygon(double[])}).
     */
    public long closePolygon(double[] xy) {
        if (!vm.tools().addingPartProperty().get()) return addPolygon(xy);
        Instance s = vm.selection().getSelected();
        boolean added = addPartToSelected(xy);
        vm.tools().addingPartProperty().set(false);
        vm.tools().toolProperty().set(ToolKind.SELECT);
        return added ? s.id() : -1;
    }
}
