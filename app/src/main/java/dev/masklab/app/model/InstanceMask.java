package dev.masklab.app.model;

/**
 * One instance's mask on the display grid, cropped to its bounding rectangle: {@code bits[(y - y0) * w + (x - x0)]}
 * is 1 inside. Kept per shown image so that changing opacity, colors or visibility recomposes without decoding again.
 */
public record InstanceMask(int x0, int y0, int w, int h, byte[] bits) {
    public boolean contains(int x, int y) {
        int cx = x - x0, cy = y - y0;
        return cx >= 0 && cy >= 0 && cx < w && cy < h && bits[cy * w + cx] != 0;
    }

    public int pixelCount() {
        int n = 0;
        for (byte b : bits) n += b;
        return n;
    }
}
