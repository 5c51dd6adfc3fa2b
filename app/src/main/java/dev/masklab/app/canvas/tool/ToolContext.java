package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.Handle;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;

/** What a {@link Tool} may see and do: the canvas implements it; tests implement it over a view-model. */
public interface ToolContext {
    /** Selection, draw category, brush radius and the edit commands (each one undoable edit). */
    MainViewModel model();

    /** Screen to image coordinates. */
    Viewport viewport();

    /** Whether new shapes may be drawn here (an image is shown, editable, not the predictions-only view). */
    boolean drawsShapes();

    /** The selected ground-truth annotation when this canvas draws it (only those are edited), else null. */
    Instance editable();

    /** The topmost drawn instance at screen point (sx, sy), or null. */
    Instance instanceAt(double sx, double sy);

    /** The handle of {@link #editable()} at screen point (sx, sy), or null. */
    Handle handleAt(double sx, double sy);

    /** The work in progress changed: draw again. */
    void repaint();

    /** Right-click beside the selected annotation: offers to place its unlabelled keypoints at (sx, sy). */
    void showKeypointMenu(Instance annotation, double sx, double sy, double screenX, double screenY);
}
