package dev.masklab.app.canvas.tool;

import javafx.scene.input.MouseButton;

/**
 * A mouse event as a tool sees it, in canvas (screen) coordinates.
 *
 * @param x         canvas x (screen pixels; the {@link ToolContext#viewport()} maps it to the image)
 * @param y         canvas y
 * @param button    the button pressed, released or clicked (NONE for moves)
 * @param clicks    the click count (2 for a double-click)
 * @param screenX   x on the screen (where a context menu opens)
 * @param screenY   y on the screen
 * @param afterDrag true once the pointer moved more than 2 px since the press (a click after it is no click)
 */
public record ToolEvent(
        double x, double y, MouseButton button, int clicks, double screenX, double screenY, boolean afterDrag) {
    /** A primary-button event at (x, y). */
    public static ToolEvent primary(double x, double y, boolean afterDrag) {
        return new ToolEvent(x, y, MouseButton.PRIMARY, 1, x, y, afterDrag);
    }

    public boolean primary() {
        return button == MouseButton.PRIMARY;
    }

    public boolean secondary() {
        return button == MouseButton.SECONDARY;
    }
}
