package dev.masklab.app.canvas;

import dev.masklab.app.model.Instance;
import dev.masklab.app.model.InstanceMask;
import java.util.List;

/**
 * Turns instance masks into one ARGB overlay per image. Masks are decoded once per shown image
 * ({@link #rasterize}), then {@link #compose} paints them (later instances over earlier ones, not blended, so every
 * overlay pixel is exactly one instance's color at the chosen opacity) into an int[] that the canvas draws as a
 * single image: a frame costs one drawImage however many instances there are.
 */
public final class MaskRasterizer {
    /** Crowd regions: stripes of this width (display pixels) alternate between full and faint fill. */
    static final int HATCH = 4;

    private MaskRasterizer() {}

    /**
     * Decodes {@code instance}'s mask at the image's resolution and samples it onto a display grid of
     * {@code dispW x dispH} (smaller when the image is downsampled for display). Null when the instance has no mask or
     * the mask is empty.
     */
    public static InstanceMask rasterize(Instance instance, int imageW, int imageH, int dispW, int dispH) {
        if (instance.mask() == null || imageW <= 0 || imageH <= 0) return null;
        byte[] full = instance.mask().decode(imageH, imageW);
        return crop(full, imageW, imageH, dispW, dispH);
    }

    /** Samples a row-major full-resolution mask onto the display grid (nearest pixel centre) and crops it. */
    public static InstanceMask crop(byte[] full, int imageW, int imageH, int dispW, int dispH) {
        boolean same = dispW == imageW && dispH == imageH;
        double sx = (double) imageW / dispW, sy = (double) imageH / dispH;
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        // first pass: bounding rectangle on the display grid
        for (int y = 0; y < dispH; y++) {
            int row = (same ? y : Math.min(imageH - 1, (int) ((y + 0.5) * sy))) * imageW;
            for (int x = 0; x < dispW; x++) {
                int ix = same ? x : Math.min(imageW - 1, (int) ((x + 0.5) * sx));
                if (full[row + ix] != 0) {
                    if (x < minX) minX = x;
                    if (x > maxX) maxX = x;
                    if (y < minY) minY = y;
                    maxY = y;
                }
            }
        }
        if (maxX < 0) return null;
        int w = maxX - minX + 1, h = maxY - minY + 1;
        byte[] bits = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int dy = y + minY;
            int row = (same ? dy : Math.min(imageH - 1, (int) ((dy + 0.5) * sy))) * imageW;
            for (int x = 0; x < w; x++) {
                int dx = x + minX;
                int ix = same ? dx : Math.min(imageW - 1, (int) ((dx + 0.5) * sx));
                bits[y * w + x] = full[row + ix] != 0 ? (byte) 1 : 0;
            }
        }
        return new InstanceMask(minX, minY, w, h, bits);
    }

    /** A composed overlay: non-premultiplied ARGB pixels and, per pixel, 1 + the index of the topmost instance (0: none). */
    public record Overlay(int width, int height, int[] argb, int[] labels) {
        /** Index into the composed list of the instance drawn at (x, y), or -1. */
        public int instanceAt(int x, int y) {
            if (x < 0 || y < 0 || x >= width || y >= height) return -1;
            return labels[y * width + x] - 1;
        }
    }

    /**
     * Paints {@code masks} (null entries skipped) in order.
     *
     * @param colors  RGB per mask (alpha ignored)
     * @param crowd   per mask: hatched instead of filled
     * @param opacity fill alpha in [0, 1]
     * @param fill    paint the inside
     * @param outline paint boundary pixels opaque
     */
    public static Overlay compose(
            int width,
            int height,
            List<InstanceMask> masks,
            int[] colors,
            boolean[] crowd,
            double opacity,
            boolean fill,
            boolean outline) {
        int[] argb = new int[width * height];
        int[] labels = new int[width * height];
        int fillA = (int) Math.round(Math.clamp(opacity, 0, 1) * 255);
        int faintA = (int) Math.round(fillA * 0.3);
        for (int i = 0; i < masks.size(); i++) {
            InstanceMask m = masks.get(i);
            if (m == null) continue;
            int rgb = colors[i] & 0xFFFFFF;
            boolean hatch = crowd != null && crowd[i];
            for (int y = 0; y < m.h(); y++) {
                int py = y + m.y0();
                if (py < 0 || py >= height) continue;
                for (int x = 0; x < m.w(); x++) {
                    if (m.bits()[y * m.w() + x] == 0) continue;
                    int px = x + m.x0();
                    if (px < 0 || px >= width) continue;
                    int o = py * width + px;
                    labels[o] = i + 1;
                    boolean edge = outline && isEdge(m, x, y);
                    int a;
                    if (edge) a = 255;
                    else if (!fill) a = 0;
                    else if (hatch) a = ((px + py) / HATCH) % 2 == 0 ? Math.max(fillA, 160) : faintA;
                    else a = fillA;
                    argb[o] = a == 0 ? 0 : (a << 24) | rgb;
                }
            }
        }
        return new Overlay(width, height, argb, labels);
    }

    private static boolean isEdge(InstanceMask m, int x, int y) {
        int w = m.w(), h = m.h();
        byte[] b = m.bits();
        return x == 0
                || y == 0
                || x == w - 1
                || y == h - 1
                || b[y * w + x - 1] == 0
                || b[y * w + x + 1] == 0
                || b[(y - 1) * w + x] == 0
                || b[(y + 1) * w + x] == 0;
    }
}
