package dev.masklab.app.edit;

import dev.masklab.app.model.Instance;
import dev.masklab.app.model.KeypointConfidence;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import dev.masklab.review.PredictionKey;
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
import java.util.function.DoubleSupplier;

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
 * them; box edits move the shape ({@link BoxEditor#scaleToBox}); crowd regions stay uncompressed RLE.
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
    private final BoxEditor boxes = new BoxEditor(this);
    private final BrushEditor brush = new BrushEditor(this);
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

    /** Box corners, scaling into a box, moving the whole annotation. */
    public BoxEditor boxes() {
        return boxes;
    }

    /** Brush and eraser strokes. */
    public BrushEditor brush() {
        return brush;
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

    /** Told of every change of a review decision made by an edit, undo or redo (to journal it). */
    @FunctionalInterface
    public interface ReviewListener {
        /** The decision on {@code key} is now {@code decision}, or none (pending again) when it is null. */
        void changed(PredictionKey key, ReviewState.Decision decision);
    }

    private ReviewListener reviewListener = (key, decision) -> {};

    /** The display panel's minimum keypoint score: predicted keypoints below it are accepted unlabelled. */
    private DoubleSupplier keypointScoreThreshold = () -> KeypointConfidence.DEFAULT_THRESHOLD;

    /** Where accepting reads the minimum keypoint score from ({@link KeypointConfidence#accepted}). */
    public void setKeypointScoreThreshold(DoubleSupplier threshold) {
        keypointScoreThreshold = threshold;
    }

    /** Tells {@code l} of every later change of a decision ({@code null}: nobody). */
    public void setReviewListener(ReviewListener l) {
        reviewListener = l == null ? (key, decision) -> {} : l;
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
            double[] k = KeypointConfidence.accepted(prediction, keypointScoreThreshold.getAsDouble());
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
            ReviewState.Decision d = new ReviewState.Decision(
                    prediction.key(),
                    prediction.imageId(),
                    prediction.categoryId(),
                    prediction.score(),
                    accepted ? ReviewState.Status.ACCEPTED : ReviewState.Status.REJECTED,
                    accepted ? after.id() : 0);
            replaced = review.put(d);
            reviewListener.changed(prediction.key(), d);
        }

        @Override
        public void revert() {
            swap(after, before);
            if (prediction == null) return;
            if (prediction.key() == null) {
                reviewed.remove(prediction);
            } else if (replaced.isPresent()) {
                review.put(replaced.get());
                reviewListener.changed(prediction.key(), replaced.get());
            } else {
                review.clear(prediction.key());
                reviewListener.changed(prediction.key(), null);
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
