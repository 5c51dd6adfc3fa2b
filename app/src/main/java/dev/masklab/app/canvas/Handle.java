package dev.masklab.app.canvas;

/**
 * An edit handle of the selected annotation, in image pixels: a box corner ({@code a}: 0 top-left, 1 top-right,
 * 2 bottom-right, 3 bottom-left), a polygon vertex ({@code a}: polygon, {@code b}: vertex) or a keypoint
 * ({@code a}: its index).
 */
public record Handle(Kind kind, int a, int b, double x, double y) {
    /** What a handle moves. */
    public enum Kind {
        BOX_CORNER,
        VERTEX,
        KEYPOINT
    }
}
