package dev.masklab.app.dialog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Screen;
import javafx.stage.Window;

/** The JavaFX dialogs of {@link DialogService}, owned by the main window and sized to fit its screen. */
public final class FxDialogService implements DialogService {
    private final Supplier<Window> owner;

    /** @param owner the window the dialogs belong to (may supply null before it is shown) */
    public FxDialogService(Supplier<Window> owner) {
        this.owner = owner;
    }

    /** A dialog owned by the main window, never taller or wider than the screen it is on (1366x768 included). */
    public <D extends Dialog<?>> D owned(D d) {
        Window w = owner.get();
        if (w != null) d.initOwner(w);
        d.setTitle("MaskLab");
        d.setResizable(true);
        Rectangle2D screen = (w == null
                        ? Screen.getPrimary()
                        : Screen.getScreensForRectangle(
                                        w.getX(), w.getY(), Math.max(1, w.getWidth()), Math.max(1, w.getHeight()))
                                .stream()
                                .findFirst()
                                .orElse(Screen.getPrimary()))
                .getVisualBounds();
        d.getDialogPane().setMaxHeight(screen.getHeight() - 60);
        d.getDialogPane().setMaxWidth(screen.getWidth() - 40);
        return d;
    }

    @Override
    public void showContent(String header, javafx.scene.Node content) {
        Alert a = owned(new Alert(Alert.AlertType.INFORMATION));
        a.setTitle(header);
        a.setHeaderText(header);
        a.getDialogPane().setContent(content);
        a.showAndWait();
    }

    @Override
    public void showError(String header, String text) {
        Alert a = owned(new Alert(Alert.AlertType.ERROR));
        a.setHeaderText(header);
        a.setContentText(text);
        a.showAndWait();
    }

