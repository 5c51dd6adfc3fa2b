package dev.masklab.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes a plausible detector output for one annotated scene, for evaluation benchmarks and tests: most ground-truth
 * objects come back slightly moved, scaled and rotated with a high score (a few with the wrong shape class, a few
 * twice), the rest of the {@code perImage} budget is false positives (random shapes and figures) with low scores.
 * Figure detections carry 17 jittered keypoints (x, y, score).
 */
final class DetectionSynthesizer {
    private final SceneGenerator shapes;
    private final int width, height;

    DetectionSynthesizer(SceneGenerator shapes, int width, int height) {
        this.shapes = shapes;
        this.width = width;
        this.height = height;
    }

    /** One detection: polygons (clipped to the image) of its mask, keypoints (17 x,y,score triples) or null, score. */
    record Detection(ShapeKind kind, List<double[]> polygons, double[] keypoints, double score) {}

    List<Detection> detect(List<AnnotatedObject> gt, SplittableRandom rng, int perImage) {
        List<Detection> out = new ArrayList<>();
        for (AnnotatedObject a : gt) {
            SceneObject o = a.object();
            if (o.crowd() || rng.nextDouble() < 0.1) continue; // missed
            out.add(jitter(o, a.mask().area(), rng, 0.35 + 0.65 * Math.sqrt(rng.nextDouble())));
            if (rng.nextDouble() < 0.1) out.add(jitter(o, a.mask().area(), rng, 0.5 * rng.nextDouble())); // duplicate
        }
        out.removeIf(d -> d.polygons().isEmpty());
        if (out.size() > perImage) {
            out.sort(Comparator.comparingDouble(Detection::score).reversed());
            out = new ArrayList<>(out.subList(0, perImage));
        }
        int guard = 0;
        while (out.size() < perImage && guard++ < perImage * 20) {
            SceneObject fp = rng.nextDouble() < 0.2 ? shapes.figure(rng, null) : shapes.shape(rng, null);
            if (fp == null) continue;
            double score = 0.6 * rng.nextDouble() * rng.nextDouble();
            out.add(new Detection(
                    fp.kind(), fp.polygons(), fp.keypoints() == null ? null : withScores(fp.keypoints(), rng), score));
        }
        return out;
    }

    private Detection jitter(SceneObject o, long area, SplittableRandom rng, double score) {
        double size = Math.sqrt(Math.max(1, area));
        double[] c = centroid(o.polygons());
        double s = 1 + 0.06 * rng.nextGaussian(), rot = 0.05 * rng.nextGaussian();
        double tx = 0.04 * size * rng.nextGaussian(), ty = 0.04 * size * rng.nextGaussian();
        double a = s * StrictMath.cos(rot),
                b = -s * StrictMath.sin(rot),
                cc = s * StrictMath.sin(rot),
                d = s * StrictMath.cos(rot);
        double ox = c[0] + tx - (a * c[0] + b * c[1]), oy = c[1] + ty - (cc * c[0] + d * c[1]);
        List<double[]> polys = new ArrayList<>();
        for (double[] p : o.polygons()) {
            double[] clipped = Polygons.clip(Polygons.affine(p, a, b, cc, d, ox, oy), width, height);
            if (clipped != null) polys.add(Polygons.round2(clipped));
        }
        ShapeKind kind = o.kind();
        if (kind != ShapeKind.FIGURE && rng.nextDouble() < 0.05) {
            kind = ShapeKind.SHAPES.get(rng.nextInt(ShapeKind.SHAPES.size())); // confused shape class
        }
        double[] kp = null;
        if (o.keypoints() != null) {
            double[] moved = Polygons.affine(o.keypoints(), a, b, cc, d, ox, oy);
            for (int i = 0; i < moved.length; i++) moved[i] += 0.02 * size * rng.nextGaussian();
            kp = withScores(moved, rng);
        }
        return new Detection(kind, polys, kp, score);
    }

    private static double[] withScores(double[] xy, SplittableRandom rng) {
        double[] out = new double[xy.length / 2 * 3];
        for (int k = 0; k < xy.length / 2; k++) {
            out[3 * k] = Math.round(xy[2 * k] * 100.0) / 100.0;
            out[3 * k + 1] = Math.round(xy[2 * k + 1] * 100.0) / 100.0;
            out[3 * k + 2] = Math.round(rng.nextDouble() * 1e4) / 1e4;
        }
        return out;
    }

    private static double[] centroid(List<double[]> polys) {
        double sx = 0, sy = 0;
        int n = 0;
        for (double[] p : polys) {
            for (int i = 0; i < p.length; i += 2) {
                sx += p[i];
                sy += p[i + 1];
                n++;
            }
        }
        return new double[] {sx / n, sy / n};
    }
}
