package dev.masklab.app.canvas;

import dev.masklab.app.canvas.tool.BoxTool;
import dev.masklab.app.canvas.tool.BrushTool;
import dev.masklab.app.canvas.tool.KeypointTool;
import dev.masklab.app.canvas.tool.PointPromptTool;
import dev.masklab.app.canvas.tool.PolygonTool;
import dev.masklab.app.canvas.tool.SelectTool;
import dev.masklab.app.canvas.tool.Tool;
import dev.masklab.app.canvas.tool.ToolContext;
import dev.masklab.app.canvas.tool.ToolEvent;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.evaluation.ErrorOverlay;
import dev.masklab.app.evaluation.ImageErrors;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.InstanceMask;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.beans.Observable;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.util.Duration;

/**
 * One image with its instances: wiring and event dispatch. The image and every instance mask are decoded off the FX
 * thread ({@link ImageLoader}); the layers are drawn in order: image, mask overlay ({@link OverlayLayer}, recomposed
 * only when instances, colours, opacity or mask layers change), vectors ({@link VectorLayer}), the selected
 * annotation's handles ({@link HandleLayer}) and the active {@link Tool}'s work in progress. Mouse events go to the
 * tool of the view-model's {@link ToolKind} (a press it does not take pans); the keys of a tool in progress come
 * through {@link #toolKey}. A focus ring shows when the image has the keyboard.
 */
public final class ImageCanvas extends Region implements ToolContext {
    /** Which instances this canvas draws. */
    public enum Source {
        GROUND_TRUTH,
        PREDICTIONS,
        BOTH
    }

    private static final Color BACKGROUND = Color.web("#1e2227");
    private static final Color FOCUS = Color.web("#4f9cff");

    private final Canvas canvas = new Canvas(10, 10);
    private final MainViewModel vm;
    private final Viewport vp;
    private Source source;
    private final Tooltip tooltip = new Tooltip();
    private final ReadOnlyObjectWrapper<ImageEntry> renderedEntry = new ReadOnlyObjectWrapper<>(this, "renderedEntry");
    private final ImageLoader loader = new ImageLoader();
    private final OverlayLayer overlay = new OverlayLayer();
    private final Map<ToolKind, Tool> tools = new EnumMap<>(ToolKind.class);
    private final SelectTool selectTool = new SelectTool(this);
    private final KeypointTool keypointTool = new KeypointTool(this);
    /** The evaluation-errors mode (null: not wired); while it has errors, instances are coloured by outcome. */
    private ErrorOverlay errors;

    private ImageEntry entry;
    private Image image;
    private String error;
    private int dispW, dispH;
    private final Map<Instance, InstanceMask> masks = new IdentityHashMap<>();
    private List<Instance> drawn = List.of();
    /** The press went to the tool (else a drag pans); where it was and whether it became a drag. */
    private boolean toolPress;

    private double pressX, pressY, panX, panY;
    private boolean dragged;
    private long lastFrameNanos;

