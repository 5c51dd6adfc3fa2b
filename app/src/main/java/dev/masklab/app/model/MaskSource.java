package dev.masklab.app.model;

/**
 * Produces the binary mask of one instance at the image's full resolution, on demand (decoding polygons or RLE is
 * deferred until an image is shown, so opening a dataset with 100k images stays cheap).
 */
@FunctionalInterface
public interface MaskSource {
    /** Row-major {@code height * width} mask, 1 inside the instance, 0 outside. */
    byte[] decode(int height, int width);
}
