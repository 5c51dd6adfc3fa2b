package dev.masklab.synth;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Composes one random {@link Scene}: a textured background, sometimes a crowd region of small shapes, then a
 * Poisson number of shapes and stick figures with random size, rotation, colour and position (some overlapping,
 * some clipped by or touching the image border). All randomness comes from the given generator.
 */
final class SceneGenerator {
    private final int width, height;
    private final double meanObjects;

    SceneGenerator(int width, int height, double meanObjects) {
        if (width < 16 || height < 16)
            throw new IllegalArgumentException("image size must be at least 16x16, got " + width + "x" + height);
        if (!(meanObjects > 0))
            throw new IllegalArgumentException("mean objects per image must be > 0, got " + meanObjects);
        this.width = width;
        this.height = height;
        this.meanObjects = meanObjects;
    }

    Scene generate(SplittableRandom rng) {
        Background bg = Background.random(rng);
        List<SceneObject> objects = new ArrayList<>();
        if (rng.nextDouble() < 0.25) {
            SceneObject crowd = crowd(rng, bg);
            if (crowd != null) objects.add(crowd);
        }
        int n = Math.max(1, poisson(rng, meanObjects));
        for (int i = 0; i < n; i++) {
            SceneObject o = rng.nextDouble() < 0.2 ? figure(rng, bg) : shape(rng, bg);
            if (o != null) objects.add(o);
        }
        return new Scene(width, height, bg, List.copyOf(objects));
    }

    /** A random shape; its colour differs clearly from {@code bg}'s colours (bg may be null). */
    SceneObject shape(SplittableRandom rng, Background bg) {
        ShapeKind kind = ShapeKind.SHAPES.get(rng.nextInt(ShapeKind.SHAPES.size()));
        double minSide = Math.min(width, height);
        double r = StrictMath.exp(
                rng.nextDouble(StrictMath.log(Math.max(5, 0.03 * minSide)), StrictMath.log(0.3 * minSide)));
        double cx = rng.nextDouble(-0.1 * width, 1.1 * width), cy = rng.nextDouble(-0.1 * height, 1.1 * height);
        double[] poly = outline(rng, kind, cx, cy, r);
        if (rng.nextDouble() < 0.1) poly = touchBorder(rng, poly);
        List<double[]> clipped = clipAll(List.of(poly));
        return clipped.isEmpty() ? null : new SceneObject(kind, clipped, vivid(rng, bg), false, null);
    }

    private double[] outline(SplittableRandom rng, ShapeKind kind, double cx, double cy, double r) {
        double angle = rng.nextDouble(0, 2 * Math.PI);
        return switch (kind) {
            case CIRCLE -> {
                double ry = r * rng.nextDouble(0.75, 1.0);
                yield Polygons.regular(cx, cy, r, ry, Math.max(16, Math.min(40, (int) Math.round(r))), angle);
            }
            case TRIANGLE -> Polygons.regular(cx, cy, r, r * rng.nextDouble(0.7, 1.3), 3, angle);
            case SQUARE -> Polygons.regular(cx, cy, r, r, 4, angle);
            case STAR -> Polygons.star(cx, cy, r, rng.nextDouble(0.38, 0.55), 5, angle);
            case HEXAGON -> Polygons.regular(cx, cy, r, r, 6, angle);
            case FIGURE -> throw new IllegalArgumentException("figure has no single outline");
        };
    }

    /** Shifts a polygon so that it exactly touches one image border from the inside. */
    private double[] touchBorder(SplittableRandom rng, double[] poly) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < poly.length; i += 2) {
            minX = Math.min(minX, poly[i]);
            maxX = Math.max(maxX, poly[i]);
            minY = Math.min(minY, poly[i + 1]);
            maxY = Math.max(maxY, poly[i + 1]);
        }
        double dx = 0, dy = 0;
        switch (rng.nextInt(4)) {
            case 0 -> dx = -minX;
            case 1 -> dx = width - maxX;
            case 2 -> dy = -minY;
            default -> dy = height - maxY;
        }
        return Polygons.affine(poly, 1, 0, 0, 1, dx, dy);
    }

    /** A random stick figure; its colour differs clearly from {@code bg}'s colours (bg may be null). */
    SceneObject figure(SplittableRandom rng, Background bg) {
        double h = StrictMath.exp(rng.nextDouble(StrictMath.log(40), StrictMath.log(Math.max(41, 0.85 * height))));
        double cx = rng.nextDouble(-0.05 * width, 1.05 * width), cy = rng.nextDouble(0.05 * height, 0.95 * height);
        StickFigure f = StickFigure.random(rng, cx, cy, h, rng.nextDouble(-0.35, 0.35));
        List<double[]> clipped = clipAll(f.polygons());
        if (clipped.isEmpty()) return null;
        return new SceneObject(ShapeKind.FIGURE, clipped, vivid(rng, bg), false, Polygons.round2(f.keypoints()));
    }

    /** Several small shapes of one kind and colour clustered together: annotated as one iscrowd=1 region. */
    private SceneObject crowd(SplittableRandom rng, Background bg) {
        ShapeKind kind = ShapeKind.SHAPES.get(rng.nextInt(ShapeKind.SHAPES.size()));
        double minSide = Math.min(width, height);
        double spread = rng.nextDouble(0.08, 0.18) * minSide;
        double cx = rng.nextDouble(0.1 * width, 0.9 * width), cy = rng.nextDouble(0.1 * height, 0.9 * height);
        int members = 5 + rng.nextInt(8);
        List<double[]> polys = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            double r = Math.max(3, rng.nextDouble(0.02, 0.045) * minSide);
            double a = rng.nextDouble(0, 2 * Math.PI), d = spread * Math.sqrt(rng.nextDouble());
            polys.add(outline(rng, kind, cx + d * StrictMath.cos(a), cy + d * StrictMath.sin(a), r));
        }
        List<double[]> clipped = clipAll(polys);
        return clipped.isEmpty() ? null : new SceneObject(kind, clipped, vivid(rng, bg), true, null);
    }

    private List<double[]> clipAll(List<double[]> polys) {
        List<double[]> out = new ArrayList<>();
        for (double[] p : polys) {
            double[] c = Polygons.clip(p, width, height);
            if (c != null) {
                double[] r = Polygons.round2(c);
                if (Polygons.area(r) >= 0.5) out.add(r);
            }
        }
        return out;
    }

    /** A saturated colour at least 64 levels (in some channel) away from both background colours. */
    private static int vivid(SplittableRandom rng, Background bg) {
        int c = 0;
        for (int attempt = 0; attempt < 32; attempt++) {
            c = Color.HSBtoRGB((float) rng.nextDouble(), (float) rng.nextDouble(0.55, 1.0), (float)
                            rng.nextDouble(0.6, 1.0))
                    & 0xFFFFFF;
            if (bg == null || (distance(c, bg.rgbA()) >= 64 && distance(c, bg.rgbB()) >= 64)) break;
        }
        return c;
    }

    private static int distance(int a, int b) {
        return Math.max(
                Math.abs(((a >> 16) & 255) - ((b >> 16) & 255)),
                Math.max(Math.abs(((a >> 8) & 255) - ((b >> 8) & 255)), Math.abs((a & 255) - (b & 255))));
    }

    private static int poisson(SplittableRandom rng, double mean) {
        double l = StrictMath.exp(-mean), p = 1;
        int k = 0;
        do {
            k++;
            p *= rng.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
