package dev.masklab.app.document;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.edit.EditHistory;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.EditJournal;
import dev.masklab.io.Backup;
import dev.masklab.review.PredictionKey;
import dev.masklab.review.ReviewState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The open dataset as a document: its file, its {@link AnnotationEditor} with the edit history, whether it is dirty or
 * being saved, and everything done to the file: open (with the recovery question), save, save as, and the "unsaved
 * changes" policy before it would be left (quit, open another). Questions go through the {@link DialogService}, file
 * work through the {@link TaskExecutor}; there is no view here, so it runs and is tested without a display. Called on
 * the FX thread (the executor's handlers run there too).
 *
 * <p>Crash safety: every change of the annotations and categories (edit, undo, redo) reaches the engine's
 * {@link EditJournal} ({@code NAME.json.journal}) through the dataset's change listener, every change of a review
 * decision through the editor's {@link AnnotationEditor.ReviewListener}, and is on disk before the edit returns, so a crash or {@code kill -9} loses no finished edit; opening a dataset with a journal of an earlier
 * session offers to replay it (declined: kept as {@code .journal.old}); a save goes through the journal
 * ({@link EditJournal#save}), which makes save and journal unable to race; giving the edits up discards it. The
 * first save of a session keeps the untouched original as {@code NAME.json.bak} ({@link Backup#perSession()}).
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
    /** Counts edits, undos and redos (an open that took long asks about edits made meanwhile by this number). */
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision");

    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    /** The journal of the open dataset's file (null when none is open or it could not be opened). */
    private EditJournal journal;
    /** .bak policy of the open dataset's file: the first save of the session keeps the original. */
    private Backup backup = Backup.perSession();
    /** The journal failed once for this dataset (said once, not at every edit). */
    private boolean journalFailed;

    public DatasetDocument(DialogService dialogs, TaskExecutor tasks) {
        this.dialogs = dialogs;
        this.tasks = tasks;
    }

    // ---- state ----

    /** Where this document's questions go (the edit commands ask through it too). */
    public DialogService dialogs() {
        return dialogs;
    }

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

    /**
     * Shows {@code ds} (null closes) as saved, with a new editor and an empty history; nothing is asked. The journal
     * of the dataset shown before is closed as it is (a crash-like close: its edits stay recoverable); {@code ds}'s
     * edits are journaled from now on (a journal left by an earlier session is set aside first: use {@link #open} to
     * offer its recovery).
     */
    public void setDataset(LoadedDataset ds) {
        EditJournal j = null;
        if (ds != null) {
            try {
                j = EditJournal.open(ds.jsonFile());
                if (j.pending())
                    message.set("Unsaved edits of an earlier session kept as "
                            + j.setAside().getFileName());
            } catch (IOException ex) {
                journalFailed(ds, ex);
            }
        }
        attach(ds, j);
        if (ds != null) {
            Review r = Review.read(ds.jsonFile(), ds.coco(), List.of());
            editor().setReview(r.state());
            if (!r.notes().isEmpty()) message.set(String.join("; ", r.notes()));
        }
    }

    /**
     * The review decisions read from beside a dataset ({@link ReviewState#fileFor}), with the decisions recovered from
     * its journal ({@code recovered}, in order) made after them, squared with the dataset, and what the reader has to
     * say (decisions dropped, a file that could not be read and was set aside as {@code .bad}).
     */
    private record Review(ReviewState state, List<String> notes) {
        static Review read(Path json, CocoDataset coco, List<EditJournal.Op> recovered) {
            Path file = ReviewState.fileFor(json);
            List<String> notes = new ArrayList<>();
            ReviewState state;
            try {
                state = ReviewState.read(file);
            } catch (IOException ex) {
                state = ReviewState.empty();
                String kept = "";
                try {
                    Path bad = Path.of(file + ".bad");
                    Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
                    kept = " (kept as " + bad.getFileName() + ")";
                } catch (IOException | RuntimeException moveFailed) {
                    // left where it is; the next save writes the decisions made from now on over it
                }
                notes.add("Review decisions not read: " + BackgroundTask.describe(ex) + kept);
            }
            int unusable = 0;
            for (EditJournal.Op op : recovered) {
                try {
                    switch (op) {
                        case EditJournal.Decide d ->
                            state.put(new ReviewState.Decision(
                                    new PredictionKey(d.key()),
                                    d.imageId(),
                                    d.categoryId(),
                                    d.score(),
                                    d.accepted() ? ReviewState.Status.ACCEPTED : ReviewState.Status.REJECTED,
                                    d.annotationId()));
                        case EditJournal.Undecide u -> state.clear(new PredictionKey(u.key()));
                        default -> {}
                    }
                } catch (IllegalArgumentException badKey) {
                    unusable++;
                }
            }
            if (unusable > 0) notes.add(unusable + " recovered review decisions with an unusable key skipped");
            notes.addAll(state.reconcile(coco));
            return new Review(state, List.copyOf(notes));
        }
    }

    /** Shows {@code ds} with {@code j} as its journal (replayed or fresh), closing the previous one. */
    private void attach(LoadedDataset ds, EditJournal j) {
        closeJournal();
        LoadedDataset previous = dataset.get();
        if (previous != null) previous.coco().setChangeListener(null);
        for (var w : java.util.List.of(dirty, canUndo, canRedo)) w.unbind();
        undoLabel.unbind();
        redoLabel.unbind();
        journalFailed = false;
        journalTo(ds, j);
        AnnotationEditor e = ds == null ? null : new AnnotationEditor(ds.coco());
        if (e != null) e.setReviewListener(this::journalDecision);
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
     * first, as the user chooses (cancel: null, nothing happens); a journal of unsaved edits of an earlier session is
     * offered for recovery (replayed onto the file as read; declined: kept as {@code NAME.json.journal.old}); when the images are not found the user may choose
     * their folder. Edits made while the file is read are asked about again before it replaces them.
     */
    public Future<LoadedDataset> open(Path json) {
        if (!mayDiscardEdits("opening " + json.getFileName())) return null;
        long asked = revision.get();
        EditJournal j;
        try {
            j = EditJournal.open(json);
        } catch (IOException ex) {
            j = null; // opened without crash safety; said once the dataset is shown
        }
        boolean recover = false;
        if (j != null && j.pending()) {
            recover = dialogs.askRecovery(j.file());
            if (!recover) {
                try {
                    message.set("Unsaved corrections not recovered: kept as "
                            + j.setAside().getFileName());
                } catch (IOException e) {
                    message.set("Cannot set the journal aside: " + e.getMessage());
                }
            }
        }
        EditJournal journalOfFile = j;
        boolean replay = recover;
        int[] replayed = {0};
        List<EditJournal.Op> decisions = new ArrayList<>();
        Review[] review = {null};
        BackgroundTask<LoadedDataset> task = BackgroundTask.<LoadedDataset>of(
                        "Cannot open dataset " + json.getFileName(), p -> {
                            long size = Math.max(1, Files.size(json));
                            p.message("Reading " + json.getFileName() + " ("
                                    + dev.masklab.app.dialog.FileBrowser.humanSize(size) + ")");
                            p.progress(0, size);
                            LoadedDataset ds = service.load(json, n -> p.progress(Math.min(n, size), size), coco -> {
                                if (replay) replayed[0] = journalOfFile.replayInto(coco, decisions::add);
                            });
                            review[0] = Review.read(json, ds.coco(), decisions);
                            return ds;
                        })
                .onSuccess(loaded -> {
                    // edits made while the file was read are asked about (nothing silently replaced); edits the user
                    // already gave up before the load are not asked about twice
                    if (revision.get() != asked && !mayDiscardEdits("opening " + json.getFileName())) {
                        closeQuietly(journalOfFile);
                        return;
                    }
                    LoadedDataset ds = loaded;
                    if (!ds.rootFound() && !ds.images().isEmpty()) {
                        ds = dialogs.chooseDirectory(
                                        "Images of " + json.getFileName() + " not found: choose the image " + "folder",
                                        ds.imageRoot())
                                .map(ds::withImageRoot)
                                .orElse(ds);
                    }
                    attach(ds, journalOfFile);
                    editor().setReview(review[0].state());
                    if (journalOfFile == null) journalFailed(ds, new IOException("cannot open its journal"));
                    message.set(String.format(
                            "Opened %s: %d images, %d instances, %d categories%s",
                            json.getFileName(),
                            ds.images().size(),
                            ds.instanceCount(),
                            ds.categories().size(),
                            ds.warnings().isEmpty() ? "" : ", " + ds.warnings().size() + " warnings"));
                    if (!ds.rootFound() && !ds.images().isEmpty())
                        message.set("Images not found next to " + json.getFileName() + ": placeholders shown");
                    if (replayed[0] > 0) {
                        editor().history().markUnsaved(); // differs from the file until saved
                        message.set("Recovered " + replayed[0] + " unsaved edit" + (replayed[0] == 1 ? "" : "s")
                                + " of " + json.getFileName() + " from "
                                + journalOfFile.file().getFileName()
                                + ": save to keep them");
                    }
                    if (!review[0].notes().isEmpty())
                        message.set(message.get() + "; " + String.join("; ", review[0].notes()));
                })
                .onFailure(ex -> {
                    closeQuietly(journalOfFile);
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
        return dialogs.chooseFileToSave(
                        "Save annotations as",
                        ds.jsonFile().getParent(),
                        ds.jsonFile().getFileName().toString().replaceFirst("\\.json$", "") + "-corrected.json",
                        new DialogService.FileType("COCO JSON", "*.json"))
                .map(this::saveTo)
                .orElse(null);
    }

    /**
     * Writes the annotations to {@code file} off the FX thread; edits wait meanwhile ({@link #savingProperty()}). A
     * new file becomes the dataset's file; a failure leaves the file as it was (atomic write) and the edits unsaved.
     */
    public Future<Void> saveTo(Path file) {
        AnnotationEditor e = editor.get();
        if (e == null || saving.get()) return null;
        saving.set(true);
        Writer w = writer(file);
        BackgroundTask<Void> task = BackgroundTask.<Void>of("Cannot save " + file.getFileName(), p -> {
                    p.message("Saving " + file.getFileName() + "…");
                    p.progress(-1, 1);
                    w.run();
                    return null;
                })
                .onFinished(() -> saving.set(false))
                .onSuccess(v -> {
                    markSaved(file);
                    message.set("Saved " + file
                            + (Files.exists(Path.of(file + ".bak"))
                                    ? " (original kept as " + file.getFileName() + ".bak)"
                                    : ""));
                })
                .onFailure(ex -> {
                    message.set("Cannot save " + file.getFileName() + ": " + BackgroundTask.describe(ex));
                    dialogs.showError("Cannot save " + file.getFileName(), BackgroundTask.describe(ex));
                });
        return tasks.execute(task);
    }

    /** Writes the annotations over the dataset's file here, on the calling thread, and marks them saved. */
    public void saveBlocking() throws IOException {
        LoadedDataset ds = dataset.get();
        if (ds == null || editor.get() == null) return;
        writer(ds.jsonFile()).run();
        markSaved(ds.jsonFile());
    }

    /** Writing the annotations to a file, prepared on the FX thread so that it may run on another one. */
    @FunctionalInterface
    private interface Writer {
        void run() throws IOException;
    }

    /**
     * The write of the review decisions as they are now beside {@code file} ({@link ReviewState#fileFor}, durable and
     * atomic; when there are any (or images marked done) or a review file is there already), then of the annotations: over the dataset's own
     * file through its journal (a snapshot with its sequence number: the journal keeps edits made meanwhile),
     * elsewhere (Save as) straight. Decisions first: the journal's save drops the decisions it holds along with the
     * edits, so a crash between the two writes must find them in the review file (the journal, not yet compacted,
     * replays the edits they refer to); the other order would lose them.
     */
    private Writer writer(Path file) {
        CocoDataset snapshot = editor.get().coco().shallowCopy();
        ReviewState decisions = editor.get().review().copy();
        Path reviewFile = ReviewState.fileFor(file);
        EditJournal j = journal;
        Backup b = backup;
        Writer annotations;
        if (j != null && file.toAbsolutePath().equals(dataset.get().jsonFile())) {
            long seq = j.sequence();
            annotations = () -> j.save(snapshot, seq, b);
        } else {
            annotations = () -> CocoWriter.write(snapshot, file, Backup.perSession());
        }
        return () -> {
            if (!decisions.isEmpty() || Files.exists(reviewFile)) decisions.write(reviewFile);
            annotations.run();
        };
    }

    /**
     * The annotations are what {@code file} now holds; a new file (Save as) becomes the dataset's file, the old one's
     * journal is discarded (its edits are in the new file) and a journal of the new file starts.
     */
    private void markSaved(Path file) {
        LoadedDataset ds = dataset.get();
        if (ds == null || editor.get() == null) return;
        editor.get().history().markSaved();
        if (!file.toAbsolutePath().equals(ds.jsonFile())) {
            discardJournal();
            closeJournal();
            LoadedDataset moved = ds.withJsonFile(file.toAbsolutePath());
            dataset.set(moved);
            EditJournal j = null;
            try {
                j = EditJournal.open(moved.jsonFile());
                if (j.pending()) j.setAside();
            } catch (IOException ex) {
                journalFailed(moved, ex);
            }
            journalTo(moved, j);
        }
    }

    // ---- leaving the annotations ----

    /**
     * True when the open annotations may be left ({@code action}: "quitting", "opening x.json"): nothing unsaved, or
     * the user saved (here, blocking) or discarded the edits (their journal is then removed: the user gave them up);
     * false when cancelled or the save failed (the edits stay).
     */
    public boolean mayDiscardEdits(String action) {
        LoadedDataset ds = dataset.get();
        if (ds == null || !dirty.get()) {
            discardJournal(); // undone back to the saved state: the journal holds nothing unsaved
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
                discardJournal(); // the user gave the edits up: no journal is left to recover
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ---- the journal ----

    /**
     * Makes {@code j} the journal of {@code ds} (both may be null): every later change of its annotations and
     * categories is appended to it; a new {@code .bak} policy starts with it (the file's first save keeps the original).
     */
    private void journalTo(LoadedDataset ds, EditJournal j) {
        journal = j;
        backup = Backup.perSession();
        if (ds == null) return;
        ds.coco()
                .setChangeListener(
                        j == null
                                ? null
                                : op -> {
                                    if (journal != j) return;
                                    try {
                                        j.append(op);
                                    } catch (IOException | RuntimeException ex) {
                                        journalFailed(ds, ex);
                                    }
                                });
    }

    /**
     * A review decision changed (accept, reject, or their undo / redo): journaled as the edits are, after the
     * annotation change it belongs to, so that a rejection (which changes no annotation) survives a crash and is
     * recovered, declined or given up ("Don't save") together with the edits.
     */
    private void journalDecision(PredictionKey key, ReviewState.Decision d) {
        EditJournal j = journal;
        LoadedDataset ds = dataset.get();
        if (j == null || ds == null) return;
        try {
            j.append(
                    d == null
                            ? new EditJournal.Undecide(key.value())
                            : new EditJournal.Decide(
                                    key.value(),
                                    d.imageId(),
                                    d.categoryId(),
                                    d.score(),
                                    d.status() == ReviewState.Status.ACCEPTED,
                                    d.annotationId()));
        } catch (IOException | RuntimeException ex) {
            journalFailed(ds, ex);
        }
    }

    /** Deletes the journal of the open dataset (its edits are saved or given up); it starts again at the next edit. */
    private void discardJournal() {
        if (journal == null) return;
        try {
            journal.discard();
        } catch (IOException e) {
            message.set("Cannot remove " + journal.file() + ": " + e.getMessage());
        }
    }

    /** Closes the journal as it is (its file stays for a later recovery). */
    private void closeJournal() {
        closeQuietly(journal);
        journal = null;
    }

    private static void closeQuietly(EditJournal j) {
        if (j == null) return;
        try {
            j.close();
        } catch (IOException ignored) {
            // closing only releases the file; what was appended is already on disk
        }
    }

    /** The journal cannot be written: said once per dataset; edits go on, crash safety is lost until saved. */
    private void journalFailed(LoadedDataset ds, Exception ex) {
        if (journalFailed) return;
        journalFailed = true;
        String line = "Edits of " + ds.jsonFile().getFileName() + " are not protected against a crash (journal: "
                + BackgroundTask.describe(ex) + "): save often";
        message.set(line);
        dialogs.showError("Cannot write the edit journal", line);
    }
}
