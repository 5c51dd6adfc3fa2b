package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.List;

/**
 * Box and position edits of an {@link AnnotationEditor} ({@link AnnotationEditor#boxes()}): a box corner moved or a
 * new box with the shape scaled into it (box and shape never disagree), the whole annotation moved, and the free box
 * of {@link #setBbox}. Each an undoable edit of the editor's history.
 */
public final class BoxEditor {
    private final AnnotationEditor editor;

    BoxEditor(AnnotationEditor editor) {
        this.editor = editor;
    }

    /**
     * Sets the box (x, y, w, h), clipped to the image, w and h at least 1 px. An annotation without segmentation gets
     * the box's area; a mask or polygon keeps its own, so box and shape can then disagree (issue #20): box handles
     * should use {@link #moveBoxCorner} or {@link #scaleToBox}, which move the shape with the box. Kept for callers
     * that set a box on purpose.
     */
    public void setBbox(long annotationId, double[] xywh, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        double[] box = AnnotationEditor.imageBox(xywh, editor.image(a.imageId()));
        CocoAnnotation b = a.withId(a.id()).setBbox(box);
        if (a.segmentation() == null) b.setArea(box[2] * box[3]);
        editor.replace(a, b, label);
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
        CocoAnnotation a = editor.annotation(annotationId);
        CocoImage im = editor.image(a.imageId());
        double[] box = AnnotationEditor.imageBox(xywh, im);
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
            for (double[] q : scaled) AnnotationEditor.shiftInto(q, 0, 0, im);
            b = AnnotationEditor.withPolygons(b, scaled, im);
        } else {
            Rle rle = editor.coco().annToRle(a);
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
            b.setSegmentation(AnnotationEditor.maskSegmentation(a, scaled))
                    .setArea((double) scaled.area())
                    .setBbox(scaled.toBbox());
        }
        double[] kp = a.keypoints();
        if (kp != null && from != null) {
            for (int i = 0; i + 2 < kp.length; i += 3) {
                if (kp[i + 2] <= 0) continue;
                kp[i] = AnnotationEditor.clamp(
                        ShapeGeometry.map(kp[i], from[0], from[2], box[0], box[2]), 0, im.width());
                kp[i + 1] = AnnotationEditor.clamp(
                        ShapeGeometry.map(kp[i + 1], from[1], from[3], box[1], box[3]), 0, im.height());
            }
            b.setKeypoints(kp);
        }
        editor.replace(a, b, label);
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
        CocoAnnotation a = editor.annotation(annotationId);
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
        CocoAnnotation a = editor.annotation(annotationId);
        CocoImage im = editor.image(a.imageId());
        double[] b = a.bbox() != null ? a.bbox() : new double[4];
        dx = AnnotationEditor.clamp(dx, -b[0], Math.max(-b[0], im.width() - b[0] - b[2]));
        dy = AnnotationEditor.clamp(dy, -b[1], Math.max(-b[1], im.height() - b[1] - b[3]));
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
            for (double[] xy : polys) AnnotationEditor.shiftInto(xy, dx, dy, im);
            c.setSegmentation(Segmentation.polygons(polys)).setArea((double)
                    Rle.fromPolygons(polys, im.height(), im.width()).area());
        } else if (raster) {
            Rle rle = editor.coco().annToRle(a);
            int h = rle.h(), w = rle.w(), sx = (int) dx, sy = (int) dy;
            byte[] from = rle.decode(), to = new byte[h * w];
            for (int y = Math.max(0, -sy); Math.abs(sx) < w && y < Math.min(h, h - sy); y++) {
                System.arraycopy(from, y * w + Math.max(0, -sx), to, (y + sy) * w + Math.max(0, sx), w - Math.abs(sx));
            }
            Rle moved = Rle.encode(to, h, w);
            c.setSegmentation(AnnotationEditor.maskSegmentation(a, moved)).setArea((double) moved.area());
        }
        double[] kp = a.keypoints();
        if (kp != null) {
            for (int i = 0; i + 2 < kp.length; i += 3) {
                if (kp[i + 2] <= 0) continue;
                kp[i] = AnnotationEditor.clamp(kp[i] + dx, 0, im.width());
                kp[i + 1] = AnnotationEditor.clamp(kp[i + 1] + dy, 0, im.height());
            }
            c.setKeypoints(kp);
        }
        editor.replace(a, c, label);
        return true;
    }
}