    public ImageCanvas(MainViewModel vm, Viewport vp, Source source) {
        this.vm = vm;
        this.vp = vp;
        this.source = source;
        tools.put(ToolKind.SELECT, selectTool);
        tools.put(ToolKind.BOX, new BoxTool(this));
        tools.put(ToolKind.PROMPT_BOX, new BoxTool(this, vm.prompts()::promptBox));
        tools.put(ToolKind.PROMPT_POINT, new PointPromptTool(this));
        tools.put(ToolKind.POLYGON, new PolygonTool(this));
        tools.put(ToolKind.BRUSH, new BrushTool(this, true));
        tools.put(ToolKind.ERASER, new BrushTool(this, false));
        tools.put(ToolKind.KEYPOINT, keypointTool);
        getStyleClass().add("image-canvas");
        getChildren().add(canvas);
        setMinSize(50, 50);
        tooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(canvas, tooltip);

        vm.navigation().currentImageProperty().addListener((o, a, b) -> show(b));
        // predictions bring new masks to decode for the shown image
        vm.predictions()
                .predictionsProperty()
                .addListener((o, a, b) -> load(vm.navigation().getCurrentImage()));
        for (Observable obs : vm.layers().overlayDependencies()) obs.addListener(o -> recompose());
        for (Observable obs : vm.layers().all()) obs.addListener(o -> redraw());
        vm.shown().shownGroundTruthProperty().addListener(o -> recompose());
        vm.shown().shownPredictionsProperty().addListener(o -> recompose());
        vm.selection().hoveredProperty().addListener(o -> redraw());
        vm.selection().selectedProperty().addListener(o -> redraw());
        vm.selection().selectedKeypointProperty().addListener(o -> redraw());
        vm.predictions().scoreThresholdProperty().addListener(o -> redraw());
        vp.zoomProperty().addListener(o -> redraw());
        vp.panXProperty().addListener(o -> redraw());
        vp.panYProperty().addListener(o -> redraw());
        focusedProperty().addListener(o -> redraw());

        canvas.setOnScroll(e -> {
            if (e.getDeltaY() != 0)
                vp.zoomAt(e.getDeltaY() > 0 ? Viewport.STEP : 1 / Viewport.STEP, e.getX(), e.getY());
            e.consume();
        });
        setFocusTraversable(true);
        vm.tools().toolProperty().addListener((o, a, b) -> cancelTools());
        vm.navigation().currentImageProperty().addListener((o, a, b) -> {
            if (a == null || b == null || a.id() != b.id()) cancelTools();
        });
        canvas.setOnMousePressed(e -> {
            requestFocus(); // keys go to the image, not to the browser's text field
            pressX = panX = e.getX();
            pressY = panY = e.getY();
            dragged = false;
            toolPress = tool().press(event(e));
        });
        canvas.setOnMouseDragged(e -> {
            if (Math.abs(e.getX() - pressX) + Math.abs(e.getY() - pressY) > 2) dragged = true;
            if (toolPress) {
                tool().drag(event(e));
            } else if (dragged) {
                vp.panBy(e.getX() - panX, e.getY() - panY);
                panX = e.getX();
                panY = e.getY();
            }
        });
        canvas.setOnMouseReleased(e -> {
            if (toolPress) tool().release(event(e));
            toolPress = false;
        });
        canvas.setOnMouseClicked(e -> tool().click(event(e)));
        canvas.setOnMouseMoved(e -> hover(e));
        canvas.setOnMouseExited(e -> {
            tool().move(null);
            vm.selection().hoveredProperty().set(null);
            vm.selection().cursorProperty().set(null);
        });
        load(vm.navigation().getCurrentImage());
    }

    private ToolEvent event(MouseEvent e) {
        return new ToolEvent(
                e.getX(), e.getY(), e.getButton(), e.getClickCount(), e.getScreenX(), e.getScreenY(), dragged);
    }

    /** The active tool: the view-model's, or select where shapes are not drawn (the predictions-only view). */
    private Tool tool() {
        Tool t = tools.get(vm.tools().toolProperty().get());
        return t == null || source == Source.PREDICTIONS ? selectTool : t;
    }

    private void cancelTools() {
        for (Tool t : tools.values()) t.cancel();
        redraw();
    }

    /** A key while the image has focus: the active tool's (Enter closing a polygon...); true when it was used. */
    public boolean toolKey(KeyCode code) {
        return tool().key(code);
    }

    /** True while a polygon is being drawn. */
    public boolean isDrawingPolygon() {
        return tools.get(ToolKind.POLYGON) instanceof PolygonTool p && p.isDrawing();
    }

    public Canvas canvas() {
        return canvas;
    }

    /**
     * Wires the evaluation-errors mode: while it has the shown image's errors, masks and boxes take the colour of
     * their outcome, matched pairs are linked and a legend names the colours ({@link ErrorLayer}); it follows edits.
     */
    public void setErrors(ErrorOverlay overlay) {
        errors = overlay;
        overlay.errorsProperty().addListener(o -> recompose());
        recompose();
    }

    /** The errors drawn now, or null (the mode is off, or the image is not evaluated). */
    private ImageErrors shownErrors() {
        ImageErrors e = errors == null ? null : errors.errors();
        return e != null && entry != null && e.imageId() == entry.id() ? e : null;
    }

