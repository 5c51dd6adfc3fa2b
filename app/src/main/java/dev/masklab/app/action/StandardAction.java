package dev.masklab.app.action;

import java.util.List;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/**
 * Every command of the main window, once (as JabRef's {@code StandardActions}): its text, icon (Ikonli Material
 * Design 2), menu accelerator and the plain keys it has while the image is shown. Menus, the tool bar, context menus,
 * the key handling and the F1 shortcut list are all built from this table ({@link ActionFactory}); what a command does
 * and when it is enabled is bound once per window ({@link Command}).
 */
public enum StandardAction {
    OPEN_DATASET("Open dataset…", "mdi2f-folder-open-outline", "Shortcut+O"),
    SAVE(
            "Save annotations",
            "mdi2c-content-save-outline",
            "Shortcut+S",
            "Save annotations (the previous file is kept as .bak)"),
    SAVE_AS("Save annotations as…", null, "Shortcut+Shift+S"),
    LOAD_PREDICTIONS("Load predictions…", "mdi2f-file-chart-outline", "Shortcut+P"),
    CLOSE_PREDICTIONS("Close predictions", null, null),
    EXIT("Exit", "mdi2e-exit-to-app", "Shortcut+Q"),

    UNDO("Undo", "mdi2u-undo", "Shortcut+Z"),
    REDO("Redo", "mdi2r-redo", "Shortcut+Shift+Z", "Redo (also Ctrl+Y)"),
    ACCEPT(
            "Accept prediction",
            "mdi2c-check",
            null,
            "Accept the selected prediction as an annotation",
            key(KeyCode.ENTER)),
    ACCEPT_AS(
            "Accept as…",
            null,
            null,
            "Accept the selected prediction as another category",
            new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHIFT_DOWN)),
    ACCEPT_ALL("Accept all shown predictions of this image", "mdi2c-check-all", "Shortcut+Shift+A"),
    DELETE(
            "Reject prediction / delete annotation",
            "mdi2d-delete-outline",
            null,
            "Reject the selected prediction / delete the selected annotation (or its selected keypoint)",
            key(KeyCode.DELETE),
            key(KeyCode.BACK_SPACE)),
    TOGGLE_CROWD(
            "Crowd region (iscrowd)",
            null,
            null,
            "Mark / unmark the selected annotation as a crowd region",
            key(KeyCode.C)),
    ADD_PART(
            "Add part",
            "mdi2v-vector-polygon",
            null,
            "Add a part to the selected annotation: draw it as a polygon (double-click an edge of a selected polygon "
                    + "inserts a vertex, double- or right-click a vertex deletes it)",
            new KeyCodeCombination(KeyCode.P, KeyCombination.SHIFT_DOWN)),
    DELETE_PART(
            "Delete part",
            null,
            null,
            "Delete the part of the selected polygon annotation whose vertex was clicked last (never its only part)",
            new KeyCodeCombination(KeyCode.DELETE, KeyCombination.SHIFT_DOWN)),
    CONVERT_TO_POLYGONS(
            "Convert to polygons…",
            null,
            null,
            "Convert the selected RLE mask to polygons (a tolerance slider shows vertices and IoU)"),
    CONVERT_TO_MASK("Convert to mask", null, null, "Convert the selected polygons to an RLE mask"),
    PLACE_SKELETON(
            "Place skeleton",
            "mdi2h-human-handsup",
            null,
            "Place the category's keypoint skeleton in the selected annotation's box (labelled keypoints stay)",
            new KeyCodeCombination(KeyCode.K, KeyCombination.SHIFT_DOWN)),
    KEYPOINT_VISIBLE("Keypoint visible", null, null, "Make the selected keypoint visible (v=2)", key(KeyCode.V)),
    KEYPOINT_HIDDEN(
            "Keypoint labelled but hidden",
            null,
            null,
            "Make the selected keypoint labelled but hidden (v=1)",
            new KeyCodeCombination(KeyCode.V, KeyCombination.SHIFT_DOWN)),
    CATEGORY_ADD("Add category…", "mdi2t-tag-plus-outline", null),
    CATEGORY_RENAME("Rename category…", null, null, "Rename the category selected in the categories panel"),
    CATEGORY_MERGE(
            "Merge category into…",
            null,
            null,
            "Merge the category selected in the categories panel into another (its annotations move there)"),
    CATEGORY_DELETE(
            "Delete category…",
            null,
            null,
            "Delete the category selected in the categories panel and its annotations (asks first)"),
    NEXT_INSTANCE("Select next instance", null, null, "Select the next prediction (or annotation)", key(KeyCode.TAB)),
    PREVIOUS_INSTANCE(
            "Select previous instance",
            null,
            null,
            "Select the previous prediction (or annotation)",
            new KeyCodeCombination(KeyCode.TAB, KeyCombination.SHIFT_DOWN)),
    NEXT_PENDING(
            "Next prediction to review",
            "mdi2p-playlist-check",
            null,
            "Review queue: the next pending prediction of any image, image by image",
            key(KeyCode.N)),
    NEXT_PENDING_LOWEST(
            "Next prediction to review, lowest confidence first",
            null,
            null,
            "Review queue: the next pending prediction of any image, lowest confidence first",
            new KeyCodeCombination(KeyCode.N, KeyCombination.SHIFT_DOWN)),
    ESCAPE(
            "Select tool, clear the selection",
            null,
            null,
            "Select tool and clear the selection (drops a polygon being drawn)",
            key(KeyCode.ESCAPE)),

    TOOL_BOX(
            "Box tool",
            "mdi2v-vector-rectangle",
            null,
            "Box tool: drag a box (stored as a 4-corner polygon)",
            key(KeyCode.R)),
    TOOL_POLYGON(
            "Polygon tool",
            "mdi2v-vector-polygon",
            null,
            "Polygon tool: click points; Enter, a double-click or the first point closes it; Backspace removes the last",
            key(KeyCode.P)),
    TOOL_BRUSH(
            "Brush",
            "mdi2b-brush",
            null,
            "Brush: paint into the selected mask (with nothing selected it starts a new one)",
            key(KeyCode.W)),
    TOOL_ERASER("Eraser", "mdi2e-eraser", null, "Eraser: erase from the selected mask", key(KeyCode.E)),
    TOOL_PROMPT_BOX(
            "Box prompt",
            "mdi2r-robot-outline",
            null,
            "Box prompt: drag a box; the loaded model answers with a pending prediction (Enter accepts, Delete drops)",
            key(KeyCode.I)),
    TOOL_KEYPOINT(
            "Keypoint tool",
            "mdi2h-human-handsup",
            null,
            "Keypoint tool: drag a keypoint of the selected annotation; a click places the next one not placed;"
                    + " right-click cycles visibility",
            key(KeyCode.J)),
    TOOL_PROMPT_POINT(
            "Point prompt",
            "mdi2c-cursor-default-click-outline",
            null,
            "Point prompt: click an object; the model's best detection there becomes a pending prediction, a second"
                    + " click the next one (Enter accepts, Delete drops)",
            key(KeyCode.O)),
    BRUSH_SMALLER("Smaller brush", null, null, "Smaller brush", key(KeyCode.OPEN_BRACKET)),
    BRUSH_LARGER("Larger brush", null, null, "Larger brush", key(KeyCode.CLOSE_BRACKET)),

    TOGGLE_MASKS("Masks", null, null, "Toggle masks", key(KeyCode.M)),
    TOGGLE_OUTLINES("Outlines", null, null, "Toggle outlines"),
    TOGGLE_BOXES("Boxes", null, null, "Toggle boxes", key(KeyCode.B)),
    TOGGLE_LABELS("Labels", null, null, "Toggle labels", key(KeyCode.L)),
    TOGGLE_KEYPOINTS("Keypoints", null, null, "Toggle keypoints", key(KeyCode.K)),
    ZOOM_IN(
            "Zoom in",
            "mdi2m-magnify-plus-outline",
            null,
            "Zoom in (also the mouse wheel)",
            new TypedKey("+"),
            key(KeyCode.ADD),
            key(KeyCode.EQUALS)),
    ZOOM_OUT(
            "Zoom out",
            "mdi2m-magnify-minus-outline",
            null,
            "Zoom out (also the mouse wheel)",
            key(KeyCode.MINUS),
            key(KeyCode.SUBTRACT)),
    FIT(
            "Fit",
            "mdi2f-fit-to-screen-outline",
            null,
            "Fit the image to the window",
            key(KeyCode.DIGIT0),
            key(KeyCode.NUMPAD0)),
    ACTUAL_SIZE("100%", "mdi2n-numeric-1-box-outline", null, "Zoom to 100%", key(KeyCode.DIGIT1), key(KeyCode.NUMPAD1)),
    NEXT_IMAGE("Next image", "mdi2c-chevron-right", null, "Next image", key(KeyCode.RIGHT), key(KeyCode.D)),
    PREVIOUS_IMAGE("Previous image", "mdi2c-chevron-left", null, "Previous image", key(KeyCode.LEFT), key(KeyCode.A)),

    RUN_MODEL("Run model…", "mdi2r-robot", "Shortcut+R", "Run a model on the dataset (Stop in the status bar)"),
    STOP_PREDICTION("Stop prediction", "mdi2s-stop-circle-outline", null),
    MARK_DONE(
            "Mark image done",
            "mdi2c-check-decagram-outline",
            "Shortcut+Enter",
            "Mark the image done (its annotations complete: fine-tuning trains on it) or not done"),
    FINE_TUNE_LABELLED(
            "Fine-tune on what is labelled…",
            "mdi2s-school",
            null,
            "Fine-tune the loaded model on the images marked done or reviewed, then predict the unreviewed ones again"),
    UNLOAD_MODEL("Unload model", null, null, "Unload the loaded model (frees its memory; the next run loads it again)"),
    EXPORT_MODEL(
            "Export to torchvision…",
            null,
            null,
            "Write the loaded model as a torchvision state dict (.pth) with its manifest (.json) beside it"),
    TRAIN("Train…", "mdi2s-school-outline", "Shortcut+T", "Training tab (train or fine-tune a model)"),
    EVALUATE(
            "Evaluate…",
            "mdi2c-chart-bell-curve",
            "Shortcut+E",
            "Evaluation tab (COCO AP of the predictions against the annotations)"),
    SHORTCUTS("Keyboard shortcuts", "mdi2k-keyboard-outline", "F1", "This list"),
    ABOUT("About MaskLab", "mdi2i-information-outline", null);

    private final String text;
    private final String icon;
    private final KeyCombination accelerator;
    private final String description;
    private final List<KeyCombination> keys;

    StandardAction(String text, String icon, String accelerator) {
        this(text, icon, accelerator, text);
    }

    StandardAction(String text, String icon, String accelerator, String description, KeyCombination... keys) {
        this.text = text;
        this.icon = icon;
        this.accelerator = accelerator == null ? null : KeyCombination.keyCombination(accelerator);
        this.description = description;
        this.keys = List.of(keys);
    }

    private static KeyCombination key(KeyCode code) {
        return new KeyCodeCombination(code);
    }

    /** The menu text. */
    public String text() {
        return text;
    }

    /** The Ikonli icon literal, or null. */
    public String icon() {
        return icon;
    }

    /** The menu accelerator (works anywhere in the window), or null. */
    public KeyCombination accelerator() {
        return accelerator;
    }

    /** What the F1 list says it does. */
    public String description() {
        return description;
    }

    /** Plain keys of the image view (no accelerator modifier): taken while the image tab shows and no text is typed. */
    public List<KeyCombination> keys() {
        return keys;
    }

    /** Every key of the action as the user reads it ("Ctrl+S", "Right  /  D"); "" when it has none. */
    public String keyText() {
        StringBuilder sb = new StringBuilder();
        if (accelerator != null) sb.append(accelerator.getDisplayText());
        if (this == REDO)
            sb.append("  /  ")
                    .append(KeyCombination.keyCombination("Shortcut+Y").getDisplayText());
        for (KeyCombination k : keys) {
            if (!sb.isEmpty()) sb.append("  /  ");
            sb.append(k.getDisplayText());
        }
        return sb.toString();
    }

    /** The text with its key, for tooltips: "Save annotations (Ctrl+S)". */
    public String textWithKey() {
        String k = keyText();
        return k.isEmpty() ? text : text + " (" + k + ")";
    }
}
