package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.MaskPolygons;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Polygon edits of an {@link AnnotationEditor} ({@link AnnotationEditor#polygons()}): vertices inserted on an edge and
 * deleted, parts added and deleted, masks converted to simplified polygons and polygons to exact masks. Each an
 * undoable edit of the editor's history; area and bbox follow the shape as pycocotools computes them (polygons:
 * rasterised area, vertex extent; RLE: mask area and tight box). Moving a vertex is
 * {@link AnnotationEditor#moveVertex}.
 */
public final class PolygonEditor {
    private final AnnotationEditor editor;

    PolygonEditor(AnnotationEditor editor) {
        this.editor = editor;
    }

    /**
     * Inserts a vertex on edge {@code edge} of part {@code polygon} (the edge from vertex {@code edge} to vertex
     * {@code edge + 1}, the last edge closing the ring): the point of that edge nearest to (x, y), which lies in the
     * image. It becomes vertex {@code edge + 1}; area and box follow as for {@link AnnotationEditor#moveVertex} (the
     * outline is the same, so they only change by the rasteriser's rounding). Returns the new vertex's index.
     * ({@link ShapeGeometry#nearestEdge} finds the edge nearest to a click.)
     */
    public int insertVertex(long annotationId, int polygon, int edge, double x, double y, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        List<double[]> polys = AnnotationEditor.polygonsOf(a);
        AnnotationEditor.requireVertex(a, polys, polygon, edge);
        double[] p = polys.get(polygon);
        double[] at = ShapeGeometry.project(p, edge, x, y);
        double[] q = new double[p.length + 2];
        System.arraycopy(p, 0, q, 0, 2 * edge + 2);
        q[2 * edge + 2] = at[0];
        q[2 * edge + 3] = at[1];
        System.arraycopy(p, 2 * edge + 2, q, 2 * edge + 4, p.length - 2 * edge - 2);
        polys.set(polygon, q);
        editor.replace(a, AnnotationEditor.withPolygons(a, polys, editor.image(a.imageId())), label);
        return edge + 1;
    }

    /**
     * Deletes one vertex of a part; area and box follow. A part keeps at least 3 vertices: deleting from a triangle is
     * refused (returns false, no edit) — delete the part ({@link #deletePart}) or the annotation instead.
     */
    public boolean deleteVertex(long annotationId, int polygon, int vertex, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        List<double[]> polys = AnnotationEditor.polygonsOf(a);
        AnnotationEditor.requireVertex(a, polys, polygon, vertex);
        double[] p = polys.get(polygon);
        if (p.length <= 6) return false;
        double[] q = new double[p.length - 2];
        System.arraycopy(p, 0, q, 0, 2 * vertex);
        System.arraycopy(p, 2 * vertex + 2, q, 2 * vertex, p.length - 2 * vertex - 2);
        polys.set(polygon, q);
        editor.replace(a, AnnotationEditor.withPolygons(a, polys, editor.image(a.imageId())), label);
        return true;
    }

    /**
     * Adds a part (a polygon of at least 3 vertices, clipped to the image) to an annotation: appended to its polygons
     * (returns its index); an annotation without segmentation gets it as its only polygon (index 0); an RLE mask gets
     * the polygon's pixels added ({@link Rle#fromPolygon}, same RLE kind; returns -1). Area and box follow the shape.
     */
    public int addPart(long annotationId, double[] polygon, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        CocoImage im = editor.image(a.imageId());
        if (polygon.length < 6 || polygon.length % 2 != 0) {
            throw new IllegalArgumentException("a polygon needs at least 3 points, got " + polygon.length / 2);
        }
        double[] part = AnnotationEditor.shiftInto(polygon.clone(), 0, 0, im);
        Segmentation seg = a.segmentation();
        if (seg == null || seg instanceof Segmentation.Polygons) {
            List<double[]> polys = seg == null ? new ArrayList<>() : ((Segmentation.Polygons) seg).polygons();
            polys.add(part);
            editor.replace(a, AnnotationEditor.withPolygons(a, polys, im), label);
            return polys.size() - 1;
        }
        Rle rle = editor.coco().annToRle(a);
        Rle merged = Rle.merge(List.of(rle, Rle.fromPolygon(part, rle.h(), rle.w())), false);
        editor.replace(
                a,
                a.withId(a.id())
                        .setSegmentation(AnnotationEditor.maskSegmentation(a, merged))
                        .setArea((double) merged.area())
                        .setBbox(merged.toBbox()),
                label);
        return -1;
    }

    /**
     * Deletes part {@code polygon} of a polygon annotation; area and box follow. The last part is not deleted
     * (returns false, no edit): delete the annotation instead.
     */
    public boolean deletePart(long annotationId, int polygon, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        List<double[]> polys = AnnotationEditor.polygonsOf(a);
        AnnotationEditor.requireVertex(a, polys, polygon, 0);
        if (polys.size() == 1) return false;
        polys.remove(polygon);
        editor.replace(a, AnnotationEditor.withPolygons(a, polys, editor.image(a.imageId())), label);
        return true;
    }

    // ---- mask and polygons ----

    /**
     * The annotation's mask traced for conversion to polygons: {@link MaskPolygons#fit(double)} gives, for a tolerance
     * in px, the polygons, their vertex count and their IoU with the mask (for a live slider; trace once, fit for each
     * slider value). Holes are filled by any polygon form ({@link MaskPolygons#holePixels()}).
     *
     * @throws IllegalArgumentException when the annotation has no segmentation
     */
    public MaskPolygons tracePolygons(long annotationId) {
        CocoAnnotation a = editor.annotation(annotationId);
        Rle rle = editor.coco().annToRle(a);
        if (rle == null) throw new IllegalArgumentException("annotation " + annotationId + " has no mask");
        return MaskPolygons.trace(rle);
    }

    /**
     * Replaces an RLE mask (an accepted prediction, a brush result) by editable polygons simplified to
     * {@code tolerance} px ({@link MaskPolygons}); area is the polygons' rasterised area, bbox their extent. Holes
     * are filled (COCO polygons cannot express them): the returned fit's IoU says what the conversion costs, and
     * {@link #tracePolygons} lets the user see it before; an annotation whose holes matter should stay RLE. Returns
     * the fit applied.
     *
     * @throws IllegalArgumentException for a crowd region (COCO stores those as RLE), an annotation that already has
     *                                  polygons or none, or an empty mask
     */
    public MaskPolygons.Fit convertToPolygons(long annotationId, double tolerance, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        if (a.isCrowd()) throw new IllegalArgumentException("annotation " + annotationId + " is a crowd region: RLE");
        if (!(a.segmentation() instanceof Segmentation.CompressedRle
                || a.segmentation() instanceof Segmentation.UncompressedRle)) {
            throw new IllegalArgumentException("annotation " + annotationId + " has no RLE mask");
        }
        MaskPolygons.Fit fit = tracePolygons(annotationId).fit(tolerance);
        if (fit.polygons().isEmpty()) {
            throw new IllegalArgumentException("annotation " + annotationId + " has an empty mask");
        }
        editor.replace(a, AnnotationEditor.withPolygons(a, fit.polygons(), editor.image(a.imageId())), label);
        return fit;
    }

    /**
     * Replaces polygons by their exact mask: compressed RLE equal to {@link Rle#fromPolygons} (pycocotools
     * {@code merge(frPyObjects(...))}; uncompressed for a crowd region); area is unchanged in value (the same
     * rasterisation), bbox becomes the mask's tight box ({@link Rle#toBbox}), as for every RLE annotation.
     *
     * @throws IllegalArgumentException when the annotation has no polygons
     */
    public void convertToMask(long annotationId, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        AnnotationEditor.polygonsOf(a);
        Rle rle = editor.coco().annToRle(a);
        editor.replace(
                a,
                a.withId(a.id())
                        .setSegmentation(AnnotationEditor.maskSegmentation(a, rle))
                        .setArea((double) rle.area())
                        .setBbox(rle.toBbox()),
                label);
    }
}