    /** The drawing colour of an instance, 0xRRGGBB: its outcome's in the errors mode, else the colour mode's. */
    int colorOf(Instance inst) {
        ImageErrors e = shownErrors();
        return e != null ? ErrorLayer.rgb(e, inst) : vm.categories().colorOf(inst);
    }

    /**
     * The composed mask overlay's ARGB at image pixel (ix, iy) (0: no mask drawn there), what the canvas lays over the
     * image; for tests and checks of what is drawn where.
     */
    public int overlayArgbAt(double ix, double iy) {
        if (entry == null) return 0;
        int W = ImageLoader.imageW(entry, image), H = ImageLoader.imageH(entry, image);
        return overlay.argbAt((int) (ix * dispW / W), (int) (iy * dispH / H));
    }

    public void setSource(Source s) {
        source = s;
        recompose();
    }

    public Source source() {
        return source;
    }

    /** The image whose pixels and masks are ready and drawn (null while loading). Tests wait on this. */
    public ReadOnlyObjectProperty<ImageEntry> renderedEntryProperty() {
        return renderedEntry.getReadOnlyProperty();
    }

    /** Duration of the last frame (redraw) in nanoseconds. */
    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** The decoded display image, or null (missing or corrupt file). */
    public Image image() {
        return image;
    }

