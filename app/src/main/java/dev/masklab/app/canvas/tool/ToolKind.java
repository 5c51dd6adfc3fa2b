package dev.masklab.app.canvas.tool;

/** Which {@link Tool} a drag or click on the image uses (the tool bar's toggle buttons and their keys). */
public enum ToolKind {
    SELECT("Select and edit"),
    BOX("Draw a box"),
    POLYGON("Draw a polygon"),
    BRUSH("Paint a mask"),
    ERASER("Erase from a mask"),
    PROMPT_BOX("Ask the model about a box"),
    KEYPOINT("Place and move keypoints"),
    PROMPT_POINT("Ask the model what is at a point");

    private final String label;

    ToolKind(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
