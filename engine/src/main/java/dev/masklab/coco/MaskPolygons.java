package dev.masklab.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * A binary mask as editable COCO polygons, simplified to a tolerance in pixels, with the measures a live slider shows:
 * vertex count and IoU of the rasterised polygons with the mask.
 *
 * <p>{@link #trace(Rle)} runs {@link Contours} once (one outline per 4-connected region) and turns each outline from
 * pixel corners into the midpoints of its boundary pixel edges (crack midpoints, as marching squares at level 0.5 on
 * pixel centres): a straight side stays where it is, a one-pixel staircase becomes the diagonal through the step
 * midpoints, so the unsimplified outline already rasterises (pycocotools rules, {@link Rle#fromPolygon}) to the
 * region with far fewer vertices than the corner form. {@link #fit(double)} then simplifies every outline: the
 * vertices {@link DouglasPeucker} keeps (at least 3 a part) split the outline into chains; each chain is replaced by
 * its least-squares line (total least squares over the chain's length, not its chord, so the error falls on both
 * sides of the boundary instead of cutting every convex bulge) and each vertex moves to where its two lines meet,
 * unless that is more than the tolerance away from the kept vertex (near-parallel lines), which then stays. Parts
 * that rasterise to no pixel are left out. On the shared data's 48 masks this keeps the IoU at 1 px tolerance at
 * 0.95 or more (the Douglas-Peucker chords alone gave 0.93 for the smallest masks; MaskPolygonsTest).
 *
 * <p>Holes: COCO polygons of one annotation are a union of parts and cannot express a hole, so holes are filled
 * (pixels of the background enclosed by a region become foreground). Their size is {@link #holePixels()} and the
 * loss is part of every {@link Fit#iou()}; keeping the mask as RLE is the way to keep a hole exactly.
 */
public final class MaskPolygons {
    private final Rle mask;
    private final List<double[]> outlines;
    private final long holePixels;

    private MaskPolygons(Rle mask, List<double[]> outlines, long holePixels) {
        this.mask = mask;
        this.outlines = outlines;
        this.holePixels = holePixels;
    }

    /** Traces the mask's outlines (cost: one contour trace and one rasterisation, O(h * w)). */
    public static MaskPolygons trace(Rle mask) {
        List<double[]> corners = Contours.polygons(mask);
        List<double[]> outlines = new ArrayList<>(corners.size());
        for (double[] c : corners) outlines.add(crackMidpoints(c));
        long filled = corners.isEmpty()
                ? 0
                : Rle.fromPolygons(corners, mask.h(), mask.w()).area();
        return new MaskPolygons(mask, outlines, Math.max(0, filled - mask.area()));
    }

    /** The traced mask. */
    public Rle mask() {
        return mask;
    }

    /** Background pixels enclosed by the mask's regions: filled by any polygon form of it. */
    public long holePixels() {
        return holePixels;
    }

    /** Unsimplified outlines (crack midpoints), one per 4-connected region; copies. */
    public List<double[]> outlines() {
        List<double[]> copy = new ArrayList<>(outlines.size());
        for (double[] o : outlines) copy.add(o.clone());
        return copy;
    }

    /**
     * The polygons for a tolerance, with their vertex count and IoU with the mask.
     *
     * @param polygons    one part per region that rasterises to at least one pixel, [x0, y0, x1, y1, ...] in pixel
     *                    coordinates (pixel (x, y) covers [x, x+1] x [y, y+1]); empty for an empty mask
     * @param vertexCount vertices over all parts
     * @param rasterised  the polygons rasterised as pycocotools does ({@code merge(frPyObjects(polygons))})
     * @param iou         |rasterised and mask| / |rasterised or mask| (1 when both are empty)
     */
    public record Fit(List<double[]> polygons, int vertexCount, Rle rasterised, double iou) {}

    /** Simplifies each outline to {@code tolerance} px ({@link DouglasPeucker}); O(vertices log vertices + h * w). */
    public Fit fit(double tolerance) {
        List<double[]> parts = new ArrayList<>(outlines.size());
        List<Rle> rles = new ArrayList<>(outlines.size());
        int vertices = 0;
        for (double[] o : outlines) {
            double[] p = fitLines(o, DouglasPeucker.keptIndices(o, tolerance), tolerance);
            Rle r = Rle.fromPolygon(p, mask.h(), mask.w());
            if (r.area() == 0) continue;
            parts.add(p);
            rles.add(r);
            vertices += p.length / 2;
        }
        Rle raster = rles.isEmpty() ? Rle.fromPolygons(List.of(), mask.h(), mask.w()) : Rle.merge(rles, false);
        double iou = raster.area() == 0 && mask.area() == 0 ? 1 : Rle.iou(List.of(raster), List.of(mask), null)[0][0];
        return new Fit(parts, vertices, raster, iou);
    }

    /**
     * The simplified polygon: chain c runs from vertex {@code kept[c]} to {@code kept[c + 1]} (cyclic) of the closed
     * outline {@code o}; vertex c is the intersection of the least-squares lines of chains c - 1 and c, or
     * {@code o[kept[c]]} when that is farther than {@code tolerance} from it; moved vertices are rounded to 1/100 px.
     */
    static double[] fitLines(double[] o, int[] kept, double tolerance) {
        int n = o.length / 2;
        int m = kept.length;
        double[] out = new double[2 * m];
        for (int c = 0; c < m; c++) {
            out[2 * c] = o[2 * kept[c]];
            out[2 * c + 1] = o[2 * kept[c] + 1];
        }
        if (m < 3 || tolerance == 0) return out;
        double[][] lines = new double[m][];
        for (int c = 0; c < m; c++) {
            int end = kept[(c + 1) % m];
            double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
            for (int i = kept[c]; i != end; i = (i + 1) % n) {
                int j = (i + 1) % n;
                double ax = o[2 * i], ay = o[2 * i + 1], dx = o[2 * j] - ax, dy = o[2 * j + 1] - ay;
                double len = Math.hypot(dx, dy), mx = ax + dx / 2, my = ay + dy / 2;
                // moments of a uniform segment: centre mx, my; spread d d^T / 12
                s += len;
                sx += len * mx;
                sy += len * my;
                sxx += len * (mx * mx + dx * dx / 12);
                sxy += len * (mx * my + dx * dy / 12);
                syy += len * (my * my + dy * dy / 12);
            }
            if (s == 0) continue;
            double cx = sx / s, cy = sy / s;
            double vxx = sxx / s - cx * cx, vxy = sxy / s - cx * cy, vyy = syy / s - cy * cy;
            double theta = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
            lines[c] = new double[] {cx, cy, Math.cos(theta), Math.sin(theta)};
        }
        for (int c = 0; c < m; c++) {
            double[] l1 = lines[(c + m - 1) % m], l2 = lines[c];
            if (l1 == null || l2 == null) continue;
            double den = l1[2] * l2[3] - l1[3] * l2[2];
            if (Math.abs(den) < 1e-9) continue;
            double t = ((l2[0] - l1[0]) * l2[3] - (l2[1] - l1[1]) * l2[2]) / den;
            double x = l1[0] + t * l1[2], y = l1[1] + t * l1[3];
            if (Math.hypot(x - out[2 * c], y - out[2 * c + 1]) <= tolerance) {
                out[2 * c] = Math.rint(x * 100) / 100; // 1/100 px: tidy files, far below the tolerance
                out[2 * c + 1] = Math.rint(y * 100) / 100;
            }
        }
        return out;
    }

    /**
     * Corner outline (axis-aligned runs between turning corners, as {@link Contours} returns it) to the midpoints of its
     * unit boundary edges, keeping only the first and last midpoint of each straight run.
     */
    static double[] crackMidpoints(double[] c) {
        int n = c.length / 2;
        double[] out = new double[4 * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double ax = c[2 * i], ay = c[2 * i + 1];
            double bx = c[(2 * i + 2) % (2 * n)], by = c[(2 * i + 3) % (2 * n)];
            double len = Math.abs(bx - ax) + Math.abs(by - ay);
            double ux = Math.signum(bx - ax) * 0.5, uy = Math.signum(by - ay) * 0.5;
            out[k++] = ax + ux;
            out[k++] = ay + uy;
            if (len > 1) {
                out[k++] = bx - ux;
                out[k++] = by - uy;
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }
}
