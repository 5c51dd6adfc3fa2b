package dev.masklab.app.edit;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Undo and redo over {@link Edit}s, and whether the edits differ from what was last saved. A new edit drops the redo
 * branch. The saved state is a position in the list, so undoing back to it makes the document clean again, and a save
 * followed by undo makes it dirty (the file then holds the undone change).
 */
public final class EditHistory {
    private final List<Edit> edits = new ArrayList<>();
    /** Number of edits applied: edits[0..position) are done, the rest can be redone. */
    private int position;
    /** Position at the last save; -1 when that state can no longer be reached (dropped from the redo branch). */
    private int savedPosition;

    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ReadOnlyStringWrapper undoLabel = new ReadOnlyStringWrapper(this, "undoLabel", "");
    private final ReadOnlyStringWrapper redoLabel = new ReadOnlyStringWrapper(this, "redoLabel", "");

    /** Applies {@code e} and records it. */
    public void push(Edit e) {
        e.apply();
        record(e);
    }

    /** Records an edit that is already applied (a compound edit whose parts were applied one by one). */
    public void record(Edit e) {
        while (edits.size() > position) edits.removeLast();
        if (savedPosition > position) savedPosition = -1;
        edits.add(e);
        position++;
        update();
    }

    /** Reverts the last applied edit; returns it, or null when there is none. */
    public Edit undo() {
        if (position == 0) return null;
        Edit e = edits.get(--position);
        e.revert();
        update();
        return e;
    }

    /** Applies the next undone edit again; returns it, or null when there is none. */
    public Edit redo() {
        if (position == edits.size()) return null;
        Edit e = edits.get(position++);
        e.apply();
        update();
        return e;
    }

    /** The current state is what the file now holds. */
    public void markSaved() {
        savedPosition = position;
        update();
    }

    /** No reachable state is what the file holds (recovered edits whose steps are not known): dirty until saved. */
    public void markUnsaved() {
        savedPosition = -1;
        update();
    }

    /** Number of edits applied (what undo can take back). */
    public int size() {
        return position;
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    /** True when the annotations differ from the last save (or from the file as opened). */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    public boolean isDirty() {
        return dirty.get();
    }

    /** Label of the edit undo would revert, "" when none. */
    public ReadOnlyStringProperty undoLabelProperty() {
        return undoLabel.getReadOnlyProperty();
    }

    /** Label of the edit redo would apply, "" when none. */
    public ReadOnlyStringProperty redoLabelProperty() {
        return redoLabel.getReadOnlyProperty();
    }

    private void update() {
        canUndo.set(position > 0);
        canRedo.set(position < edits.size());
        dirty.set(position != savedPosition);
        undoLabel.set(position > 0 ? edits.get(position - 1).label() : "");
        redoLabel.set(position < edits.size() ? edits.get(position).label() : "");
    }
}
