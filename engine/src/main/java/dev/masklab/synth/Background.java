package dev.masklab.synth;

import java.util.SplittableRandom;

/**
 * A textured, low-saturation background: value noise, stripes or a linear gradient, plus a little per-pixel grain.
 * Everything is derived from {@code seed}, so painting twice gives the same pixels.
 */
public record Background(Texture texture, int rgbA, int rgbB, double angle, double period, long seed) {

    public enum Texture {
        NOISE,
        STRIPES,
        GRADIENT
    }

    static Background random(SplittableRandom rng) {
        Texture t = Texture.values()[rng.nextInt(Texture.values().length)];
        float hue = (float) rng.nextDouble();
        int a = java.awt.Color.HSBtoRGB(hue, (float) rng.nextDouble(0, 0.3), (float) rng.nextDouble(0.25, 0.85))
                & 0xFFFFFF;
        int b = java.awt.Color.HSBtoRGB(
                        (float) ((hue + rng.nextDouble(-0.15, 0.15) + 1) % 1.0), (float) rng.nextDouble(0, 0.3), (float)
                                rng.nextDouble(0.25, 0.85))
                & 0xFFFFFF;
        return new Background(t, a, b, rng.nextDouble(0, Math.PI), rng.nextDouble(6, 40), rng.nextLong());
    }

    /** Fills a row-major 0xRRGGBB buffer of w*h pixels. */
    void paint(int[] rgb, int w, int h) {
        double cos = StrictMath.cos(angle), sin = StrictMath.sin(angle);
        double span = Math.abs(w * cos) + Math.abs(h * sin) + 1;
        SplittableRandom grain = new SplittableRandom(seed);
        int cells = 16;
        double[] lattice = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < lattice.length; i++) lattice[i] = grain.nextDouble();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t;
                double proj = x * cos + y * sin;
                switch (texture) {
                    case STRIPES -> t = 0.5 + 0.5 * StrictMath.sin(2 * Math.PI * proj / period);
                    case GRADIENT ->
                        t = (proj + Math.abs(Math.min(0, w * cos)) + Math.abs(Math.min(0, h * sin))) / span;
                    default -> {
                        double gx = (double) x / w * cells, gy = (double) y / h * cells;
                        int ix = (int) gx, iy = (int) gy;
                        double fx = smooth(gx - ix), fy = smooth(gy - iy);
                        double v00 = lattice[iy * (cells + 1) + ix], v10 = lattice[iy * (cells + 1) + ix + 1];
                        double v01 = lattice[(iy + 1) * (cells + 1) + ix],
                                v11 = lattice[(iy + 1) * (cells + 1) + ix + 1];
                        t = (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
                    }
                }
                t = Math.max(0, Math.min(1, t));
                int n = grain.nextInt(-4, 5);
                rgb[y * w + x] = mix(rgbA, rgbB, t, n);
            }
        }
    }

    private static double smooth(double f) {
        return f * f * (3 - 2 * f);
    }

    private static int mix(int a, int b, double t, int noise) {
        int r = clamp((int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t) + noise);
        int g = clamp((int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t) + noise);
        int bl = clamp((int) Math.round((a & 255) * (1 - t) + (b & 255) * t) + noise);
        return (r << 16) | (g << 8) | bl;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}
