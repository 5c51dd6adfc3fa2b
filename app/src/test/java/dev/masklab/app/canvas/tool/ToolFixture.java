package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Handle;
import dev.masklab.app.canvas.HitTester;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small {@link ToolContext} without a display: the shared person set in a view-model, a viewport at zoom 2 panned
 * by (10, 20) (so screen = 10 + 2 x, 20 + 2 y), picking by box. Tools get events in screen coordinates from
 * {@link #press}, {@link #drag}, {@link #release}, {@link #click}.
 */
final class ToolFixture implements ToolContext {
    static final Path PERSON = SharedData.path("data/coco-person-kp/test_coco.json");
    static final double ZOOM = 2, PAN_X = 10, PAN_Y = 20;

    final ScriptedDialogs dialogs = new ScriptedDialogs();
    final MainViewModel vm = new MainViewModel(new DatasetDocument(dialogs, new DirectTaskExecutor()));
    final Viewport vp = new Viewport();
    int repaints;
    final List<double[]> keypointMenus = new ArrayList<>();

    ToolFixture() throws IOException {
        vm.setDataset(new DatasetService().load(SharedData.workingCopy(PERSON), n -> {})); // edits journal beside it
        ImageEntry e = vm.navigation().getCurrentImage();
        vp.setViewSize(800, 600);
        vp.setImageSize(e.width(), e.height());
        vp.zoomProperty().set(ZOOM);
        vp.panXProperty().set(PAN_X);
        vp.panYProperty().set(PAN_Y);
    }

    static double sx(double ix) {
        return PAN_X + ZOOM * ix;
    }

    static double sy(double iy) {
        return PAN_Y + ZOOM * iy;
    }

    /** The stored annotation (what the edit wrote into the dataset). */
    CocoAnnotation stored(long id) {
        return vm.editor().coco().annotation(id);
    }

    /** The shown ground-truth instance with {@code id}. */
    Instance shown(long id) {
        for (Instance a : vm.shown().shownGroundTruthProperty().get()) if (a.id() == id) return a;
        throw new AssertionError("annotation " + id + " not shown");
    }

    int annotationCount() {
        return vm.editor().coco().annotations().size();
    }

    // ---- events at image coordinates ----

    static ToolEvent at(double ix, double iy, boolean afterDrag) {
        return ToolEvent.primary(sx(ix), sy(iy), afterDrag);
    }

    static ToolEvent doubleClickAt(double ix, double iy) {
        return new ToolEvent(sx(ix), sy(iy), javafx.scene.input.MouseButton.PRIMARY, 2, sx(ix), sy(iy), false);
    }

    static ToolEvent secondaryAt(double ix, double iy) {
        return new ToolEvent(sx(ix), sy(iy), javafx.scene.input.MouseButton.SECONDARY, 1, sx(ix), sy(iy), false);
    }

    /** Press at a, drag through the points, release at the last one (afterDrag once it moved). */
    static void drag(Tool t, double... xy) {
        t.press(at(xy[0], xy[1], false));
        for (int i = 2; i < xy.length; i += 2) t.drag(at(xy[i], xy[i + 1], true));
        t.release(at(xy[xy.length - 2], xy[xy.length - 1], xy.length > 2));
    }

    // ---- ToolContext ----

    @Override
    public MainViewModel model() {
        return vm;
    }

    @Override
    public Viewport viewport() {
        return vp;
    }

    @Override
    public boolean drawsShapes() {
        return vm.navigation().getCurrentImage() != null && vm.editor() != null;
    }

    @Override
    public Instance editable() {
        Instance s = vm.selection().selectedProperty().get();
        return s != null && !s.prediction() ? s : null;
    }

    /** The smallest shown instance whose box holds the point. */
    @Override
    public Instance instanceAt(double sx, double sy) {
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        Instance best = null;
        for (Instance a : vm.shown().shownGroundTruthProperty().get()) {
            double[] b = a.bbox();
            if (ix >= b[0]
                    && iy >= b[1]
                    && ix <= b[0] + b[2]
                    && iy <= b[1] + b[3]
                    && (best == null || b[2] * b[3] < best.bbox()[2] * best.bbox()[3])) best = a;
        }
        return best;
    }

    @Override
    public Handle handleAt(double sx, double sy) {
        Instance s = editable();
        return HitTester.handleAt(HitTester.handles(s, vm.edits().polygonsOf(s), true), vp, sx, sy);
    }

    @Override
    public void repaint() {
        repaints++;
    }

    @Override
    public void showKeypointMenu(Instance annotation, double sx, double sy, double screenX, double screenY) {
        keypointMenus.add(new double[] {vp.toImageX(sx), vp.toImageY(sy)});
    }
}
