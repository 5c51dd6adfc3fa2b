package dev.masklab.app.document;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.dialog.DialogService.UnsavedChoice;
import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.edit.EditHistory;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Future;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.beans.property.SimpleStringProperty;

/**
 * The open dataset as a document: its file, its {@link AnnotationEditor} with the edit history, whether it is dirty or
 * being saved, and everything done to the file: open (with the autosave recovery question), save, save as, autosave,
 * and the "unsaved changes" policy before it would be left (quit, open another). Questions go through the
 * {@link DialogService}, file work through the {@link TaskExecutor}; there is no view here, so it runs and is tested
 * without a display. Called on the FX thread (the executor's handlers run there too).
 */
public final class DatasetDocument {
    private final DialogService dialogs;
    private final TaskExecutor tasks;
    private final DatasetService service = new DatasetService();
    private final ReadOnlyObjectWrapper<LoadedDataset> dataset = new ReadOnlyObjectWrapper<>(this, "dataset");
    private final ReadOnlyObjectWrapper<AnnotationEditor> editor = new ReadOnlyObjectWrapper<>(this, "editor");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty");
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final ReadOnlyStringWrapper undoLabel = new ReadOnlyStringWrapper(this, "undoLabel", "");
    private final ReadOnlyStringWrapper redoLabel = new ReadOnlyStringWrapper(this, "redoLabel", "");
    /** True while the annotations are written: edits wait (the writer reads the dataset off the FX thread). */
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper(this, "saving");
    /** Counts edits, undos and redos: what an autosave has written is known by this number. */
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private boolean autosaving;
    private Path autosaveFailedFor;
    /** The revision the autosave file holds, -1 when this session wrote none. */
    private long autosavedRevision = -1;

    public DatasetDocument(DialogService dialogs, TaskExecutor tasks) {
        this.dialogs = dialogs;
        this.tasks = tasks;
    }

    // ---- state ----

    public ReadOnlyObjectProperty<LoadedDataset> datasetProperty() {
        return dataset.getReadOnlyProperty();
    }

    public LoadedDataset dataset() {
        return dataset.get();
    }

    /** The open dataset's editor (null when none is open); it changes only when other annotations are opened. */
    public ReadOnlyObjectProperty<AnnotationEditor> editorProperty() {
        return editor.getReadOnlyProperty();
    }

    public AnnotationEditor editor() {
        return editor.get();
    }

