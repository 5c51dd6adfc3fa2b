package dev.masklab.app.dialog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@link DialogService} of tests: each question answered by a settable function (defaults: Cancel, no
 * recovery, don't quit, no file, no folder), every question and error recorded in {@link #asked} and {@link #errors}.
 */
public final class ScriptedDialogs implements DialogService {
    public volatile Function<String, UnsavedChoice> unsaved = action -> UnsavedChoice.CANCEL;
    public volatile Predicate<Path> recovery = a -> false;
    public volatile Predicate<String> quit = work -> false;
    public volatile Predicate<String> confirm = header -> false;
    /** Answers {@link #choose}: given the header and the choices, the index chosen (-1: cancel). */
    public volatile java.util.function.BiFunction<String, List<?>, Integer> choice = (header, choices) -> -1;
    /** Answers {@link #askText}: given the header, the text typed (null: cancel). */
    public volatile Function<String, String> text = header -> null;
    /** Answers {@link #askValue}: the value chosen (NaN: cancel). */
    public volatile double value = Double.NaN;
    /** What {@link #askValue}'s preview said for the initial value and for {@link #value}. */
    public final List<String> previews = new ArrayList<>();

    public volatile Path fileToOpen;
    public volatile Path fileToSave;
    public final List<String> asked = new ArrayList<>();
    public final List<String> errors = new ArrayList<>();
    /** The initial folder of the last file chooser. */
    public volatile Path lastInitialDirectory;

    /** The content of the last {@link #showContent} (the F1 list...). */
    public volatile javafx.scene.Node shownContent;

    @Override
    public void showContent(String header, javafx.scene.Node content) {
        asked.add("show " + header);
        shownContent = content;
    }

    @Override
    public void showError(String header, String text) {
        errors.add(header + ": " + text);
    }

    @Override
    public UnsavedChoice askUnsaved(String fileName, String action) {
        asked.add("unsaved " + action);
        return unsaved.apply(action);
    }

    @Override
    public boolean askRecovery(Path autosave) {
        asked.add("recover " + autosave.getFileName());
        return recovery.test(autosave);
    }

    @Override
    public boolean confirmQuit(String work) {
        asked.add("quit " + work);
        return quit.test(work);
    }

    @Override
    public boolean confirm(String header, String text, String yes) {
        asked.add("confirm " + header);
        return confirm.test(header);
    }

    @Override
    public java.util.OptionalDouble askValue(
            String header, double min, double max, double initial, java.util.function.DoubleFunction<String> preview) {
        asked.add("value " + header);
        previews.add(preview.apply(initial));
        if (Double.isNaN(value)) return java.util.OptionalDouble.empty();
        previews.add(preview.apply(value));
        return java.util.OptionalDouble.of(value);
    }

    @Override
    public Optional<String> askText(String header, String text, String initial) {
        asked.add("text " + header);
        return Optional.ofNullable(this.text.apply(header));
    }

    @Override
    public <T> Optional<T> choose(String header, String text, List<T> choices, T initial) {
        asked.add("choose " + header);
        int i = choice.apply(header, choices);
        return i < 0 ? Optional.empty() : Optional.of(choices.get(i));
    }

    @Override
    public Optional<Path> chooseFileToOpen(String title, Path initialDirectory, FileType type) {
        lastInitialDirectory = initialDirectory;
        return Optional.ofNullable(fileToOpen);
    }

    @Override
    public Optional<Path> chooseFileToSave(String title, Path initialDirectory, String initialName, FileType type) {
        lastInitialDirectory = initialDirectory;
        return Optional.ofNullable(fileToSave);
    }

    @Override
    public Optional<Path> chooseDirectory(String title, Path initialDirectory) {
        return Optional.empty();
    }
}
