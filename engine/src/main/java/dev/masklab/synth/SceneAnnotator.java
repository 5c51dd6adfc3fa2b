package dev.masklab.synth;

import dev.masklab.coco.Rle;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link Scene} into annotations the way a careful human would: every non-crowd object keeps the polygons of
 * its full shape (COCO style, occluded parts included) unless later objects cover most of it, in which case it is not
 * annotated; crowd regions are always annotated; keypoint visibility comes from the rendered label map.
 */
final class SceneAnnotator {
    /** Objects with less than this share of their pixels visible are dropped from the annotations. */
    static final double MIN_VISIBLE_FRACTION = 0.25;

    private SceneAnnotator() {}

    static List<AnnotatedObject> annotate(Scene scene) {
        int w = scene.width(), h = scene.height();
        int[] labels = SceneRenderer.labels(scene);
        int[] visible = new int[scene.objects().size() + 1];
        for (int l : labels) visible[l]++;
        List<AnnotatedObject> out = new ArrayList<>();
        for (int i = 0; i < scene.objects().size(); i++) {
            SceneObject o = scene.objects().get(i);
            Rle mask = Rle.fromPolygons(o.polygons(), h, w);
            if (mask.area() == 0) continue;
            // visible pixels (Java2D label map) over the mask's area (COCO rasterisation): equal up to border pixels
            double fraction = Math.min(1.0, (double) visible[i + 1] / mask.area());
            if (!o.crowd() && fraction < MIN_VISIBLE_FRACTION) continue;
            out.add(new AnnotatedObject(
                    o, mask, fraction, o.keypoints() == null ? null : keypoints(o.keypoints(), labels, i + 1, w, h)));
        }
        return out;
    }

    private static double[] keypoints(double[] xy, int[] labels, int label, int w, int h) {
        double[] out = new double[xy.length / 2 * 3];
        for (int k = 0; k < xy.length / 2; k++) {
            double x = xy[2 * k], y = xy[2 * k + 1];
            if (x < 0 || y < 0 || x >= w || y >= h) continue; // outside the image: 0, 0, 0
            int l = labels[(int) y * w + (int) x];
            out[3 * k] = x;
            out[3 * k + 1] = y;
            out[3 * k + 2] = l > label ? 1 : 2; // a later object covers it: occluded
        }
        return out;
    }
}