    /** True when the annotations have changes that are not saved. */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    public boolean isDirty() {
        return dirty.get();
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    /** What undo would take back ("" when nothing). */
    public ReadOnlyStringProperty undoLabelProperty() {
        return undoLabel.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty redoLabelProperty() {
        return redoLabel.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty savingProperty() {
        return saving.getReadOnlyProperty();
    }

    public boolean isSaving() {
        return saving.get();
    }

    /** Increases with every edit, undo and redo ({@link #edited()}). */
    public ReadOnlyLongProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    /** A one-line report of the last file operation (status bar). */
    public StringProperty messageProperty() {
        return message;
    }

    /** An edit, undo or redo changed the annotations. */
    public void edited() {
        revision.set(revision.get() + 1);
    }

    /** Shows {@code ds} (null closes) as saved, with a new editor and an empty history; nothing is asked. */
    public void setDataset(LoadedDataset ds) {
        for (var w : java.util.List.of(dirty, canUndo, canRedo)) w.unbind();
        undoLabel.unbind();
        redoLabel.unbind();
        autosavedRevision = -1;
        AnnotationEditor e = ds == null ? null : new AnnotationEditor(ds.coco());
        dataset.set(ds);
        if (e == null) {
            dirty.set(false);
            canUndo.set(false);
            canRedo.set(false);
            undoLabel.set("");
            redoLabel.set("");
        } else {
            EditHistory h = e.history();
            dirty.bind(h.dirtyProperty());
            canUndo.bind(h.canUndoProperty());
            canRedo.bind(h.canRedoProperty());
            undoLabel.bind(h.undoLabelProperty());
            redoLabel.bind(h.redoLabelProperty());
        }
        editor.set(e);
    }

    // ---- open ----

    /**
     * Reads {@code json} in the background and shows it. Unsaved edits of the open dataset are saved or discarded
     * first, as the user chooses (cancel: null, nothing happens); an autosave newer than the file is offered for
     * recovery (declined: kept as {@code NAME.json.autosave.old}); when the images are not found the user may choose
     * their folder. Edits made while the file is read are asked about again before it replaces them.
     */
    public Future<LoadedDataset> open(Path json) {
        if (!mayDiscardEdits("opening " + json.getFileName())) return null;
        long asked = revision.get();
        Path recover = Autosave.pending(json).filter(dialogs::askRecovery).orElse(null);
        if (recover == null && Autosave.pending(json).isPresent()) {
            try {
                message.set("Unsaved corrections not recovered: kept as " + Autosave.setAside(json).getFileName());
            } catch (IOException e) {
                message.set("Cannot set the autosave aside: " + e.getMessage());
            }
        }
        Path read = recover != null ? recover : json;
        BackgroundTask<LoadedDataset> task = BackgroundTask.<LoadedDataset>of("Cannot open dataset " + json.getFileName(),
                p -> {
                    long size = Math.max(1, Files.size(read));
                    p.message("Reading " + json.getFileName() + " (" + DatasetService.humanSize(size) + ")");
                    p.progress(0, size);
                    return service.load(read, n -> p.progress(Math.min(n, size), size));
                }).onSuccess(loaded -> {
                    // edits made while the file was read are asked about (nothing silently replaced); edits the user
                    // already gave up before the load are not asked about twice
                    if (revision.get() != asked && !mayDiscardEdits("opening " + json.getFileName())) return;
                    LoadedDataset ds = recover != null ? loaded.withJsonFile(json.toAbsolutePath()) : loaded;
                    if (!ds.rootFound() && !ds.images().isEmpty()) {
                        ds = dialogs.chooseDirectory("Images of " + json.getFileName() + " not found: choose the image "
                                + "folder", ds.imageRoot()).map(ds::withImageRoot).orElse(ds);
                    }
                    setDataset(ds);
                    message.set(String.format("Opened %s: %d images, %d instances, %d categories%s",
                            json.getFileName(), ds.images().size(), ds.instanceCount(), ds.categories().size(),
                            ds.warnings().isEmpty() ? "" : ", " + ds.warnings().size() + " warnings"));
                    if (!ds.rootFound() && !ds.images().isEmpty())
                        message.set("Images not found next to " + json.getFileName() + ": placeholders shown");
                    if (recover != null) {
                        editor().history().markUnsaved(); // differs from the file until saved
                        message.set("Recovered the unsaved corrections of " + json.getFileName() + " from "
                                + recover.getFileName() + ": save to keep them");
                    }
                }).onFailure(ex -> {
                    String line = "Cannot open dataset " + json.getFileName() + ": " + BackgroundTask.describe(ex);
                    message.set(line);
                    dialogs.showError("Cannot open dataset " + json.getFileName(), BackgroundTask.describe(ex));
                });
        return tasks.execute(task);
    }

    // ---- save ----

    /** Writes the annotations over the dataset's file in the background (previous file kept as NAME.bak). */
    public Future<Void> save() {
        LoadedDataset ds = dataset.get();
        return ds == null ? null : saveTo(ds.jsonFile());
    }

    /** Save as: asks for the file (beside the dataset, NAME-corrected.json offered), then writes it. */
    public Future<Void> saveAs() {
        LoadedDataset ds = dataset.get();
        if (ds == null) return null;
        return dialogs.chooseFileToSave("Save annotations as", ds.jsonFile().getParent(),
                        ds.jsonFile().getFileName().toString().replaceFirst("\\.json$", "") + "-corrected.json",
                        new DialogService.FileType("COCO JSON", "*.json"))
                .map(this::saveTo).orElse(null);
    }

    /**
     * Writes the annotations to {@code file} off the FX thread; edits wait meanwhile ({@link #savingProperty()}). A
     * new file becomes the dataset's file; a failure leaves the file as it was (atomic write) and the edits unsaved.
     */
    public Future<Void> saveTo(Path file) {
        AnnotationEditor e = editor.get();
        if (e == null || saving.get()) return null;
        saving.set(true);
        Path before = dataset.get().jsonFile();
        BackgroundTask<Void> task = BackgroundTask.<Void>of("Cannot save " + file.getFileName(), p -> {
            p.message("Saving " + file.getFileName() + "…");
            p.progress(-1, 1);
            CocoWriter.write(e.coco(), file);
            return null;
        }).onFinished(() -> saving.set(false)).onSuccess(v -> {
            markSaved(file);
            autosaveDone(before);
            message.set("Saved " + file + (Files.exists(Path.of(file + ".bak"))
                    ? " (previous version kept as " + file.getFileName() + ".bak)" : ""));
        }).onFailure(ex -> {
            message.set("Cannot save " + file.getFileName() + ": " + BackgroundTask.describe(ex));
            dialogs.showError("Cannot save " + file.getFileName(), BackgroundTask.describe(ex));
        });
        return tasks.execute(task);
    }

    /** Writes the annotations over the dataset's file here, on the calling thread, and marks them saved. */
    public void saveBlocking() throws IOException {
        LoadedDataset ds = dataset.get();
        if (ds == null || editor.get() == null) return;
        CocoWriter.write(editor.get().coco(), ds.jsonFile());
        markSaved(ds.jsonFile());
        autosaveDone(ds.jsonFile());
    }

    /** The annotations are what {@code file} now holds; a new file becomes the dataset's file (Save as). */
    private void markSaved(Path file) {
        LoadedDataset ds = dataset.get();
        if (ds == null || editor.get() == null) return;
        editor.get().history().markSaved();
        if (!file.toAbsolutePath().equals(ds.jsonFile())) dataset.set(ds.withJsonFile(file.toAbsolutePath()));
    }

    // ---- leaving the annotations ----

    /**
     * True when the open annotations may be left ({@code action}: "quitting", "opening x.json"): nothing unsaved, or
     * the user saved (here, blocking) or discarded the edits (their autosave is then removed: the user gave them up);
     * false when cancelled or the save failed (the edits stay).
     */
    public boolean mayDiscardEdits(String action) {
        LoadedDataset ds = dataset.get();
        if (ds == null || !dirty.get()) {
            if (ds != null && autosavedRevision >= 0) autosaveDone(ds.jsonFile()); // undone back to the saved state
            return true;
        }
        switch (dialogs.askUnsaved(ds.jsonFile().getFileName().toString(), action)) {
            case SAVE -> {
                try {
                    saveBlocking();
                    return true;
                } catch (IOException | RuntimeException e) {
                    String msg = "Cannot save " + ds.jsonFile().getFileName() + ": " + e.getMessage();
                    message.set(msg);
                    dialogs.showError("Cannot save", msg);
                    return false;
                }
            }
            case DISCARD -> {
                autosaveDone(ds.jsonFile()); // the user gave the edits up: no NAME.json.autosave(.old) is left
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ---- autosave ----

    /**
     * Writes the open annotations to the autosave when they have edits not yet autosaved (a shallow copy is taken
     * here, the file written in the background); removes a stale autosave when nothing is unsaved. Returns the
     * writing, or null when nothing was to be written.
     */
    public Future<Void> autosaveNow() {
        LoadedDataset ds = dataset.get();
        AnnotationEditor e = editor.get();
        if (ds == null || e == null || autosaving) return null;
        Path json = ds.jsonFile();
        if (!dirty.get()) {
            if (autosavedRevision >= 0) autosaveDone(json); // undone back to the saved state
            return null;
        }
        long rev = revision.get();
        if (rev == autosavedRevision) return null;
        CocoDataset snapshot = e.coco().shallowCopy();
        autosaving = true;
        return tasks.execute(BackgroundTask.<Void>of("Autosave", p -> {
            Autosave.write(snapshot, json);
            return null;
        }).onFinished(() -> autosaving = false).onSuccess(v -> autosavedRevision = rev).onFailure(ex -> {
            if (!json.equals(autosaveFailedFor)) { // said once per dataset, not every 30 s
                autosaveFailedFor = json;
                message.set("Autosave to " + Autosave.fileFor(json) + " failed (" + BackgroundTask.describe(ex)
                        + "): save your corrections with Ctrl+S or Save as");
            }
        }));
    }

    /** The edits are saved or given up: the autosave of {@code json} has no purpose left. */
    private void autosaveDone(Path json) {
        try {
            Autosave.delete(json);
        } catch (IOException e) {
            message.set("Cannot remove " + Autosave.fileFor(json) + ": " + e.getMessage());
        }
        autosavedRevision = -1;
    }
}
