package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.Rle;

/**
 * Brush and eraser edits of an {@link AnnotationEditor} ({@link AnnotationEditor#brush()}): strokes painted into or
 * erased from an annotation's mask, or starting a new one, stored as exact RLE; each an undoable edit of the editor's
 * history.
 */
public final class BrushEditor {
    private final AnnotationEditor editor;

    BrushEditor(AnnotationEditor editor) {
        this.editor = editor;
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
        CocoAnnotation a = annotationId < 0 ? null : editor.annotation(annotationId);
        if (a != null && add && !strokeTouches(annotationId, stroke, radius)) {
            return paint(
                    -1,
                    a.imageId(),
                    editor.coco().category(categoryId) != null ? categoryId : (int) a.categoryId(),
                    stroke,
                    radius,
                    true,
                    label);
        }
        long img = a == null ? imageId : a.imageId();
        CocoImage im = editor.image(img);
        if (a == null) editor.requireCategory(categoryId);
        int h = im.height(), w = im.width();
        byte[] mask = a == null || a.segmentation() == null
                ? new byte[h * w]
                : editor.coco().annToRle(a).decode();
        boolean changed = stamp(mask, w, h, stroke, Math.max(0.5, radius), (byte) (add ? 1 : 0));
        if (!changed) return -1;
        Rle rle = Rle.encode(mask, h, w);
        if (a == null && rle.area() == 0) return -1;
        CocoAnnotation b =
                a == null ? new CocoAnnotation(editor.newId(), img, categoryId).setIscrowd(0) : a.withId(a.id());
        b.setSegmentation(AnnotationEditor.maskSegmentation(b, rle))
                .setArea((double) rle.area())
                .setBbox(rle.toBbox());
        if (a == null) editor.add(b, label, null);
        else editor.replace(a, b, label);
        return b.id();
    }

    /**
     * True when the stroke's pixels (as {@link #paint} draws them) overlap the annotation's mask or touch it (a stroke
     * pixel among the 8 neighbours of a mask pixel). An annotation without segmentation counts as its box's pixels;
     * without a box either, nothing touches it.
     */
    public boolean strokeTouches(long annotationId, double[] stroke, double radius) {
        CocoAnnotation a = editor.annotation(annotationId);
        CocoImage im = editor.image(a.imageId());
        int h = im.height(), w = im.width();
        Rle rle = a.segmentation() != null
                ? editor.coco().annToRle(a)
                : a.bbox() != null ? Rle.fromBbox(a.bbox(), h, w) : null;
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
}
