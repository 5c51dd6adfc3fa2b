package dev.masklab.app.edit;

import dev.masklab.app.model.Instance;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import dev.masklab.review.ReviewState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Corrections to an open dataset (semi-automatic labelling): accept or reject predictions (one, all, or as another
 * category), draw new annotations (polygons, boxes, brush strokes), delete annotations, change their category, box
 * (the shape follows), polygon vertices, mask (brush and eraser), keypoints and {@code iscrowd}; polygon parts and
 * mask / polygon conversion through {@link #polygons()}, keypoint skeletons through {@link #keypoints()}, categories
 * through {@link #categories()}. Every change is an {@link Edit} on
 * the engine's {@link CocoDataset}, recorded in an {@link EditHistory}, so it can be undone; several can be made one
 * step with {@link #inOneStep}. {@link #save(Path)} writes the dataset atomically and keeps the previous file as
 * {@code NAME.bak} ({@link CocoWriter}).
 *
 * <p>Consistency: after every edit an annotation's derived fields agree with its shape, as pycocotools computes them:
 * a polygon annotation's {@code area} is the area of its rasterised polygons ({@link Rle#fromPolygons}) and its
 * {@code bbox} the extent of its vertices; an RLE annotation's are the mask's area and tight box
 * ({@link Rle#toBbox}); an annotation without segmentation has the box's area. Edits that change a shape recompute
 * them; box edits move the shape ({@link #scaleToBox}); crowd regions stay uncompressed RLE.
 *
 * <p>Edits replace an annotation by a changed copy (never modify it in place), so the undo history holds each state
 * and unchanged annotations keep their identity. Accepted predictions get ids above every id the file had, never
 * reused after an undo. Operations that cannot apply to their input throw {@link IllegalArgumentException} (no such
 * annotation, category, vertex; wrong kind of shape) and leave the history unchanged; those that a user may simply
 * try in vain (delete the third vertex of a triangle) return false. Works without a display; the view-model calls it
 * on the FX thread.
 */
public final class AnnotationEditor {
    private final CocoDataset coco;
    private final EditHistory history = new EditHistory();
    /** Decisions on predictions that have a {@link Instance#key()} (kept beside the dataset, so they last). */
    private ReviewState review = ReviewState.empty();
    /** Predictions without a key accepted or rejected (by identity: a prediction set holds each result once). */
    private final Set<Instance> reviewed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Segmentations that annotations had before {@link #setCrowd} made them crowd regions, by annotation id. */
    private final Map<Long, Segmentation> beforeCrowd = new HashMap<>();

    private final CategoryEditor categories;
    private final PolygonEditor polygons;
    private final KeypointEditor keypoints;
    /** Edits of the step {@link #inOneStep} is recording, applied already; null outside one. */
    private List<Edit> step;

    private long nextId;

    public AnnotationEditor(CocoDataset coco) {
        this.coco = coco;
        this.nextId = coco.nextAnnotationId();
        this.categories = new CategoryEditor(this);
        this.polygons = new PolygonEditor(this);
        this.keypoints = new KeypointEditor(this);
    }

    /** Adding, renaming, merging and deleting categories (undoable through the same history). */
    public CategoryEditor categories() {
        return categories;
    }

    /** Vertex and part edits, mask to polygons and back (undoable through the same history). */
    public PolygonEditor polygons() {
        return polygons;
    }

    /** Skeleton templates, keypoint deletion and visibility (undoable through the same history). */
    public KeypointEditor keypoints() {
        return keypoints;
    }

    public CocoDataset coco() {
        return coco;
    }

    public EditHistory history() {
        return history;
    }

    /**
     * The review decisions: every accept and reject of a prediction with a key records one, and undoing the step puts
     * back what was there before (one undo takes back the annotation and the decision). Changed on the calling
     * (FX) thread; write a {@link ReviewState#copy()} elsewhere.
     */
    public ReviewState review() {
        return review;
    }

    /** Starts from the decisions {@code state} (read beside the dataset when it was opened); not an edit. */
    public void setReview(ReviewState state) {
        review = state;
    }

    /** True when the prediction was accepted or rejected (now, or in an earlier session kept in {@link #review()}). */
    public boolean isReviewed(Instance prediction) {
        return prediction.key() != null ? review.decision(prediction.key()).isPresent() : reviewed.contains(prediction);
    }

    /**
     * Marks image {@code imageId} done (its annotations complete: fine-tuning trains on it, "images not yet reviewed"
     * leaves it out) or not, as an undoable edit kept in {@link #review()}; returns false when it already was so.
     */
    public boolean setDone(long imageId, boolean done) {
        image(imageId); // no such image: IllegalArgumentException
        if (review.isDone(imageId) == done) return false;
        record(new Edit() {
            @Override
            public String label() {
                return (done ? "Mark image " : "Unmark image ") + imageId + " done";
            }

            @Override
            public long imageId() {
                return imageId;
            }

            @Override
            public long annotationId() {
                return -1;
            }

            @Override
            public void apply() {
                review.setDone(imageId, done);
            }

            @Override
            public void revert() {
                review.setDone(imageId, !done);
            }
        });
        return true;
    }

    // ---- predictions ----

    /**
     * Turns a prediction into a ground-truth annotation: its mask as compressed RLE (exactly the predicted pixels) with
     * area and tight box from the mask, else its box; keypoints become visible (v = 2) where predicted. Returns the new
     * annotation's id.
     */
    public long accept(Instance prediction, String label) {
        return accept(prediction, prediction.categoryId(), label);
    }

    /**
     * Accepts a prediction as category {@code categoryId} in one step (one undo), otherwise as {@link #accept(Instance,
     * String)}. Keypoints are kept when the category has as many keypoint names as the prediction has keypoints, else
     * dropped (they would not match its skeleton).
     */
    public long accept(Instance prediction, long categoryId, String label) {
        requirePrediction(prediction);
        CocoCategory category = requireCategory(categoryId);
        CocoImage im = image(prediction.imageId());
        CocoAnnotation a = new CocoAnnotation(nextId++, prediction.imageId(), categoryId);
        double[] box = prediction.bbox().clone();
        double area = box[2] * box[3];
        if (prediction.hasMask()) {
            Rle rle = Rle.encode(prediction.mask().decode(im.height(), im.width()), im.height(), im.width());
            a.setSegmentation(Segmentation.of(rle));
            area = rle.area();
            if (rle.area() > 0) box = rle.toBbox();
        }
        a.setArea(area).setBbox(box).setIscrowd(0);
        boolean keypointsFit = categoryId == prediction.categoryId()
                || category.keypoints() != null
                        && prediction.hasKeypoints()
                        && 3 * category.keypoints().size() == prediction.keypoints().length;
        if (prediction.hasKeypoints() && keypointsFit) {
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

    /**
     * Accepts every prediction of the list not yet reviewed, as {@link #accept(Instance, String)}, as ONE edit (one
     * undo takes them all back). Returns the new annotations' ids in list order (empty, and no edit, when none was
     * left to accept).
     */
    public List<Long> acceptAll(List<Instance> predictions, String label) {
        List<Long> ids = new ArrayList<>();
        inOneStep(label, () -> {
            for (Instance p : predictions) if (!isReviewed(p)) ids.add(accept(p, label));
        });
        return ids;
    }

    /** Marks a prediction as rejected: it is no longer shown; the annotations do not change. */
    public void reject(Instance prediction, String label) {
        requirePrediction(prediction);
        record(new Change(label, prediction.imageId(), -1, null, null, prediction));
    }

    // ---- compound edits ----

    /**
     * Runs {@code steps} (calls of this editor's operations) as ONE edit named {@code label}: one undo reverts them
     * all, one redo applies them again. Each operation sees the state the previous ones left. When a step throws,
     * the ones before it are reverted and nothing is recorded. Nested calls join the outer step. No edit is recorded
     * when the steps changed nothing.
     */
    public void inOneStep(String label, Runnable steps) {
        if (step != null) {
            steps.run();
            return;
        }
        List<Edit> done = new ArrayList<>();
        step = done;
        try {
            steps.run();
        } catch (RuntimeException | Error e) {
            for (Edit d : done.reversed()) d.revert();
            throw e;
        } finally {
            step = null;
        }
        if (!done.isEmpty()) history.record(new CompoundEdit(label, done));
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
        CocoAnnotation a = withPolygons(new CocoAnnotation(nextId++, imageId, categoryId), clipped, im)
                .setIscrowd(0);
        add(a, label, null);
        return a.id();
    }

    /**
     * Paints (or erases) a brush stroke into an annotation's mask: disks of {@code radius} px centred on the stroke's
     * points (x0, y0, x1, y1, ...) and every {@code radius / 2} px between them; a pixel belongs to a disk when its
     * centre does. The segmentation becomes compressed RLE (exact pixels; uncompressed for a crowd region), area and
     * box follow the mask. {@code annotationId} -1 paints a new annotation of {@code categoryId}.
     *
     * <p>Paint never merges distant pixels silently: when painting ({@code add}) into an annotation and the stroke
     * does not touch it ({@link #strokeTouches}), the stroke starts a NEW annotation on the same image, of
     * {@code categoryId} when the dataset has that category, else of the annotation's category; the returned id then
     * differs from {@code annotationId} (select it). Returns the id of the annotation painted, or -1 when the stroke
     * changed no pixel.
     */
    public long paint(
            long annotationId,
            long imageId,
            int categoryId,
            double[] stroke,
            double radius,
            boolean add,
            String label) {
        CocoAnnotation a = annotationId < 0 ? null : annotation(annotationId);
        if (a != null && add && !strokeTouches(annotationId, stroke, radius)) {
            return paint(
                    -1,
                    a.imageId(),
                    coco.category(categoryId) != null ? categoryId : (int) a.categoryId(),
                    stroke,
                    radius,
                    true,
                    label);
        }
        long img = a == null ? imageId : a.imageId();
        CocoImage im = image(img);
        if (a == null) requireCategory(categoryId);
        int h = im.height(), w = im.width();
        byte[] mask = a == null || a.segmentation() == null
                ? new byte[h * w]
                : coco.annToRle(a).decode();
        boolean changed = stamp(mask, w, h, stroke, Math.max(0.5, radius), (byte) (add ? 1 : 0));
        if (!changed) return -1;
        Rle rle = Rle.encode(mask, h, w);
        if (a == null && rle.area() == 0) return -1;
        CocoAnnotation b = a == null ? new CocoAnnotation(nextId++, img, categoryId).setIscrowd(0) : a.withId(a.id());
        b.setSegmentation(maskSegmentation(b, rle)).setArea((double) rle.area()).setBbox(rle.toBbox());
        if (a == null) add(b, label, null);
        else replace(a, b, label);
        return b.id();
    }

    /**
     * True when the stroke's pixels (as {@link #paint} draws them) overlap the annotation's mask or touch it (a stroke
     * pixel among the 8 neighbours of a mask pixel). An annotation without segmentation counts as its box's pixels;
     * without a box either, nothing touches it.
     */
    public boolean strokeTouches(long annotationId, double[] stroke, double radius) {
        CocoAnnotation a = annotation(annotationId);
        CocoImage im = image(a.imageId());
        int h = im.height(), w = im.width();
        Rle rle = a.segmentation() != null ? coco.annToRle(a) : a.bbox() != null ? Rle.fromBbox(a.bbox(), h, w) : null;
        if (rle == null || rle.h() != h || rle.w() != w) return false;
        byte[] paint = new byte[h * w];
        stamp(paint, w, h, stroke, Math.max(0.5, radius), (byte) 1);
        return ShapeGeometry.touches(rle.decode(), paint, w, h);
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
        record(new Change(label, a.imageId(), coco.indexOfAnnotation(annotationId), a, null, null));
    }

    public void setCategory(long annotationId, int categoryId, String label) {
        requireCategory(categoryId);
        CocoAnnotation a = annotation(annotationId);
        if (a.categoryId() == categoryId) return;
        replace(a, a.withId(a.id()).setCategoryId(categoryId), label);
    }

    /**
     * Sets the box (x, y, w, h), clipped to the image, w and h at least 1 px. An annotation without segmentation gets
     * the box's area; a mask or polygon keeps its own, so box and shape can then disagree (issue #20): box handles
     * should use {@link #moveBoxCorner} or {@link #scaleToBox}, which move the shape with the box. Kept for callers
     * that set a box on purpose.
     */
    public void setBbox(long annotationId, double[] xywh, String label) {
        CocoAnnotation a = annotation(annotationId);
        double[] box = imageBox(xywh, image(a.imageId()));
        CocoAnnotation b = a.withId(a.id()).setBbox(box);
        if (a.segmentation() == null) b.setArea(box[2] * box[3]);
        replace(a, b, label);
    }

    /**
     * Scales the whole annotation into a new box (x, y, w, h; corners in any order, clipped to the image, w and h at
     * least 1 px), keeping box and shape consistent:
     * <ul>
     * <li>no segmentation: the box becomes {@code bbox}, its area {@code area};</li>
     * <li>polygons: every vertex is mapped linearly from the vertices' extent onto the box (x' = bx + (x - ex) * bw /
     *     ew, likewise y; a zero-size extent maps to the box's middle); area re-rasterised, bbox the new extent;</li>
     * <li>RLE: the box is rounded to whole pixels and the mask's pixels inside its tight box are resampled into it
     *     (nearest neighbour: target pixel x takes source pixel ex + floor((x - bx + 0.5) * ew / bw), likewise y); the
     *     mask keeps its kind (compressed, or uncompressed for a crowd region); area and bbox from the new mask (the
     *     bbox can be smaller than the box when shrinking skips the mask's edge rows).</li>
     * </ul>
     * Labelled keypoints are mapped with the shape (from the same extent to the same box) and clipped to the image.
     */
    public void scaleToBox(long annotationId, double[] xywh, String label) {
        CocoAnnotation a = annotation(annotationId);
        CocoImage im = image(a.imageId());
        double[] box = imageBox(xywh, im);
        CocoAnnotation b = a.withId(a.id());
        double[] from;
        Segmentation seg = a.segmentation();
        if (seg == null) {
            from = a.bbox();
            b.setBbox(box).setArea(box[2] * box[3]);
        } else if (seg instanceof Segmentation.Polygons p) {
            List<double[]> polys = p.polygons();
            from = ShapeGeometry.extent(polys);
            List<double[]> scaled = ShapeGeometry.scale(polys, from, box);
            for (double[] q : scaled) shiftInto(q, 0, 0, im);
            b = withPolygons(b, scaled, im);
        } else {
            Rle rle = coco.annToRle(a);
            if (rle.area() == 0 || rle.h() != im.height() || rle.w() != im.width()) {
                throw new IllegalArgumentException("annotation " + annotationId + " has an empty mask or one of"
                        + " another size than its image: it cannot be scaled");
            }
            double[] e = rle.toBbox();
            int[] src = {(int) e[0], (int) e[1], (int) e[2], (int) e[3]};
            // whole pixels, at least one, inside the image (the box is clipped already, so only x0 == width can
            // leave no pixel)
            int x0 = (int) Math.rint(box[0]), y0 = (int) Math.rint(box[1]);
            int x1 = (int) Math.rint(box[0] + box[2]), y1 = (int) Math.rint(box[1] + box[3]);
            if (x1 <= x0) x1 = x0 + 1;
            if (x1 > im.width()) x0 = (x1 = im.width()) - 1;
            if (y1 <= y0) y1 = y0 + 1;
            if (y1 > im.height()) y0 = (y1 = im.height()) - 1;
            int[] dst = {x0, y0, x1 - x0, y1 - y0};
            Rle scaled = ShapeGeometry.resampleNearest(rle, src, dst);
            from = e;
            box = new double[] {dst[0], dst[1], dst[2], dst[3]};
            b.setSegmentation(maskSegmentation(a, scaled))
                    .setArea((double) scaled.area())
                    .setBbox(scaled.toBbox());
        }
        double[] kp = a.keypoints();
        if (kp != null && from != null) {
            for (int i = 0; i + 2 < kp.length; i += 3) {
                if (kp[i + 2] <= 0) continue;
                kp[i] = clamp(ShapeGeometry.map(kp[i], from[0], from[2], box[0], box[2]), 0, im.width());
                kp[i + 1] = clamp(ShapeGeometry.map(kp[i + 1], from[1], from[3], box[1], box[3]), 0, im.height());
            }
            b.setKeypoints(kp);
        }
        replace(a, b, label);
    }

    /**
     * Moves one corner of the annotation's box to (x, y), the opposite corner staying where it is (so two edges move),
     * with the result of {@link #scaleToBox} for the box they span: works for every storage of a box. Corners are
     * numbered 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left of {@code bbox}; dragging past the opposite
     * corner flips the box. A box stored as a 4-corner axis-aligned polygon ({@link ShapeGeometry#isBoxPolygon}) stays
     * such a polygon (its vertices keep their order), so a box stays a box.
     *
     * @throws IllegalArgumentException when the annotation has no bbox or the corner is not 0..3
     */
    public void moveBoxCorner(long annotationId, int corner, double x, double y, String label) {
        CocoAnnotation a = annotation(annotationId);
        double[] b = a.bbox();
        if (b == null) throw new IllegalArgumentException("annotation " + annotationId + " has no box");
        if (corner < 0 || corner > 3) throw new IllegalArgumentException("a box corner is 0..3, not " + corner);
        double fx = corner == 1 || corner == 2 ? b[0] : b[0] + b[2];
        double fy = corner >= 2 ? b[1] : b[1] + b[3];
        scaleToBox(annotationId, new double[] {fx, fy, x - fx, y - fy}, label);
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
        if (a.bbox() != null) c.setBbox(new double[] {b[0] + dx, b[1] + dy, b[2], b[3]});
        if (seg instanceof Segmentation.Polygons p) {
            List<double[]> polys = p.polygons();
            for (double[] xy : polys) shiftInto(xy, dx, dy, im);
            c.setSegmentation(Segmentation.polygons(polys)).setArea((double)
                    Rle.fromPolygons(polys, im.height(), im.width()).area());
        } else if (raster) {
            Rle rle = coco.annToRle(a);
            int h = rle.h(), w = rle.w(), sx = (int) dx, sy = (int) dy;
            byte[] from = rle.decode(), to = new byte[h * w];
            for (int y = Math.max(0, -sy); Math.abs(sx) < w && y < Math.min(h, h - sy); y++) {
                System.arraycopy(from, y * w + Math.max(0, -sx), to, (y + sy) * w + Math.max(0, sx), w - Math.abs(sx));
            }
            Rle moved = Rle.encode(to, h, w);
            c.setSegmentation(maskSegmentation(a, moved)).setArea((double) moved.area());
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
     * Sets {@code iscrowd} (1 or 0). The mask's pixels, and so {@code area} and {@code bbox}, do not change; its
     * storage does, as in COCO files: a crowd region is uncompressed RLE ({@code counts} as a list), so polygons are
     * rasterised ({@link Rle#fromPolygons}) and compressed RLE is expanded, with the same runs. Back to 0, an
     * uncompressed RLE becomes the form it had before this editor made it crowd (the polygons, say) when its pixels
     * are still exactly that form's, else compressed RLE (the same runs); other forms stay. An annotation without
     * segmentation (a crowd box) only changes the flag. So toggling twice gives the original annotation. Returns
     * false when the flag already had that value.
     */
    public boolean setCrowd(long annotationId, boolean crowd, String label) {
        CocoAnnotation a = annotation(annotationId);
        if (a.isCrowd() == crowd && a.iscrowd() != null) return false;
        CocoAnnotation b = a.withId(a.id()).setIscrowd(crowd ? 1 : 0);
        Segmentation seg = a.segmentation();
        if (seg != null && crowd && !(seg instanceof Segmentation.UncompressedRle)) {
            Rle rle = coco.annToRle(a);
            b.setSegmentation(new Segmentation.UncompressedRle(rle.counts(), rle.h(), rle.w()));
            beforeCrowd.put(a.id(), seg);
        } else if (seg instanceof Segmentation.UncompressedRle u && !crowd) {
            Rle rle = coco.annToRle(a);
            Segmentation earlier = beforeCrowd.get(a.id());
            boolean same = earlier != null && earlier.toRle(rle.h(), rle.w()).equals(rle);
            b.setSegmentation(same ? earlier : Segmentation.of(rle));
        }
        replace(a, b, label);
        return true;
    }

    // ---- polygons ----

    /**
     * Moves one vertex of a polygon annotation (clipped to the image); area and box follow the polygons as in COCO
     * (area of the rasterised mask, box of the vertices).
     */
    public void moveVertex(long annotationId, int polygon, int vertex, double x, double y, String label) {
        CocoAnnotation a = annotation(annotationId);
        List<double[]> polys = polygonsOf(a);
        requireVertex(a, polys, polygon, vertex);
        CocoImage im = image(a.imageId());
        polys.get(polygon)[2 * vertex] = clamp(x, 0, im.width());
        polys.get(polygon)[2 * vertex + 1] = clamp(y, 0, im.height());
        replace(a, withPolygons(a, polys, im), label);
    }

    // ---- keypoints ----

    /**
     * Sets keypoint {@code k} (0-based) to (x, y) with visibility v (0 not labelled, 1 labelled but hidden, 2 visible);
     * {@code num_keypoints} follows. A keypoint with v = 0 is stored as 0, 0, 0 as in COCO. An annotation of a
     * keypoint category without keypoints gets them (all unlabelled, then this one).
     */
    public void setKeypoint(long annotationId, int k, double x, double y, int v, String label) {
        CocoAnnotation a = annotation(annotationId);
        double[] kp = keypointsOf(a);
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

    /** Applies the edit and records it: in the history, or in the step {@link #inOneStep} is recording. */
    void record(Edit e) {
        if (step == null) {
            history.push(e);
        } else {
            e.apply();
            step.add(e);
        }
    }

    void replace(CocoAnnotation before, CocoAnnotation after, String label) {
        record(new Change(label, before.imageId(), -1, before, after, null));
    }

    /** An id for a new annotation: above every id the file had, never reused after an undo. */
    long newId() {
        return nextId++;
    }

    /** A new annotation, at the end of the list (optionally reviewing a prediction). */
    void add(CocoAnnotation a, String label, Instance prediction) {
        record(new Change(label, a.imageId(), coco.annotations().size(), null, a, prediction));
    }

    /** The segmentation for a mask: uncompressed RLE for a crowd region (as COCO stores them), else compressed. */
    static Segmentation maskSegmentation(CocoAnnotation a, Rle rle) {
        return a.isCrowd() ? new Segmentation.UncompressedRle(rle.counts(), rle.h(), rle.w()) : Segmentation.of(rle);
    }

    /** Copies of the annotation's polygons. */
    static List<double[]> polygonsOf(CocoAnnotation a) {
        if (!(a.segmentation() instanceof Segmentation.Polygons p)) {
            throw new IllegalArgumentException("annotation " + a.id() + " has no polygon");
        }
        return p.polygons();
    }

    static void requireVertex(CocoAnnotation a, List<double[]> polys, int polygon, int vertex) {
        if (polygon < 0 || polygon >= polys.size() || vertex < 0 || 2 * vertex + 1 >= polys.get(polygon).length) {
            throw new IndexOutOfBoundsException(
                    "annotation " + a.id() + " has no vertex " + vertex + " in polygon " + polygon);
        }
    }

    /** A copy of the keypoints; all unlabelled for an annotation of a keypoint category that has none; or null. */
    double[] keypointsOf(CocoAnnotation a) {
        if (a.keypoints() != null) return a.keypoints();
        CocoCategory c = coco.category(a.categoryId());
        return c == null || c.keypoints() == null
                ? null
                : new double[3 * c.keypoints().size()];
    }

    /** A box (x, y, w, h; corners in any order) clipped to the image, w and h at least 1 px. */
    static double[] imageBox(double[] xywh, CocoImage im) {
        double x0 = clamp(Math.min(xywh[0], xywh[0] + xywh[2]), 0, im.width());
        double y0 = clamp(Math.min(xywh[1], xywh[1] + xywh[3]), 0, im.height());
        double x1 = clamp(Math.max(xywh[0], xywh[0] + xywh[2]), 0, im.width());
        double y1 = clamp(Math.max(xywh[1], xywh[1] + xywh[3]), 0, im.height());
        if (x1 - x0 < 1) x1 = Math.min(im.width(), x0 + 1);
        if (x1 - x0 < 1) x0 = x1 - 1;
        if (y1 - y0 < 1) y1 = Math.min(im.height(), y0 + 1);
        if (y1 - y0 < 1) y0 = y1 - 1;
        return new double[] {x0, y0, x1 - x0, y1 - y0};
    }

    /** Shifts x, y pairs by (dx, dy) and clips them to the image, in place; returns {@code xy}. */
    static double[] shiftInto(double[] xy, double dx, double dy, CocoImage im) {
        for (int i = 0; i + 1 < xy.length; i += 2) {
            xy[i] = clamp(xy[i] + dx, 0, im.width());
            xy[i + 1] = clamp(xy[i + 1] + dy, 0, im.height());
        }
        return xy;
    }

    /** COCO's {@code num_keypoints}: keypoints with v &gt; 0. */
    static int labelled(double[] kp) {
        int n = 0;
        for (int i = 2; i < kp.length; i += 3) if (kp[i] > 0) n++;
        return n;
    }

    CocoCategory requireCategory(long categoryId) {
        CocoCategory c = coco.category(categoryId);
        if (c == null) throw new IllegalArgumentException("the dataset has no category " + categoryId);
        return c;
    }

    /** A copy with these polygons, area of their rasterisation and bbox of their vertices, as in COCO. */
    static CocoAnnotation withPolygons(CocoAnnotation a, List<double[]> polys, CocoImage im) {
        Rle rle = Rle.fromPolygons(polys, im.height(), im.width());
        return a.withId(a.id())
                .setSegmentation(Segmentation.polygons(polys))
                .setArea((double) rle.area())
                .setBbox(ShapeGeometry.extent(polys));
    }

    CocoAnnotation annotation(long id) {
        CocoAnnotation a = coco.annotation(id);
        if (a == null) throw new IllegalArgumentException("no annotation with id " + id);
        return a;
    }

    CocoImage image(long id) {
        CocoImage im = coco.image(id);
        if (im == null) throw new IllegalArgumentException("no image with id " + id);
        return im;
    }

    private void requirePrediction(Instance p) {
        if (!p.prediction()) throw new IllegalArgumentException("not a prediction: " + p.id());
        if (isReviewed(p)) throw new IllegalStateException("prediction " + p.id() + " was already reviewed");
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * The one kind of edit: annotation state {@code before} becomes {@code after} (null: absent), at {@code index} of
     * the dataset's list when added back; optionally reviews a prediction (accepted as {@code after}, or rejected when
     * there is no {@code after}), putting back the decision it replaced when reverted.
     */
    private final class Change implements Edit {
        private final String label;
        private final long imageId;
        private int index;
        private final CocoAnnotation before;
        private final CocoAnnotation after;
        private final Instance prediction;
        /** The decision this change's review replaced when last applied (empty: the prediction was pending). */
        private Optional<ReviewState.Decision> replaced = Optional.empty();

        Change(
                String label,
                long imageId,
                int index,
                CocoAnnotation before,
                CocoAnnotation after,
                Instance prediction) {
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
            if (prediction == null) return;
            if (prediction.key() == null) {
                reviewed.add(prediction);
                return;
            }
            boolean accepted = after != null;
            replaced = review.put(new ReviewState.Decision(
                    prediction.key(),
                    prediction.imageId(),
                    prediction.categoryId(),
                    prediction.score(),
                    accepted ? ReviewState.Status.ACCEPTED : ReviewState.Status.REJECTED,
                    accepted ? after.id() : 0));
        }

        @Override
        public void revert() {
            swap(after, before);
            if (prediction == null) return;
            if (prediction.key() == null) {
                reviewed.remove(prediction);
            } else if (replaced.isPresent()) {
                review.put(replaced.get());
            } else {
                review.clear(prediction.key());
            }
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
