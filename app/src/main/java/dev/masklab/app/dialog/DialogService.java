package dev.masklab.app.dialog;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every question and message the app puts to the user, behind one interface (as JabRef's {@code DialogService}): the
 * views and the document ask through it, never build dialogs themselves, so they run the same way with the JavaFX
 * dialogs ({@link FxDialogService}) and with scripted answers in tests.
 */
public interface DialogService {
    /** What to do with unsaved edits before they would be lost. */
    enum UnsavedChoice {
        SAVE,
        DISCARD,
        CANCEL
    }

    /**
     * A file type offered by a file chooser, e.g. ("COCO dataset JSON", "*.json"): files whose name matches one of the
     * glob {@code patterns} and, when {@code shown} is set, that it accepts (a dataset chooser leaves out the results
     * files and review files that also end in .json).
     */
    record FileType(String description, List<String> patterns, Predicate<Path> shown) {
        public FileType {
            patterns = List.copyOf(patterns);
        }

        public FileType(String description, String... patterns) {
            this(description, List.of(patterns), null);
        }

        /** This type, offering only the files {@code filter} accepts among those its patterns match. */
        public FileType showing(Predicate<Path> filter) {
            return new FileType(description, patterns, filter);
        }

        /** Whether {@code file} is offered: its name matches a pattern and {@code shown} (if any) accepts it. */
        public boolean offers(Path file) {
            Path name = file.getFileName();
            if (name == null) return false;
            boolean matches = false;
            for (String pattern : patterns) {
                if (FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(name)) {
                    matches = true;
                    break;
                }
            }
            return matches && (shown == null || shown.test(file));
        }
    }

    /** Shows {@code content} (a list, a table) under {@code header} until closed. */
    void showContent(String header, javafx.scene.Node content);

    /** Shows an error (the caller goes on once it is closed). */
    void showError(String header, String text);

    /** Unsaved edits of {@code fileName} are about to be lost by {@code action} ("quitting", "opening x.json"). */
    UnsavedChoice askUnsaved(String fileName, String action);

    /** A journal of unsaved edits of an earlier session was found beside the dataset: true replays it. */
    boolean askRecovery(Path journal);

    /** Quitting while {@code work} ("a model run") runs: true stops it and quits. */
    boolean confirmQuit(String work);

    /** A yes / no question ({@code header} asks it, {@code text} explains; {@code yes} names the confirming button). */
    boolean confirm(String header, String text, String yes);

    /** A line of text ({@code header} asks for it), {@code initial} filled in; empty when cancelled. */
    Optional<String> askText(String header, String text, String initial);

    /**
     * A value of a slider from {@code min} to {@code max} ({@code header} asks for it), starting at {@code initial};
     * {@code preview} describes a value live while the slider moves ("42 vertices, IoU 0.987"). Empty when cancelled.
     */
    java.util.OptionalDouble askValue(
            String header, double min, double max, double initial, java.util.function.DoubleFunction<String> preview);

    /** One of {@code choices} ({@code header} asks for it), {@code initial} preselected; empty when cancelled. */
    <T> Optional<T> choose(String header, String text, List<T> choices, T initial);

    /** A file to open, starting in {@code initialDirectory} (null: the system's choice); empty when cancelled. */
    Optional<Path> chooseFileToOpen(String title, Path initialDirectory, FileType type);

    /** A file to write, starting in {@code initialDirectory} with {@code initialName}; empty when cancelled. */
    Optional<Path> chooseFileToSave(String title, Path initialDirectory, String initialName, FileType type);

    /** A folder, starting in {@code initialDirectory}; empty when cancelled. */
    Optional<Path> chooseDirectory(String title, Path initialDirectory);
}
