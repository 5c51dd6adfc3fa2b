package dev.masklab.synth;

import dev.masklab.coco.Rle;

/**
 * A drawn object that made it into the annotations, with what the annotation needs.
 *
 * @param object      the drawn object
 * @param mask        its full (unoccluded) mask as COCO tools compute it from its polygons
 * @param visibleFraction share of the mask's pixels still visible in the image
 * @param keypoints   for a figure: 17 (x, y, v) triples, v = 2 visible, 1 covered by a later object, 0 outside
 *                    the image (then x = y = 0); otherwise null
 */
public record AnnotatedObject(SceneObject object, Rle mask, double visibleFraction, double[] keypoints) {

    public int numKeypoints() {
        if (keypoints == null) return 0;
        int n = 0;
        for (int i = 2; i < keypoints.length; i += 3) if (keypoints[i] > 0) n++;
        return n;
    }
}
