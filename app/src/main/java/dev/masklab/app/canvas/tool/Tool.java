package dev.masklab.app.canvas.tool;

import javafx.scene.Cursor;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.KeyCode;

/**
 * What a drag, click or key on the image does, one class per tool (as CVAT's canvas hands each mode to a handler
 * object): the canvas forwards its mouse events here in screen coordinates and draws the tool's work in progress;
 * the tool turns a finished gesture into one edit through {@link ToolContext#model()}. Tools hold no scene-graph
 * node, so they are tested by feeding events to them without a display.
 */
public interface Tool {
    /** A button went down; false lets the canvas pan with the drag that may follow. */
    default boolean press(ToolEvent e) {
        return false;
    }

    /** The pointer moved with the button down after a press this tool took. */
    default void drag(ToolEvent e) {}

    /** The button came up after a press this tool took. */
    default void release(ToolEvent e) {}

    /** A click (press and release in place, or after a drag: {@link ToolEvent#afterDrag()}). */
    default void click(ToolEvent e) {}

    /** The pointer moved without a button (null event: it left the canvas). */
    default void move(ToolEvent e) {}

    /** A key while the image has focus; true when the tool used it (Enter closing a polygon). */
    default boolean key(KeyCode code) {
        return false;
    }

    /** Draws the work in progress over the image, in screen coordinates. */
    default void paint(GraphicsContext g) {}

    /** The mouse cursor over screen point (sx, sy); null for the default. */
    default Cursor cursor(double sx, double sy) {
        return Cursor.CROSSHAIR;
    }

    /** Drops any work in progress (another tool or image was chosen). */
    default void cancel() {}
}