    /** The error shown instead of the image, or null. */
    public String error() {
        return error;
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth(), h = getHeight();
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            vp.setViewSize(w, h);
            if (vp.isFitting()) vp.fit();
            redraw();
        }
    }

    // ---- loading ----

    /** Shows the current image: a new one is loaded, an edited entry of the shown one updated in place. */
    private void show(ImageEntry e) {
        if (e != null
                && entry != null
                && e.id() == entry.id()
                && Objects.equals(e.file(), entry.file())
                && renderedEntry.get() != null) {
            update(e);
        } else {
            load(e);
        }
    }

    private List<Instance> allInstances(ImageEntry e) {
        List<Instance> all = new ArrayList<>(e.annotations());
        if (vm.predictions().predictionsProperty().get() != null)
            all.addAll(vm.predictions().predictionsProperty().get().forImage(e.id()));
        return all;
    }

    private void load(ImageEntry e) {
        loader.cancel();
        renderedEntry.set(null);
        entry = e;
        image = null;
        error = null;
        masks.clear();
        overlay.clear();
        if (e == null) {
            redraw();
            return;
        }
        loader.load(
                e,
                allInstances(e),
                d -> {
                    if (entry != e) return;
                    image = d.loaded().image();
                    error = d.loaded().error();
                    if (error != null) vm.messageProperty().set(error);
                    dispW = d.dispW();
                    dispH = d.dispH();
                    masks.putAll(d.masks());
                    vp.setImageSize(ImageLoader.imageW(e, image), ImageLoader.imageH(e, image));
                    if (vp.isFitting()) vp.fit();
                    recompose();
                    renderedEntry.set(e);
                },
                ex -> {
                    if (entry != e) return;
                    error = "Cannot show " + e.fileName() + ": " + ex.getMessage();
                    vm.messageProperty().set(error);
                    redraw();
                });
        redraw();
    }

    /**
     * The shown image's annotations were edited: keeps the image and the masks of unchanged instances, rasterizes the
     * new ones here (one or a few instances of one image).
     */
    private void update(ImageEntry e) {
        entry = e;
        Map<Instance, InstanceMask> now = new IdentityHashMap<>();
        int iw = ImageLoader.imageW(e, image), ih = ImageLoader.imageH(e, image);
        for (Instance inst : allInstances(e)) {
            InstanceMask m =
                    masks.containsKey(inst) ? masks.get(inst) : ImageLoader.rasterize(inst, iw, ih, dispW, dispH);
            if (m != null) now.put(inst, m);
        }
        masks.clear();
        masks.putAll(now);
        recompose();
        renderedEntry.set(e);
    }

    // ---- overlay ----

    private List<Instance> instancesToDraw() {
        List<Instance> out = new ArrayList<>();
        if (source != Source.PREDICTIONS)
            out.addAll(vm.shown().shownGroundTruthProperty().get());
        if (source != Source.GROUND_TRUTH)
            out.addAll(vm.shown().shownPredictionsProperty().get());
        return out;
    }

    /** Rebuilds the mask overlay for the current instances and settings, then redraws. */
    private void recompose() {
        drawn = entry == null ? List.of() : instancesToDraw();
        LayerSettings ls = vm.layers();
        if (entry == null || dispW <= 0 || (image == null && error == null)) {
            overlay.clear();
            redraw();
            return;
        }
        List<InstanceMask> ms = new ArrayList<>(drawn.size());
        int[] colors = new int[drawn.size()];
        boolean[] crowd = new boolean[drawn.size()];
        for (int i = 0; i < drawn.size(); i++) {
            Instance inst = drawn.get(i);
            ms.add(masks.get(inst));
            colors[i] = colorOf(inst);
            crowd[i] = inst.crowd();
        }
        overlay.compose(
                dispW,
                dispH,
                ms,
                colors,
                crowd,
                ls.opacityProperty().get(),
                ls.masksProperty().get(),
                ls.outlinesProperty().get());
        redraw();
    }

    // ---- ToolContext: hit testing and commands for the tools ----

    @Override
    public MainViewModel model() {
        return vm;
    }

    @Override
    public Viewport viewport() {
        return vp;
    }

    /** Whether new shapes are drawn here (not on the predictions-only canvas). */
    @Override
    public boolean drawsShapes() {
        return source != Source.PREDICTIONS && entry != null && vm.editor() != null;
    }

    @Override
    public Instance editable() {
        Instance s = vm.selection().selectedProperty().get();
        return s != null && !s.prediction() && drawn.contains(s) && vm.editor() != null ? s : null;
    }

    /** The topmost drawn instance at screen point (sx, sy): by mask pixel, else by box for mask-less instances. */
    @Override
    public Instance instanceAt(double sx, double sy) {
        if (entry == null) return null;
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        int W = ImageLoader.imageW(entry, image), H = ImageLoader.imageH(entry, image);
        if (ix >= 0 && iy >= 0 && ix < W && iy < H) {
            int k = overlay.instanceAt((int) (ix * dispW / W), (int) (iy * dispH / H));
            if (k >= 0 && k < drawn.size()) return drawn.get(k);
        }
        Instance best = null;
        double bestArea = Double.MAX_VALUE;
        for (Instance inst : drawn) {
            if (masks.containsKey(inst)) continue;
            double[] b = inst.bbox();
            if (ix >= b[0] && iy >= b[1] && ix <= b[0] + b[2] && iy <= b[1] + b[3] && b[2] * b[3] < bestArea) {
                best = inst;
                bestArea = b[2] * b[3];
            }
        }
        return best;
    }

    /** Handles of the selected annotation, in image pixels ({@link HitTester#handles}). */
    List<Handle> handles() {
        Instance s = editable();
        return HitTester.handles(
                s, vm.edits().polygonsOf(s), vm.layers().keypointsProperty().get());
    }

    @Override
    public Handle handleAt(double sx, double sy) {
        return HitTester.handleAt(handles(), vp, sx, sy);
    }

    @Override
    public void repaint() {
        redraw();
    }

    @Override
    public void showKeypointMenu(Instance s, double sx, double sy, double screenX, double screenY) {
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        ContextMenu menu = new ContextMenu();
        double[] k = s.keypoints();
        for (int i = 0; 3 * i + 2 < k.length; i++) {
            if (k[3 * i + 2] > 0) continue;
            int idx = i;
            MenuItem mi = new MenuItem("Place " + vm.categories().keypointName(s, i) + " here");
            mi.setOnAction(ev -> vm.keypoints().moveKeypoint(s, idx, ix, iy));
            menu.getItems().add(mi);
        }
        if (!menu.getItems().isEmpty()) menu.show(canvas, screenX, screenY);
    }

    private void hover(MouseEvent e) {
        if (entry == null) return;
        double sx = e.getX(), sy = e.getY();
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        int W = ImageLoader.imageW(entry, image), H = ImageLoader.imageH(entry, image);
        vm.selection().cursorProperty().set(ix >= 0 && iy >= 0 && ix < W && iy < H ? new Point2D(ix, iy) : null);
        Tool t = tool();
        if (t != selectTool && drawsShapes()) {
            t.move(event(e));
            canvas.setCursor(t.cursor(sx, sy));
        } else {
            canvas.setCursor(selectTool.cursor(sx, sy));
        }
        Instance h = instanceAt(sx, sy);
        if (h != vm.selection().hoveredProperty().get()) {
            vm.selection().hoveredProperty().set(h);
            ImageErrors errs = shownErrors();
            tooltip.setText(
                    h == null
                            ? ""
                            : errs == null
                                    ? vm.categories().describe(h)
                                    : ErrorLayer.outcome(errs, h).shortName() + ": "
                                            + vm.categories().describe(h));
            if (h == null) tooltip.hide();
        }
    }

    // ---- drawing ----

    /** Draws one frame: image, mask overlay, vectors, handles, the tool's work in progress, the focus ring. */
    public void redraw() {
        long t0 = System.nanoTime();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double cw = canvas.getWidth(), ch = canvas.getHeight();
        g.setFill(BACKGROUND);
        g.fillRect(0, 0, cw, ch);
        if (entry == null) {
            VectorLayer.centeredText(
                    g,
                    vm.getDataset() == null ? "Open a dataset (File > Open, or drop a JSON file here)" : "No image",
                    cw / 2,
                    ch / 2,
                    Color.web("#9aa4b1"));
            focusRing(g, cw, ch);
            return;
        }
        int W = ImageLoader.imageW(entry, image), H = ImageLoader.imageH(entry, image);
        double z = vp.zoom(),
                px = vp.panXProperty().get(),
                py = vp.panYProperty().get();
        g.setImageSmoothing(z < 1);
        if (image != null) {
            g.drawImage(image, px, py, W * z, H * z);
        } else {
            g.setFill(Color.web("#3a3f47"));
            g.fillRect(px, py, W * z, H * z);
            g.setStroke(Color.web("#59606b"));
            g.setLineWidth(1);
            g.strokeLine(px, py, px + W * z, py + H * z);
            g.strokeLine(px + W * z, py, px, py + H * z);
            VectorLayer.centeredText(
                    g,
                    error != null ? error : "Loading " + entry.fileName() + " ...",
                    px + W * z / 2,
                    py + H * z / 2,
                    Color.web("#e8eaed"));
        }
        overlay.draw(g, px, py, W * z, H * z);
        g.setImageSmoothing(true);
        ImageErrors errs = shownErrors();
        VectorLayer.draw(g, vm, drawn, vp, this::colorOf, errs == null ? null : i -> ErrorLayer.outcome(errs, i));
        if (errs != null) ErrorLayer.draw(g, errs, drawn, vp, ch);
        Instance s = editable();
        HandleLayer.draw(
                g,
                vp,
                s,
                vm.edits().polygonsOf(s),
                selectTool.grab() != null ? selectTool.grab() : keypointTool.grab(),
                vm.selection().selectedKeypointProperty().get());
        if (drawsShapes()) tool().paint(g);
        if (errs != null)
            VectorLayer.caption(
                    g,
                    String.format(
                            "Evaluation errors: ground truth + predictions (dashed), score ≥ %.2f",
                            vm.predictions().scoreThresholdProperty().get()));
        else if (vm.predictions().predictionsProperty().get() != null)
            VectorLayer.caption(
                    g,
                    switch (source) {
                        case GROUND_TRUTH -> "Ground truth";
                        case PREDICTIONS ->
                            String.format(
                                    "Predictions, score ≥ %.2f",
                                    vm.predictions().scoreThresholdProperty().get());
                        case BOTH ->
                            String.format(
                                    "Ground truth + predictions (dashed), score ≥ %.2f",
                                    vm.predictions().scoreThresholdProperty().get());
                    });
        focusRing(g, cw, ch);
        lastFrameNanos = System.nanoTime() - t0;
    }

    /** A 3 px accent frame while the image has the keyboard (its keys: Tab, Enter, Delete, the tool keys). */
    private void focusRing(GraphicsContext g, double w, double h) {
        if (!isFocused()) return;
        g.setLineDashes((double[]) null);
        g.setStroke(FOCUS);
        g.setLineWidth(3);
        g.strokeRect(1.5, 1.5, w - 3, h - 3);
    }
}
