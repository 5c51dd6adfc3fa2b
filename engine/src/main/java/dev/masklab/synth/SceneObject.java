package dev.masklab.synth;

import java.util.List;

/**
 * One thing drawn in a synthetic image, in drawing order (later objects cover earlier ones).
 *
 * @param kind      category
 * @param polygons  polygons clipped to the image and rounded to 2 decimals: exactly what is drawn and annotated
 *                  (for a crowd region: one polygon per small member shape)
 * @param rgb       flat fill colour 0xRRGGBB
 * @param crowd     a crowd region (iscrowd=1) made of several small shapes
 * @param keypoints for {@link ShapeKind#FIGURE}: 17 (x, y) pairs, possibly outside the image; otherwise null
 */
public record SceneObject(ShapeKind kind, List<double[]> polygons, int rgb, boolean crowd, double[] keypoints) {}
