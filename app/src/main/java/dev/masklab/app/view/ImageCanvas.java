package dev.masklab.app.view;

import dev.masklab.app.service.CategoryInfo;
import dev.masklab.app.service.ImageEntry;
import dev.masklab.app.service.ImageService;
import dev.masklab.app.service.Instance;
import dev.masklab.app.service.InstanceMask;
import dev.masklab.app.service.MaskRasterizer;
import dev.masklab.app.viewmodel.CategoryRow;
import dev.masklab.app.viewmodel.ColorPalette;
import dev.masklab.app.viewmodel.LayerSettings;
import dev.masklab.app.viewmodel.MainViewModel;
import dev.masklab.app.viewmodel.Viewport;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.beans.Observable;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * Draws one image with its instances. The image and every instance mask are decoded once per shown image on a
 * background thread; masks are composed into one ARGB overlay ({@link MaskRasterizer}) only when the instances,
 * colors, opacity or mask layers change. A frame is then two drawImage calls plus the vector layers (boxes,
 * keypoints, labels) in screen coordinates, so line widths and text stay constant while zooming.
 */
public final class ImageCanvas extends Region {
    /** Which instances this canvas draws. */
    public enum Source { GROUND_TRUTH, PREDICTIONS, BOTH }

    private static final Color BACKGROUND = Color.web("#1e2227");
    private static final ExecutorService LOADER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "image-loader");
        t.setDaemon(true);
        return t;
    });

    private final Canvas canvas = new Canvas(10, 10);
    private final MainViewModel vm;
    private final Viewport vp;
    private final ImageService images = new ImageService();
    private Source source;
    private final Tooltip tooltip = new Tooltip();
    private final ReadOnlyObjectWrapper<ImageEntry> renderedEntry = new ReadOnlyObjectWrapper<>(this, "renderedEntry");

    private ImageEntry entry;
    private Image image;
    private String error;
    private int dispW, dispH;
    private final Map<Instance, InstanceMask> masks = new IdentityHashMap<>();
    private List<Instance> drawn = List.of();
    private MaskRasterizer.Overlay overlay;
    private WritableImage overlayImage;
    private Task<?> pending;
    private double dragX, dragY;
    private boolean dragged;
    /** The edit handle being dragged (of {@link #grabbedInstance}) and where it is now, in image pixels. */
    private Handle grabbed;
    private Instance grabbedInstance;
    private double grabX, grabY;
    /** Where a drag that moves the whole selected annotation started (image pixels). */
    private double moveFromX, moveFromY;
    /** Drawing in progress (image pixels): a box's first corner, a polygon's points, a brush stroke's points. */
    private boolean drawingPress;
    private double[] boxStart;
    private final List<Double> polygon = new ArrayList<>();
    private final List<Double> stroke = new ArrayList<>();
    private double pointerX = Double.NaN, pointerY = Double.NaN;
    private long lastFrameNanos;

    public ImageCanvas(MainViewModel vm, Viewport vp, Source source) {
        this.vm = vm;
        this.vp = vp;
        this.source = source;
        getStyleClass().add("image-canvas");
        getChildren().add(canvas);
        setMinSize(50, 50);
        tooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(canvas, tooltip);

        vm.currentImageProperty().addListener((o, a, b) -> show(b));
        // predictions bring new masks to decode for the shown image
        vm.predictionsProperty().addListener((o, a, b) -> load(vm.getCurrentImage()));
        for (Observable obs : vm.layers().overlayDependencies()) obs.addListener(o -> recompose());
        for (Observable obs : vm.layers().all()) obs.addListener(o -> redraw());
        vm.shownGroundTruthProperty().addListener(o -> recompose());
        vm.shownPredictionsProperty().addListener(o -> recompose());
        vm.hoveredProperty().addListener(o -> redraw());
        vm.selectedProperty().addListener(o -> redraw());
        vm.scoreThresholdProperty().addListener(o -> redraw());
        vp.zoomProperty().addListener(o -> redraw());
        vp.panXProperty().addListener(o -> redraw());
        vp.panYProperty().addListener(o -> redraw());

        canvas.setOnScroll(e -> {
            if (e.getDeltaY() != 0) vp.zoomAt(e.getDeltaY() > 0 ? Viewport.STEP : 1 / Viewport.STEP, e.getX(), e.getY());
            e.consume();
        });
        setFocusTraversable(true);
        vm.toolProperty().addListener((o, a, b) -> cancelDrawing());
        vm.currentImageProperty().addListener((o, a, b) -> {
            if (a == null || b == null || a.id() != b.id()) cancelDrawing();
        });
        canvas.setOnMousePressed(e -> {
            requestFocus(); // keys go to the canvas, not to the browser's text field
            dragX = e.getX();
            dragY = e.getY();
            dragged = false;
            drawingPress = false;
            MainViewModel.Tool t = vm.toolProperty().get();
            if (e.getButton() == MouseButton.PRIMARY && drawsShapes() && t != MainViewModel.Tool.SELECT
                    && t != MainViewModel.Tool.POLYGON) {
                double ix = vp.toImageX(e.getX()), iy = vp.toImageY(e.getY());
                if (t == MainViewModel.Tool.BOX) boxStart = new double[]{ix, iy};
                else {
                    stroke.clear();
                    stroke.add(ix);
                    stroke.add(iy);
                }
                drawingPress = true;
                redraw();
                return;
            }
            grabbed = e.getButton() == MouseButton.PRIMARY && t == MainViewModel.Tool.SELECT ? handleAt(e.getX(), e.getY()) : null;
            if (grabbed != null) {
                grabbedInstance = vm.selectedProperty().get();
                grabX = grabbed.x();
                grabY = grabbed.y();
            } else if (e.getButton() == MouseButton.PRIMARY && t == MainViewModel.Tool.SELECT && editable() != null
                    && instanceAt(e.getX(), e.getY()) == editable()) {
                // a drag inside the selected annotation moves it (elsewhere a drag pans)
                grabbedInstance = editable();
                grabX = vp.toImageX(e.getX());
                grabY = vp.toImageY(e.getY());
                moveFromX = grabX;
                moveFromY = grabY;
            }
        });
        canvas.setOnMouseDragged(e -> {
            if (drawingPress) {
                dragged = true;
                pointerX = vp.toImageX(e.getX());
                pointerY = vp.toImageY(e.getY());
                if (boxStart == null) {
                    stroke.add(pointerX);
                    stroke.add(pointerY);
                }
                redraw();
                return;
            }
            if (Math.abs(e.getX() - dragX) + Math.abs(e.getY() - dragY) > 2 || dragged) {
                dragged = true;
                if (grabbed != null || grabbedInstance != null) {
                    grabX = vp.toImageX(e.getX());
                    grabY = vp.toImageY(e.getY());
                    redraw();
                    return;
                }
                vp.panBy(e.getX() - dragX, e.getY() - dragY);
                dragX = e.getX();
                dragY = e.getY();
            }
        });
        canvas.setOnMouseReleased(e -> {
            if (drawingPress) {
                drawingPress = false;
                double ix = vp.toImageX(e.getX()), iy = vp.toImageY(e.getY());
                if (boxStart != null) {
                    double[] b0 = boxStart;
                    boxStart = null;
                    if (vm.addBox(b0[0], b0[1], ix, iy) < 0) redraw();
                } else {
                    double[] xy = new double[stroke.size()];
                    for (int i = 0; i < xy.length; i++) xy[i] = stroke.get(i);
                    stroke.clear();
                    if (vm.paint(xy, vm.toolProperty().get() == MainViewModel.Tool.BRUSH) < 0) redraw();
                }
                return;
            }
            Handle h = grabbed;
            Instance inst = grabbedInstance;
            grabbed = null;
            grabbedInstance = null;
            if (h != null && dragged && inst != null) commit(h, inst, grabX, grabY);
            else if (h == null && dragged && inst != null) vm.translate(inst, grabX - moveFromX, grabY - moveFromY);
        });
        canvas.setOnMouseClicked(e -> {
            MainViewModel.Tool t = vm.toolProperty().get();
            if (t == MainViewModel.Tool.POLYGON && e.getButton() == MouseButton.PRIMARY && drawsShapes() && !dragged) {
                polygonClick(e.getX(), e.getY(), e.getClickCount());
                return;
            }
            if (t != MainViewModel.Tool.SELECT) return;
            if (e.getButton() == MouseButton.SECONDARY) {
                Handle h = handleAt(e.getX(), e.getY());
                if (h != null && h.kind() == HandleKind.KEYPOINT)
                    vm.cycleKeypointVisibility(vm.selectedProperty().get(), h.a());
                else if (h == null && !dragged) placeKeypointMenu(e.getX(), e.getY(), e.getScreenX(), e.getScreenY());
                return;
            }
            if (e.getButton() == MouseButton.PRIMARY && !dragged && handleAt(e.getX(), e.getY()) == null)
                vm.selectedProperty().set(instanceAt(e.getX(), e.getY()));
        });
        canvas.setOnMouseMoved(e -> hover(e.getX(), e.getY()));
        canvas.setOnMouseExited(e -> {
            pointerX = Double.NaN;
            if (vm.toolProperty().get() != MainViewModel.Tool.SELECT) redraw();
            vm.hoveredProperty().set(null);
            vm.cursorProperty().set(null);
        });
        load(vm.getCurrentImage());
    }

    public Canvas canvas() {
        return canvas;
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

    private record Decoded(ImageService.Loaded loaded, int dispW, int dispH, Map<Instance, InstanceMask> masks) {
    }

    /** Shows the current image: a new one is loaded, an edited entry of the shown one updated in place. */
    private void show(ImageEntry e) {
        if (e != null && entry != null && e.id() == entry.id() && java.util.Objects.equals(e.file(), entry.file())
                && renderedEntry.get() != null) {
            update(e);
        } else {
            load(e);
        }
    }

    private void load(ImageEntry e) {
        if (pending != null) pending.cancel(false);
        renderedEntry.set(null);
        entry = e;
        image = null;
        error = null;
        masks.clear();
        overlay = null;
        overlayImage = null;
        if (e == null) {
            redraw();
            return;
        }
        List<Instance> all = new ArrayList<>(e.annotations());
        if (vm.predictionsProperty().get() != null) all.addAll(vm.predictionsProperty().get().forImage(e.id()));
        Task<Decoded> task = new Task<>() {
            @Override
            protected Decoded call() {
                ImageService.Loaded l = images.loadBlocking(e);
                int iw = imageW(e, l.image()), ih = imageH(e, l.image());
                int dw = iw, dh = ih;
                if (l.ok() && (l.image().getWidth() < iw || l.image().getHeight() < ih)) {
                    dw = (int) l.image().getWidth();
                    dh = (int) l.image().getHeight();
                }
                Map<Instance, InstanceMask> m = new IdentityHashMap<>();
                for (Instance inst : all) {
                    if (isCancelled()) return null;
                    try {
                        InstanceMask im = MaskRasterizer.rasterize(inst, iw, ih, dw, dh);
                        if (im != null) m.put(inst, im);
                    } catch (RuntimeException ex) {
                        // a broken segmentation must not hide the other instances; its box is still drawn
                    }
                }
                return new Decoded(l, dw, dh, m);
            }
        };
        task.setOnSucceeded(ev -> {
            if (entry != e || task.getValue() == null) return;
            Decoded d = task.getValue();
            image = d.loaded().image();
            error = d.loaded().error();
            if (error != null) vm.messageProperty().set(error);
            dispW = d.dispW();
            dispH = d.dispH();
            masks.putAll(d.masks());
            vp.setImageSize(imageW(e, image), imageH(e, image));
            if (vp.isFitting()) vp.fit();
            recompose();
            renderedEntry.set(e);
        });
        task.setOnFailed(ev -> {
            if (entry != e) return;
            error = "Cannot show " + e.fileName() + ": " + task.getException().getMessage();
            vm.messageProperty().set(error);
            redraw();
        });
        pending = task;
        LOADER.submit(task);
        redraw();
    }

    /**
     * The shown image's annotations were edited: keeps the image and the masks of unchanged instances, rasterizes the
     * new ones here (one or a few instances of one image).
     */
    private void update(ImageEntry e) {
        entry = e;
        List<Instance> all = new ArrayList<>(e.annotations());
        if (vm.predictionsProperty().get() != null) all.addAll(vm.predictionsProperty().get().forImage(e.id()));
        Map<Instance, InstanceMask> now = new IdentityHashMap<>();
        int iw = imageW(e, image), ih = imageH(e, image);
        for (Instance inst : all) {
            InstanceMask m = masks.get(inst);
            if (m == null) {
                try {
                    m = MaskRasterizer.rasterize(inst, iw, ih, dispW, dispH);
                } catch (RuntimeException ex) {
                    m = null; // drawn by its box, as when loading
                }
            }
            if (m != null) now.put(inst, m);
        }
        masks.clear();
        masks.putAll(now);
        recompose();
        renderedEntry.set(e);
    }

    /** Image width in annotation coordinates: the dataset's, else the decoded image's. */
    private static int imageW(ImageEntry e, Image img) {
        return e.width() > 0 ? e.width() : img != null ? (int) img.getWidth() : 1;
    }

    private static int imageH(ImageEntry e, Image img) {
        return e.height() > 0 ? e.height() : img != null ? (int) img.getHeight() : 1;
    }

    // ---- overlay ----

    private List<Instance> instancesToDraw() {
        List<Instance> out = new ArrayList<>();
        if (source != Source.PREDICTIONS) out.addAll(vm.shownGroundTruthProperty().get());
        if (source != Source.GROUND_TRUTH) out.addAll(vm.shownPredictionsProperty().get());
        return out;
    }

    /** Rebuilds the mask overlay for the current instances and settings, then redraws. */
    private void recompose() {
        drawn = entry == null ? List.of() : instancesToDraw();
        LayerSettings ls = vm.layers();
        boolean fill = ls.masksProperty().get(), outline = ls.outlinesProperty().get();
        if (entry == null || dispW <= 0 || renderedOrLoaded() == false) {
            overlay = null;
            overlayImage = null;
            redraw();
            return;
        }
        List<InstanceMask> ms = new ArrayList<>(drawn.size());
        int[] colors = new int[drawn.size()];
        boolean[] crowd = new boolean[drawn.size()];
        for (int i = 0; i < drawn.size(); i++) {
            Instance inst = drawn.get(i);
            ms.add(masks.get(inst));
            colors[i] = vm.colorOf(inst);
            crowd[i] = inst.crowd();
        }
        overlay = MaskRasterizer.compose(dispW, dispH, ms, colors, crowd, ls.opacityProperty().get(), fill, outline);
        if (fill || outline) {
            if (overlayImage == null || overlayImage.getWidth() != dispW || overlayImage.getHeight() != dispH)
                overlayImage = new WritableImage(dispW, dispH);
            overlayImage.getPixelWriter().setPixels(0, 0, dispW, dispH, PixelFormat.getIntArgbInstance(),
                    overlay.argb(), 0, dispW);
        } else {
            overlayImage = null;
        }
        redraw();
    }

    private boolean renderedOrLoaded() {
        return image != null || error != null;
    }

    // ---- hit testing ----

    /** The topmost drawn instance at screen point (sx, sy): by mask pixel, else by box for mask-less instances. */
    public Instance instanceAt(double sx, double sy) {
        if (entry == null) return null;
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        int W = imageW(entry, image), H = imageH(entry, image);
        if (overlay != null && ix >= 0 && iy >= 0 && ix < W && iy < H) {
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

    // ---- drawing new annotations ----

    /** Whether new shapes are drawn here (not on the predictions-only canvas). */
    private boolean drawsShapes() {
        return source != Source.PREDICTIONS && entry != null && vm.editor() != null;
    }

    private void cancelDrawing() {
        boxStart = null;
        polygon.clear();
        stroke.clear();
        drawingPress = false;
        redraw();
    }

    /** True while a polygon is being drawn (its keys go to {@link #drawingKey}). */
    public boolean isDrawingPolygon() {
        return !polygon.isEmpty();
    }

    private void polygonClick(double sx, double sy, int clicks) {
        int n = polygon.size() / 2;
        boolean nearFirst = n >= 3 && Math.hypot(vp.toScreenX(polygon.get(0)) - sx, vp.toScreenY(polygon.get(1)) - sy)
                <= HANDLE_RADIUS + 1;
        if (clicks >= 2 || nearFirst) {
            finishPolygon();
            return;
        }
        polygon.add(vp.toImageX(sx));
        polygon.add(vp.toImageY(sy));
        redraw();
    }

    private void finishPolygon() {
        if (polygon.size() >= 6) {
            double[] xy = new double[polygon.size()];
            for (int i = 0; i < xy.length; i++) xy[i] = polygon.get(i);
            polygon.clear();
            vm.addPolygon(xy);
        } else {
            vm.messageProperty().set("A polygon needs at least 3 points");
        }
        redraw();
    }

    /** Keys while a polygon is drawn: Enter closes it, Backspace / Delete removes the last point, Escape drops it. */
    public boolean drawingKey(javafx.scene.input.KeyCode code) {
        if (polygon.isEmpty()) return false;
        switch (code) {
            case ENTER -> finishPolygon();
            case ESCAPE -> cancelDrawing();
            case BACK_SPACE, DELETE -> {
                polygon.removeLast();
                polygon.removeLast();
                redraw();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void drawInProgress(GraphicsContext g, double px, double py, double z) {
        CategoryRow cat = vm.drawCategoryProperty().get();
        Color c = cat == null ? Color.WHITE : ColorPalette.toColor(cat.rgb());
        MainViewModel.Tool t = vm.toolProperty().get();
        g.setLineDashes((double[]) null);
        if (boxStart != null && !Double.isNaN(pointerX)) {
            g.setStroke(c);
            g.setLineWidth(2);
            g.setLineDashes(6, 4);
            double x0 = Math.min(boxStart[0], pointerX), y0 = Math.min(boxStart[1], pointerY);
            g.strokeRect(px + x0 * z, py + y0 * z, Math.abs(pointerX - boxStart[0]) * z, Math.abs(pointerY - boxStart[1]) * z);
            g.setLineDashes((double[]) null);
        }
        if (!polygon.isEmpty()) {
            g.setStroke(c);
            g.setLineWidth(2);
            int n = polygon.size() / 2;
            for (int i = 1; i <= n; i++) {
                boolean toPointer = i == n;
                if (toPointer && Double.isNaN(pointerX)) break;
                double ax = polygon.get(2 * i - 2), ay = polygon.get(2 * i - 1);
                double bx = toPointer ? pointerX : polygon.get(2 * i), by = toPointer ? pointerY : polygon.get(2 * i + 1);
                g.strokeLine(px + ax * z, py + ay * z, px + bx * z, py + by * z);
            }
            g.setFill(Color.WHITE);
            for (int i = 0; i < n; i++) {
                double r = i == 0 ? 5 : 3;
                g.fillOval(px + polygon.get(2 * i) * z - r, py + polygon.get(2 * i + 1) * z - r, 2 * r, 2 * r);
            }
        }
        boolean brush = t == MainViewModel.Tool.BRUSH || t == MainViewModel.Tool.ERASER;
        if (brush) {
            double r = vm.brushRadiusProperty().get() * z;
            Color bc = t == MainViewModel.Tool.ERASER ? Color.web("#ff5252") : c;
            if (stroke.size() >= 2) {
                g.setStroke(bc.deriveColor(0, 1, 1, 0.5));
                g.setLineWidth(2 * r);
                g.setLineCap(StrokeLineCap.ROUND);
                g.beginPath();
                g.moveTo(px + stroke.get(0) * z, py + stroke.get(1) * z);
                for (int i = 2; i < stroke.size(); i += 2) g.lineTo(px + stroke.get(i) * z, py + stroke.get(i + 1) * z);
                if (stroke.size() == 2) g.lineTo(px + stroke.get(0) * z + 0.01, py + stroke.get(1) * z);
                g.stroke();
            }
            if (!Double.isNaN(pointerX)) {
                g.setStroke(bc);
                g.setLineWidth(1.5);
                g.strokeOval(px + pointerX * z - r, py + pointerY * z - r, 2 * r, 2 * r);
            }
        }
    }

    // ---- edit handles of the selected annotation ----

    /** What a handle moves: a box corner (a: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left), a polygon
     *  vertex (a: polygon, b: vertex) or a keypoint (a: index). */
    enum HandleKind { BOX_CORNER, VERTEX, KEYPOINT }

    record Handle(HandleKind kind, int a, int b, double x, double y) {
    }

    private static final double HANDLE_RADIUS = 7;

    /** The selected ground-truth annotation when this canvas draws it (only those are edited), else null. */
    private Instance editable() {
        Instance s = vm.selectedProperty().get();
        return s != null && !s.prediction() && drawn.contains(s) && vm.editor() != null ? s : null;
    }

    /** Handles of the selected annotation, in image pixels: keypoints first (they sit on top), vertices, corners. */
    List<Handle> handles() {
        Instance s = editable();
        if (s == null) return List.of();
        List<Handle> out = new ArrayList<>();
        if (s.hasKeypoints() && vm.layers().keypointsProperty().get()) {
            double[] k = s.keypoints();
            for (int i = 0; i + 2 < k.length; i += 3)
                if (k[i + 2] > 0) out.add(new Handle(HandleKind.KEYPOINT, i / 3, 0, k[i], k[i + 1]));
        }
        List<double[]> polys = vm.polygonsOf(s);
        for (int p = 0; p < polys.size(); p++) {
            double[] xy = polys.get(p);
            for (int v = 0; 2 * v + 1 < xy.length; v++) out.add(new Handle(HandleKind.VERTEX, p, v, xy[2 * v], xy[2 * v + 1]));
        }
        double[] b = s.bbox();
        if (b[2] > 0 && b[3] > 0) {
            out.add(new Handle(HandleKind.BOX_CORNER, 0, 0, b[0], b[1]));
            out.add(new Handle(HandleKind.BOX_CORNER, 1, 0, b[0] + b[2], b[1]));
            out.add(new Handle(HandleKind.BOX_CORNER, 2, 0, b[0] + b[2], b[1] + b[3]));
            out.add(new Handle(HandleKind.BOX_CORNER, 3, 0, b[0], b[1] + b[3]));
        }
        return out;
    }

    /**
     * The handle nearest to screen point (sx, sy) within {@link #HANDLE_RADIUS} screen pixels, or null; at equal
     * distance the order of {@link #handles()} decides.
     */
    Handle handleAt(double sx, double sy) {
        Handle best = null;
        double bestD = HANDLE_RADIUS * HANDLE_RADIUS + 1e-9;
        for (Handle h : handles()) {
            double dx = vp.toScreenX(h.x()) - sx, dy = vp.toScreenY(h.y()) - sy;
            double d = dx * dx + dy * dy;
            if (d < bestD) { // ties go to the earlier kind: a vertex on a box corner moves the vertex
                best = h;
                bestD = d;
            }
        }
        return best;
    }

    /** Right-click beside the selected annotation: a menu to place one of its unlabelled keypoints there. */
    private void placeKeypointMenu(double sx, double sy, double screenX, double screenY) {
        Instance s = editable();
        if (s == null || !s.hasKeypoints()) return;
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        javafx.scene.control.ContextMenu menu = new javafx.scene.control.ContextMenu();
        double[] k = s.keypoints();
        for (int i = 0; 3 * i + 2 < k.length; i++) {
            if (k[3 * i + 2] > 0) continue;
            int idx = i;
            javafx.scene.control.MenuItem mi = new javafx.scene.control.MenuItem("Place " + vm.keypointName(s, i) + " here");
            mi.setOnAction(ev -> vm.moveKeypoint(s, idx, ix, iy));
            menu.getItems().add(mi);
        }
        if (menu.getItems().isEmpty()) return;
        menu.show(canvas, screenX, screenY);
    }

    /** One undoable edit per drag, made on release. */
    private void commit(Handle h, Instance inst, double x, double y) {
        switch (h.kind()) {
            case KEYPOINT -> vm.moveKeypoint(inst, h.a(), x, y);
            case VERTEX -> vm.moveVertex(inst, h.a(), h.b(), x, y);
            case BOX_CORNER -> vm.setBox(inst, draggedBox(inst.bbox(), h.a(), x, y));
        }
    }

    /** The box with corner {@code corner} moved to (x, y) and the opposite corner fixed (x, y, w, h; w, h may be < 0). */
    static double[] draggedBox(double[] b, int corner, double x, double y) {
        double ox = corner == 0 || corner == 3 ? b[0] + b[2] : b[0];
        double oy = corner == 0 || corner == 1 ? b[1] + b[3] : b[1];
        return new double[]{ox, oy, x - ox, y - oy};
    }

    private void drawHandles(GraphicsContext g, double px, double py, double z) {
        Instance s = editable();
        if (s == null) return;
        g.setLineDashes((double[]) null);
        List<double[]> polys = vm.polygonsOf(s);
        for (int p = 0; p < polys.size(); p++) {
            double[] xy = polys.get(p).clone();
            if (grabbed != null && grabbed.kind() == HandleKind.VERTEX && grabbed.a() == p) {
                xy[2 * grabbed.b()] = grabX;
                xy[2 * grabbed.b() + 1] = grabY;
            }
            int n = xy.length / 2;
            double[] xs = new double[n], ys = new double[n];
            for (int v = 0; v < n; v++) {
                xs[v] = px + xy[2 * v] * z;
                ys[v] = py + xy[2 * v + 1] * z;
            }
            g.setStroke(Color.WHITE);
            g.setLineWidth(1.5);
            g.strokePolygon(xs, ys, n);
            g.setFill(Color.WHITE);
            for (int v = 0; v < n; v++) g.fillOval(xs[v] - 3, ys[v] - 3, 6, 6);
        }
        double[] b = s.bbox();
        if (grabbed == null && grabbedInstance == s && dragged) { // moving the whole annotation: its box follows
            double dx = grabX - moveFromX, dy = grabY - moveFromY;
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.setLineDashes(4, 4);
            g.strokeRect(px + (b[0] + dx) * z, py + (b[1] + dy) * z, b[2] * z, b[3] * z);
            g.setLineDashes((double[]) null);
        }
        if (grabbed != null && grabbed.kind() == HandleKind.BOX_CORNER) {
            double[] d = draggedBox(b, grabbed.a(), grabX, grabY);
            b = new double[]{Math.min(d[0], d[0] + d[2]), Math.min(d[1], d[1] + d[3]), Math.abs(d[2]), Math.abs(d[3])};
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.setLineDashes(4, 4);
            g.strokeRect(px + b[0] * z, py + b[1] * z, b[2] * z, b[3] * z);
            g.setLineDashes((double[]) null);
        }
        if (b[2] > 0 && b[3] > 0) {
            double[][] corners = {{b[0], b[1]}, {b[0] + b[2], b[1]}, {b[0] + b[2], b[1] + b[3]}, {b[0], b[1] + b[3]}};
            for (double[] c : corners) {
                double x = px + c[0] * z, y = py + c[1] * z;
                g.setFill(Color.WHITE);
                g.fillRect(x - 4, y - 4, 8, 8);
                g.setStroke(Color.BLACK);
                g.setLineWidth(1);
                g.strokeRect(x - 4, y - 4, 8, 8);
            }
        }
        if (grabbed != null && grabbed.kind() == HandleKind.KEYPOINT) {
            double x = px + grabX * z, y = py + grabY * z;
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.strokeOval(x - 6, y - 6, 12, 12);
            g.strokeLine(px + grabbed.x() * z, py + grabbed.y() * z, x, y);
        }
    }

    private void hover(double sx, double sy) {
        if (entry == null) return;
        double ix = vp.toImageX(sx), iy = vp.toImageY(sy);
        int W = imageW(entry, image), H = imageH(entry, image);
        vm.cursorProperty().set(ix >= 0 && iy >= 0 && ix < W && iy < H ? new Point2D(ix, iy) : null);
        pointerX = ix;
        pointerY = iy;
        boolean drawing = vm.toolProperty().get() != MainViewModel.Tool.SELECT && drawsShapes();
        canvas.setCursor(drawing ? javafx.scene.Cursor.CROSSHAIR
                : handleAt(sx, sy) != null ? javafx.scene.Cursor.MOVE : null);
        if (drawing) redraw();
        Instance h = instanceAt(sx, sy);
        if (h != vm.hoveredProperty().get()) {
            vm.hoveredProperty().set(h);
            tooltip.setText(h == null ? "" : vm.describe(h));
            if (h == null) tooltip.hide();
        }
    }

    // ---- drawing ----

    /** Draws one frame from the cached image and overlay. */
    public void redraw() {
        long t0 = System.nanoTime();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double cw = canvas.getWidth(), ch = canvas.getHeight();
        g.setFill(BACKGROUND);
        g.fillRect(0, 0, cw, ch);
        if (entry == null) {
            centeredText(g, vm.getDataset() == null ? "Open a dataset (File > Open, or drop a JSON file here)"
                    : "No image", cw / 2, ch / 2, Color.web("#9aa4b1"));
            return;
        }
        int W = imageW(entry, image), H = imageH(entry, image);
        double z = vp.zoom(), px = vp.panXProperty().get(), py = vp.panYProperty().get();
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
            centeredText(g, error != null ? error : "Loading " + entry.fileName() + " ...", px + W * z / 2,
                    py + H * z / 2, Color.web("#e8eaed"));
        }
        LayerSettings ls = vm.layers();
        if (overlayImage != null) g.drawImage(overlayImage, px, py, W * z, H * z);
        g.setImageSmoothing(true);
        Instance hovered = vm.hoveredProperty().get(), selected = vm.selectedProperty().get();
        for (Instance inst : drawn) {
            Color c = ColorPalette.toColor(vm.colorOf(inst));
            double[] b = inst.bbox();
            double x = px + b[0] * z, y = py + b[1] * z, w = b[2] * z, h = b[3] * z;
            boolean hi = inst == hovered || inst == selected;
            if (ls.boxesProperty().get() || hi) {
                g.setStroke(inst == selected ? Color.WHITE : c);
                g.setLineWidth(inst == selected ? 3 : hi ? 2.5 : 1.5);
                g.setLineDashes(inst.prediction() ? new double[]{6, 4} : null);
                g.strokeRect(x, y, w, h);
                g.setLineDashes((double[]) null);
            }
            if (ls.keypointsProperty().get() && inst.hasKeypoints()) drawKeypoints(g, inst, c, px, py, z);
        }
        if (ls.labelsProperty().get()) for (Instance inst : drawn) drawLabel(g, inst, px, py, z);
        drawHandles(g, px, py, z);
        if (drawsShapes()) drawInProgress(g, px, py, z);
        if (vm.predictionsProperty().get() != null) caption(g, switch (source) {
            case GROUND_TRUTH -> "Ground truth";
            case PREDICTIONS -> String.format("Predictions, score ≥ %.2f", vm.scoreThresholdProperty().get());
            case BOTH -> String.format("Ground truth + predictions (dashed), score ≥ %.2f", vm.scoreThresholdProperty().get());
        });
        lastFrameNanos = System.nanoTime() - t0;
    }

    private void drawKeypoints(GraphicsContext g, Instance inst, Color c, double px, double py, double z) {
        double[] k = inst.keypoints();
        int n = k.length / 3;
        CategoryRow row = vm.category(inst.categoryId());
        CategoryInfo cat = row == null ? null : row.info();
        g.setStroke(c);
        g.setLineWidth(2);
        g.setLineCap(StrokeLineCap.ROUND);
        if (cat != null) {
            for (int[] e : cat.skeleton()) {
                int a = e[0] - 1, b = e[1] - 1;
                if (a < 0 || b < 0 || a >= n || b >= n || k[a * 3 + 2] <= 0 || k[b * 3 + 2] <= 0) continue;
                g.strokeLine(px + k[a * 3] * z, py + k[a * 3 + 1] * z, px + k[b * 3] * z, py + k[b * 3 + 1] * z);
            }
        }
        double r = 4;
        for (int i = 0; i < n; i++) {
            double v = k[i * 3 + 2];
            if (v <= 0) continue;
            double x = px + k[i * 3] * z, y = py + k[i * 3 + 1] * z;
            // ground truth: 2 visible (filled), 1 labelled but occluded (hollow); predictions carry a score: filled
            if (v >= 2 || inst.prediction()) {
                g.setFill(c);
                g.fillOval(x - r, y - r, 2 * r, 2 * r);
                g.setStroke(Color.BLACK);
                g.setLineWidth(1);
                g.strokeOval(x - r, y - r, 2 * r, 2 * r);
            } else {
                g.setStroke(c);
                g.setLineWidth(2);
                g.strokeOval(x - r, y - r, 2 * r, 2 * r);
            }
        }
    }

    private static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 12);

    private void drawLabel(GraphicsContext g, Instance inst, double px, double py, double z) {
        String text = vm.categoryName(inst.categoryId());
        if (inst.prediction()) text += String.format(" %.2f", inst.score());
        if (inst.crowd()) text += " (crowd)";
        int rgb = vm.colorOf(inst);
        double[] b = inst.bbox();
        double x = px + b[0] * z, y = py + b[1] * z;
        Text t = new Text(text);
        t.setFont(LABEL_FONT);
        double tw = t.getLayoutBounds().getWidth() + 8, th = t.getLayoutBounds().getHeight() + 2;
        double ty = y - th >= 0 ? y - th : y;
        g.setFill(ColorPalette.toColor(rgb));
        g.fillRect(x, ty, tw, th);
        double lum = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
        g.setFill(lum > 150 ? Color.BLACK : Color.WHITE);
        g.setFont(LABEL_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(text, x + 4, ty + 1);
    }

    private static void caption(GraphicsContext g, String s) {
        Text t = new Text(s);
        t.setFont(LABEL_FONT);
        double w = t.getLayoutBounds().getWidth() + 16, h = t.getLayoutBounds().getHeight() + 8;
        g.setFill(Color.color(0, 0, 0, 0.6));
        g.fillRoundRect(8, 8, w, h, 8, 8);
        g.setFill(Color.WHITE);
        g.setFont(LABEL_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(s, 16, 12);
    }

    private static void centeredText(GraphicsContext g, String s, double x, double y, Color c) {
        g.setFill(c);
        g.setFont(Font.font("System", 14));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(s, x, y);
    }
}
