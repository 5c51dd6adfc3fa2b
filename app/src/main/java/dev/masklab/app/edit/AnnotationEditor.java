package dev.masklab.app.edit;

import dev.masklab.app.model.Instance;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Corrections to an open dataset (semi-automatic labelling): accept or reject predictions, draw new annotations
 * (polygons, boxes, brush strokes), delete annotations, change their category, box, polygon vertices, mask (brush and
 * eraser) and keypoints. Every change is an {@link Edit} on the engine's
 * {@link CocoDataset}, recorded in an {@link EditHistory}, so it can be undone; {@link #save(Path)} writes the dataset
 * atomically and keeps the previous file as {@code NAME.bak} ({@link CocoWriter}).
 *
 * <p>Edits replace an annotation by a changed copy (never modify it in place), so the undo history holds each state
 * and unchanged annotations keep their identity. Accepted predictions get ids above every id the file had, never
 * reused after an undo. Works without a display; the view-model calls it on the FX thread.
 */
public final class AnnotationEditor {
    private final CocoDataset coco;
    private final EditHistory history = new EditHistory();
    /** Predictions accepted or rejected (by identity: a prediction set holds each result once). */
    private final Set<Instance> reviewed = Collections.newSetFromMap(new IdentityHashMap<>());
    private long nextId;

    public AnnotationEditor(CocoDataset coco) {
        this.coco = coco;
        this.nextId = coco.nextAnnotationId();
    }

    public CocoDataset coco() {
        return coco;
    }

    public EditHistory history() {
        return history;
    }

    /** True when the prediction was accepted or rejected (and the step is not undone). */
    public boolean isReviewed(Instance prediction) {
        return reviewed.contains(prediction);
    }

    // ---- predictions ----

    /**
     * Turns a prediction into a ground-truth annotation: its mask as compressed RLE (exactly the predicted pixels) with
     * area and tight box from the mask, else its box; keypoints become visible (v = 2) where predicted. Returns the new
     * annotation's id.
     */
    public long accept(Instance prediction, String label) {
        requirePrediction(prediction);
        CocoImage im = image(prediction.imageId());
        CocoAnnotation a = new CocoAnnotation(nextId++, prediction.imageId(), prediction.categoryId());
        double[] box = prediction.bbox().clone();
        double area = box[2] * box[3];
        if (prediction.hasMask()) {
            Rle rle = Rle.encode(prediction.mask().decode(im.height(), im.width()), im.height(), im.width());
            a.setSegmentation(Segmentation.of(rle));
            area = rle.area();
            if (rle.area() > 0) box = rle.toBbox();
        }
        a.setArea(area).setBbox(box).setIscrowd(0);
        if (prediction.hasKeypoints()) {
            double[] k = prediction.keypoints().clone();
            for (int i = 0; i + 2 < k.length; i += 3) {
                if (k[i + 2] > 0) k[i + 2] = 2;
                else k[i] = k[i + 1] = k[i + 2] = 0;
            }
            a.setKeypoints(k).setNumKeypoints(labelled(k));
        }
        add(a, label, prediction);
        return a.id();
    }

    /** Marks a prediction as rejected: it is no longer shown; the annotations do not change. */
    public void reject(Instance prediction, String label) {
        requirePrediction(prediction);
        history.push(new Change(label, prediction.imageId(), -1, null, null, prediction));
    }

    // ---- new annotations ----

    /**
     * Adds an annotation drawn as polygons (a box is drawn as its 4-corner polygon, so that its vertices can be refined
     * and segm evaluation has a mask); vertices are clipped to the image, area and box follow as for
     * {@link #moveVertex}. Returns the new id.
     */
    public long addPolygons(long imageId, int categoryId, List<double[]> polygons, String label) {
        CocoImage im = image(imageId);
        requireCategory(categoryId);
        List<double[]> clipped = new java.util.ArrayList<>();
        for (double[] p : polygons) {
            if (p.length < 6 || p.length % 2 != 0) {
                throw new IllegalArgumentException("a polygon needs at least 3 points, got " + p.length / 2);
            }
            clipped.add(shiftInto(p.clone(), 0, 0, im));
        }
        CocoAnnotation a = withPolygons(new CocoAnnotation(nextId++, imageId, categoryId), clipped, im).setIscrowd(0);
        add(a, label, null);
        return a.id();
    }

    /**
     * Paints (or erases) a brush stroke into an annotation's mask: disks of {@code radius} px centred on the stroke's
     * points (x0, y0, x1, y1, ...) and every {@code radius / 2} px between them; a pixel belongs to a disk when its
     * centre does. The segmentation becomes compressed RLE (exact pixels), area and box follow the mask.
     * {@code annotationId} -1 paints a new annotation of {@code categoryId}. Returns the annotation's id, or -1 when
     * the stroke changed no pixel.
     */
    public long paint(long annotationId, long imageId, int categoryId, double[] stroke, double radius, boolean add,
                      String label) {
        CocoAnnotation a = annotationId < 0 ? null : annotation(annotationId);
        long img = a == null ? imageId : a.imageId();
        CocoImage im = image(img);
        if (a == null) requireCategory(categoryId);
        int h = im.height(), w = im.width();
        byte[] mask = a == null || a.segmentation() == null ? new byte[h * w] : coco.annToRle(a).decode();
        boolean changed = stamp(mask, w, h, stroke, Math.max(0.5, radius), (byte) (add ? 1 : 0));
        if (!changed) return -1;
        Rle rle = Rle.encode(mask, h, w);
        if (a == null && rle.area() == 0) return -1;
        CocoAnnotation b = (a == null ? new CocoAnnotation(nextId++, img, categoryId).setIscrowd(0) : a.withId(a.id()))
                .setSegmentation(Segmentation.of(rle)).setArea((double) rle.area()).setBbox(rle.toBbox());
        if (a == null) add(b, label, null);
        else replace(a, b, label);
        return b.id();
    }

    /** Sets the stroke's disks to {@code value}; true when a pixel changed. */
    static boolean stamp(byte[] mask, int w, int h, double[] stroke, double r, byte value) {
        boolean changed = false;
        int n = stroke.length / 2;
        for (int i = 0; i < n; i++) {
            double x1 = stroke[2 * i], y1 = stroke[2 * i + 1];
            double x0 = i == 0 ? x1 : stroke[2 * i - 2], y0 = i == 0 ? y1 : stroke[2 * i - 1];
            int steps = Math.max(1, (int) Math.ceil(Math.hypot(x1 - x0, y1 - y0) / (r / 2)));
            for (int s = i == 0 ? 0 : 1; s <= steps; s++) {
                double cx = x0 + (x1 - x0) * s / steps, cy = y0 + (y1 - y0) * s / steps;
                int xa = Math.max(0, (int) Math.floor(cx - r)), xb = Math.min(w - 1, (int) Math.ceil(cx + r));
                int ya = Math.max(0, (int) Math.floor(cy - r)), yb = Math.min(h - 1, (int) Math.ceil(cy + r));
                for (int y = ya; y <= yb; y++) {
                    double dy = y + 0.5 - cy;
                    for (int x = xa; x <= xb; x++) {
                        double dx = x + 0.5 - cx;
                        if (dx * dx + dy * dy <= r * r && mask[y * w + x] != value) {
                            mask[y * w + x] = value;
                            changed = true;
                        }
                    }
                }
            }
        }
        return changed;
    }

    // ---- annotations ----

    public void delete(long annotationId, String label) {
        CocoAnnotation a = annotation(annotationId);
        history.push(new Change(label, a.imageId(), coco.indexOfAnnotation(annotationId), a, null, null));
    }

    public void setCategory(long annotationId, int categoryId, String label) {
        requireCategory(categoryId);
        CocoAnnotation a = annotation(annotationId);
        if (a.categoryId() == categoryId) return;
        replace(a, a.withId(a.id()).setCategoryId(categoryId), label);
    }

    /**
     * Sets the box (x, y, w, h), clipped to the image, w and h at least 1 px. An annotation without segmentation gets
     * the box's area; a mask or polygon keeps its own.
     */
    public void setBbox(long annotationId, double[] xywh, String label) {
        CocoAnnotation a = annotation(annotationId);
        CocoImage im = image(a.imageId());
        double x0 = clamp(Math.min(xywh[0], xywh[0] + xywh[2]), 0, im.width());
        double y0 = clamp(Math.min(xywh[1], xywh[1] + xywh[3]), 0, im.height());
        double x1 = clamp(Math.max(xywh[0], xywh[0] + xywh[2]), 0, im.width());
        double y1 = clamp(Math.max(xywh[1], xywh[1] + xywh[3]), 0, im.height());
        if (x1 - x0 < 1) x1 = Math.min(im.width(), x0 + 1);
        if (x1 - x0 < 1) x0 = x1 - 1;
        if (y1 - y0 < 1) y1 = Math.min(im.height(), y0 + 1);
        if (y1 - y0 < 1) y0 = y1 - 1;
        double[] box = {x0, y0, x1 - x0, y1 - y0};
        CocoAnnotation b = a.withId(a.id()).setBbox(box);
        if (a.segmentation() == null) b.setArea(box[2] * box[3]);
        replace(a, b, label);
    }

    /**
     * Moves a whole annotation by (dx, dy) px: box, polygons, labelled keypoints and mask together. The shift is
     * limited so that the box stays inside the image; an RLE mask moves by whole pixels (dx, dy rounded, and the
     * rest with it). Returns false when nothing moves.
     */
    public boolean translate(long annotationId, double dx, double dy, String label) {
        CocoAnnotation a = annotation(annotationId);
        CocoImage im = image(a.imageId());
        double[] b = a.bbox() != null ? a.bbox() : new double[4];
        dx = clamp(dx, -b[0], Math.max(-b[0], im.width() - b[0] - b[2]));
        dy = clamp(dy, -b[1], Math.max(-b[1], im.height() - b[1] - b[3]));
        Segmentation seg = a.segmentation();
        boolean raster = seg != null && !(seg instanceof Segmentation.Polygons);
        if (raster) {
            dx = Math.rint(dx);
            dy = Math.rint(dy);
        }
        if (dx == 0 && dy == 0) return false;
        CocoAnnotation c = a.withId(a.id());
        if (a.bbox() != null) c.setBbox(new double[]{b[0] + dx, b[1] + dy, b[2], b[3]});
        if (seg instanceof Segmentation.Polygons p) {
            List<double[]> polys = p.polygons();
            for (double[] xy : polys) shiftInto(xy, dx, dy, im);
            c.setSegmentation(Segmentation.polygons(polys))
                    .setArea((double) Rle.fromPolygons(polys, im.height(), im.width()).area());
        } else if (raster) {
            Rle rle = coco.annToRle(a);
            int h = rle.h(), w = rle.w(), sx = (int) dx, sy = (int) dy;
            byte[] from = rle.decode(), to = new byte[h * w];
            for (int y = Math.max(0, -sy); Math.abs(sx) < w && y < Math.min(h, h - sy); y++) {
                System.arraycopy(from, y * w + Math.max(0, -sx), to, (y + sy) * w + Math.max(0, sx), w - Math.abs(sx));
            }
            Rle moved = Rle.encode(to, h, w);
            c.setSegmentation(Segmentation.of(moved)).setArea((double) moved.area());
        }
        double[] kp = a.keypoints();
        if (kp != null) {
            for (int i = 0; i + 2 < kp.length; i += 3) {
                if (kp[i + 2] <= 0) continue;
                kp[i] = clamp(kp[i] + dx, 0, im.width());
                kp[i + 1] = clamp(kp[i + 1] + dy, 0, im.height());
            }
            c.setKeypoints(kp);
        }
        replace(a, c, label);
        return true;
    }

    /**
     * Moves one vertex of a polygon annotation (clipped to the image); area and box follow the polygons as in COCO
     * (area of the rasterised mask, box of the vertices).
     */
    public void moveVertex(long annotationId, int polygon, int vertex, double x, double y, String label) {
        CocoAnnotation a = annotation(annotationId);
        if (!(a.segmentation() instanceof Segmentation.Polygons p)) {
            throw new IllegalArgumentException("annotation " + annotationId + " has no polygon");
        }
        List<double[]> polys = p.polygons();
        if (polygon < 0 || polygon >= polys.size() || vertex < 0 || 2 * vertex + 1 >= polys.get(polygon).length) {
            throw new IndexOutOfBoundsException("annotation " + annotationId + " has no vertex " + vertex
                    + " in polygon " + polygon);
        }
        CocoImage im = image(a.imageId());
        polys.get(polygon)[2 * vertex] = clamp(x, 0, im.width());
        polys.get(polygon)[2 * vertex + 1] = clamp(y, 0, im.height());
        replace(a, withPolygons(a, polys, im), label);
    }

    /**
     * Sets keypoint {@code k} (0-based) to (x, y) with visibility v (0 not labelled, 1 labelled but hidden, 2 visible);
     * {@code num_keypoints} follows. A keypoint with v = 0 is stored as 0, 0, 0 as in COCO.
     */
    public void setKeypoint(long annotationId, int k, double x, double y, int v, String label) {
        CocoAnnotation a = annotation(annotationId);
        double[] kp = a.keypoints();
        if (kp == null || k < 0 || 3 * k + 2 >= kp.length) {
            throw new IndexOutOfBoundsException("annotation " + annotationId + " has no keypoint " + k);
        }
        if (v < 0 || v > 2) throw new IllegalArgumentException("keypoint visibility must be 0, 1 or 2, not " + v);
        CocoImage im = image(a.imageId());
        kp[3 * k] = v == 0 ? 0 : clamp(x, 0, im.width());
        kp[3 * k + 1] = v == 0 ? 0 : clamp(y, 0, im.height());
        kp[3 * k + 2] = v;
        replace(a, a.withId(a.id()).setKeypoints(kp).setNumKeypoints(labelled(kp)), label);
    }

    // ---- history and file ----

    /** Reverts the last edit; returns it (the view refreshes its image), or null. */
    public Edit undo() {
        return history.undo();
    }

    public Edit redo() {
        return history.redo();
    }

    /** Writes the annotations to {@code file} (atomic, previous file kept as {@code .bak}); the history is clean. */
    public void save(Path file) throws IOException {
        CocoWriter.write(coco, file);
        history.markSaved();
    }

    // ---- helpers ----

    private void replace(CocoAnnotation before, CocoAnnotation after, String label) {
        history.push(new Change(label, before.imageId(), -1, before, after, null));
    }

    /** A new annotation, at the end of the list (optionally reviewing a prediction). */
    private void add(CocoAnnotation a, String label, Instance prediction) {
        history.push(new Change(label, a.imageId(), coco.annotations().size(), null, a, prediction));
    }

    /** Shifts x, y pairs by (dx, dy) and clips them to the image, in place; returns {@code xy}. */
    private static double[] shiftInto(double[] xy, double dx, double dy, CocoImage im) {
        for (int i = 0; i + 1 < xy.length; i += 2) {
            xy[i] = clamp(xy[i] + dx, 0, im.width());
            xy[i + 1] = clamp(xy[i + 1] + dy, 0, im.height());
        }
        return xy;
    }

    /** COCO's {@code num_keypoints}: keypoints with v &gt; 0. */
    private static int labelled(double[] kp) {
        int n = 0;
        for (int i = 2; i < kp.length; i += 3) if (kp[i] > 0) n++;
        return n;
    }

    private void requireCategory(long categoryId) {
        if (coco.category(categoryId) == null) throw new IllegalArgumentException("the dataset has no category " + categoryId);
    }

    private static CocoAnnotation withPolygons(CocoAnnotation a, List<double[]> polys, CocoImage im) {
        Rle rle = Rle.fromPolygons(polys, im.height(), im.width());
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] p : polys) {
            for (int i = 0; i + 1 < p.length; i += 2) {
                x0 = Math.min(x0, p[i]);
                x1 = Math.max(x1, p[i]);
                y0 = Math.min(y0, p[i + 1]);
                y1 = Math.max(y1, p[i + 1]);
            }
        }
        return a.withId(a.id()).setSegmentation(Segmentation.polygons(polys)).setArea((double) rle.area())
                .setBbox(new double[]{x0, y0, x1 - x0, y1 - y0});
    }

    private CocoAnnotation annotation(long id) {
        CocoAnnotation a = coco.annotation(id);
        if (a == null) throw new IllegalArgumentException("no annotation with id " + id);
        return a;
    }

    private CocoImage image(long id) {
        CocoImage im = coco.image(id);
        if (im == null) throw new IllegalArgumentException("no image with id " + id);
        return im;
    }

    private void requirePrediction(Instance p) {
        if (!p.prediction()) throw new IllegalArgumentException("not a prediction: " + p.id());
        if (reviewed.contains(p)) throw new IllegalStateException("prediction " + p.id() + " was already reviewed");
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * The one kind of edit: annotation state {@code before} becomes {@code after} (null: absent), at {@code index} of
     * the dataset's list when added back; optionally marks a prediction reviewed.
     */
    private final class Change implements Edit {
        private final String label;
        private final long imageId;
        private int index;
        private final CocoAnnotation before;
        private final CocoAnnotation after;
        private final Instance prediction;

        Change(String label, long imageId, int index, CocoAnnotation before, CocoAnnotation after, Instance prediction) {
            this.label = label;
            this.imageId = imageId;
            this.index = index;
            this.before = before;
            this.after = after;
            this.prediction = prediction;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public long imageId() {
            return imageId;
        }

        @Override
        public long annotationId() {
            return after != null ? after.id() : before != null ? before.id() : -1;
        }

        @Override
        public void apply() {
            swap(before, after);
            if (prediction != null) reviewed.add(prediction);
        }

        @Override
        public void revert() {
            swap(after, before);
            if (prediction != null) reviewed.remove(prediction);
        }

        private void swap(CocoAnnotation from, CocoAnnotation to) {
            if (from != null && to != null) {
                coco.replaceAnnotation(to);
            } else if (from != null) {
                index = coco.indexOfAnnotation(from.id());
                coco.removeAnnotation(from.id());
            } else if (to != null) {
                coco.insertAnnotation(Math.min(index, coco.annotations().size()), to);
            }
        }
    }
}