    @Override
    public UnsavedChoice askUnsaved(String fileName, String action) {
        Alert a = owned(new Alert(Alert.AlertType.CONFIRMATION));
        a.setHeaderText("Save the changes to " + fileName + " before " + action + "?");
        a.setContentText("Your corrections are lost if you don't save them. Saving keeps the previous file as "
                + fileName + ".bak.");
        ButtonType save = new ButtonType("Save", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Don't save", ButtonBar.ButtonData.NO);
        a.getButtonTypes().setAll(save, discard, ButtonType.CANCEL);
        ButtonType r = a.showAndWait().orElse(ButtonType.CANCEL);
        return r == save ? UnsavedChoice.SAVE : r == discard ? UnsavedChoice.DISCARD : UnsavedChoice.CANCEL;
    }

    @Override
    public boolean askRecovery(Path journal) {
        String when;
        try {
            when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                    .format(Files.getLastModifiedTime(journal).toInstant().atZone(ZoneId.systemDefault()));
        } catch (IOException e) {
            when = "an earlier session";
        }
        return confirm(
                "Recover unsaved corrections?",
                "MaskLab ended with corrections to this dataset that were not "
                        + "saved. Its edit journal (last edit " + when
                        + ") holds every one of them. Recover replays them onto "
                        + "the file (save to keep them); Don't recover opens the file as saved and keeps the journal as "
                        + journal.getFileName() + ".old.",
                "Recover");
    }

    @Override
    public java.util.OptionalDouble askValue(
            String header, double min, double max, double initial, java.util.function.DoubleFunction<String> preview) {
        Dialog<ButtonType> d = owned(new Dialog<>());
        d.setTitle(header);
        d.setHeaderText(header);
        javafx.scene.control.Slider slider = new javafx.scene.control.Slider(min, max, initial);
        slider.setShowTickMarks(true);
        slider.setShowTickLabels(true);
        slider.setMajorTickUnit((max - min) / 4);
        slider.setPrefWidth(360);
        javafx.scene.control.Label value = new javafx.scene.control.Label();
        Runnable show =
                () -> value.setText(String.format("%.2f: %s", slider.getValue(), preview.apply(slider.getValue())));
        slider.valueProperty().addListener((o, a, b) -> show.run());
        show.run();
        d.getDialogPane().setContent(new javafx.scene.layout.VBox(8, slider, value));
        d.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        return d.showAndWait()
                .filter(b -> b == ButtonType.OK)
                .map(b -> java.util.OptionalDouble.of(slider.getValue()))
                .orElse(java.util.OptionalDouble.empty());
    }

    @Override
    public Optional<String> askText(String header, String text, String initial) {
        javafx.scene.control.TextInputDialog d = owned(new javafx.scene.control.TextInputDialog(initial));
        d.setHeaderText(header);
        d.setContentText(text);
        return d.showAndWait();
    }

    @Override
    public <T> Optional<T> choose(String header, String text, List<T> choices, T initial) {
        javafx.scene.control.ChoiceDialog<T> d = owned(new javafx.scene.control.ChoiceDialog<>(initial, choices));
        d.setHeaderText(header);
        d.setContentText(text);
        return d.showAndWait();
    }

    @Override
    public boolean confirmQuit(String work) {
        return confirm(
                "Quit while " + work + (work.contains(" and ") ? " are" : " is") + " in progress?",
                "MaskLab stops it first: training writes a checkpoint at the iteration it stops (Resume in the "
                        + "Training tab continues it), a model run keeps the images it has done.",
                "Stop and quit");
    }

    @Override
    public boolean confirm(String header, String text, String yes) {
        Alert a = owned(new Alert(Alert.AlertType.CONFIRMATION));
        a.setHeaderText(header);
        a.setContentText(text);
        ButtonType ok = new ButtonType(yes, ButtonBar.ButtonData.YES);
        a.getButtonTypes().setAll(ok, ButtonType.CANCEL);
        return a.showAndWait().filter(ok::equals).isPresent();
    }

    @Override
    public Optional<Path> chooseFileToOpen(String title, Path initialDirectory, FileType type) {
        return browse(title, FileBrowser.Mode.OPEN, type, initialDirectory, null, "Open");
    }

    @Override
    public Optional<Path> chooseFileToSave(String title, Path initialDirectory, String initialName, FileType type) {
        return browse(title, FileBrowser.Mode.SAVE, type, initialDirectory, initialName, "Save")
                .filter(p -> !Files.exists(p)
                        || confirm(
                                p.getFileName() + " exists. Replace it?",
                                "The file in " + p.getParent() + " is replaced.",
                                "Replace"));
    }

    @Override
    public Optional<Path> chooseDirectory(String title, Path initialDirectory) {
        return browse(title, FileBrowser.Mode.FOLDER, new FileType("Folders"), initialDirectory, null, "Choose");
    }

    /** MaskLab's {@link FileBrowser} in a dialog sized to fit the screen (the platform chooser can't be sized). */
    private Optional<Path> browse(
            String title, FileBrowser.Mode mode, FileType type, Path initialDirectory, String initialName, String ok) {
        Dialog<ButtonType> d = owned(new Dialog<>());
        d.setTitle(title);
        d.setHeaderText(title);
        FileBrowser browser = new FileBrowser(mode, type, initialDirectory, initialName);
        browser.setPrefSize(720, 460);
        d.getDialogPane().setContent(browser);
        ButtonType choose = new ButtonType(ok, ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().setAll(choose, ButtonType.CANCEL);
        d.getDialogPane()
                .lookupButton(choose)
                .disableProperty()
                .bind(browser.choiceProperty().isNull());
        browser.setOnChosen(() -> {
            d.setResult(choose);
            d.close();
        });
        javafx.application.Platform.runLater(
                () -> (mode == FileBrowser.Mode.SAVE ? browser.nameField() : browser.listView()).requestFocus());
        return d.showAndWait().filter(choose::equals).flatMap(b -> browser.choice());
    }
}
