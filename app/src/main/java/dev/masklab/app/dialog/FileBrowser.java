package dev.masklab.app.dialog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * MaskLab's own file chooser pane: a folder's sub-folders and the files a {@link DialogService.FileType} offers, a
 * location field, Up, and (to save) a file name. It replaces the platform chooser because that one can't be sized (GTK
 * opens it at 1096x822, taller than a 1366x768 screen) and can't leave out the results and review files that share a
 * dataset's {@code .json} ending. Hidden files stay hidden unless "Show all files" is ticked, which also drops the
 * type's filter. A folder lists at most {@link #MAX_ENTRIES} entries, so a folder of 100,000 images stays quick.
 */
public final class FileBrowser extends BorderPane {
    /** What the browser picks. */
    public enum Mode {
        OPEN,
        SAVE,
        FOLDER
    }

    static final int MAX_ENTRIES = 5000;

    private final Mode mode;
    private final DialogService.FileType type;
    private final ObjectProperty<Path> folder = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<Path> choice = new ReadOnlyObjectWrapper<>();
    private final TextField location = new TextField();
    private final TextField name = new TextField();
    private final CheckBox showAll = new CheckBox("Show all files");
    private final ListView<Path> list = new ListView<>();
    private final Label note = new Label();
    private Runnable onChosen = () -> {};

    /**
     * @param start the folder shown first (its nearest existing ancestor; the home folder when null)
     * @param initialName the file name proposed when saving (may be null)
     */
    public FileBrowser(Mode mode, DialogService.FileType type, Path start, String initialName) {
        this.mode = mode;
        this.type = type;
        getStyleClass().add("file-browser");
        Button up = new Button("Up");
        up.setOnAction(e -> {
            Path parent = folder.get() == null ? null : folder.get().getParent();
            if (parent != null) folder.set(parent);
        });
        location.setOnAction(e -> goTo(location.getText()));
        HBox.setHgrow(location, Priority.ALWAYS);
        HBox top = new HBox(6, up, location);
        top.setPadding(new Insets(0, 0, 6, 0));
        setTop(top);

        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(Path p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : label(p));
            }
        });
        list.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2)
                enter(list.getSelectionModel().getSelectedItem());
        });
        list.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                enter(list.getSelectionModel().getSelectedItem());
                e.consume();
            } else if (e.getCode() == KeyCode.BACK_SPACE
                    && folder.get() != null
                    && folder.get().getParent() != null) {
                folder.set(folder.get().getParent());
                e.consume();
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> {
            if (p != null && mode == Mode.SAVE && !Files.isDirectory(p))
                name.setText(p.getFileName().toString());
            updateChoice();
        });
        setCenter(list);

        VBox bottom = new VBox(4);
        bottom.setPadding(new Insets(6, 0, 0, 0));
        if (mode == Mode.SAVE) {
            name.setText(initialName == null ? "" : initialName);
            name.setPromptText("File name");
            name.textProperty().addListener((o, a, b) -> updateChoice());
            name.setOnAction(e -> {
                if (choice.get() != null) onChosen.run();
            });
            HBox.setHgrow(name, Priority.ALWAYS);
            bottom.getChildren().add(new HBox(6, new Label("File name:"), name));
        }
        showAll.selectedProperty().addListener((o, a, b) -> refresh());
        Label typeLabel = new Label(mode == Mode.FOLDER ? "Folders" : type.description());
        typeLabel.getStyleClass().add("file-type");
        HBox options = new HBox(12, typeLabel, showAll, note);
        bottom.getChildren().add(options);
        setBottom(bottom);

        folder.addListener((o, a, b) -> refresh());
        folder.set(existingFolder(start));
    }

    /** Runs when the user chooses by double-click or Enter (the dialog closes with the choice). */
    public void setOnChosen(Runnable action) {
        onChosen = action;
    }

    /** The folder listed. */
    public ObjectProperty<Path> folderProperty() {
        return folder;
    }

    /** The chosen path as it stands (null while there is none): the selected file, the named file, or the folder. */
    public ReadOnlyObjectProperty<Path> choiceProperty() {
        return choice.getReadOnlyProperty();
    }

    public Optional<Path> choice() {
        return Optional.ofNullable(choice.get());
    }

    /** What is listed: sub-folders, then the offered files, by name. */
    public List<Path> entries() {
        return List.copyOf(list.getItems());
    }

    public TextField nameField() {
        return name;
    }

    public ListView<Path> listView() {
        return list;
    }

    /** The entries of {@code dir} shown for {@code type}: folders then offered files, case-insensitive by name. */
    static List<Path> listing(Path dir, DialogService.FileType type, Mode mode, boolean all, int max)
            throws IOException {
        List<Path> folders = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (folders.size() + files.size() >= max) break;
                String n = p.getFileName().toString();
                if (!all && n.startsWith(".")) continue;
                if (Files.isDirectory(p)) folders.add(p);
                else if (mode != Mode.FOLDER && (all || type.offers(p))) files.add(p);
            }
        }
        Comparator<Path> byName = Comparator.comparing(p -> p.getFileName().toString(), String.CASE_INSENSITIVE_ORDER);
        folders.sort(byName);
        files.sort(byName);
        folders.addAll(files);
        return folders;
    }

    private void refresh() {
        Path dir = folder.get();
        location.setText(dir == null ? "" : dir.toString());
        try {
            List<Path> entries = dir == null ? List.of() : listing(dir, type, mode, showAll.isSelected(), MAX_ENTRIES);
            list.getItems().setAll(entries);
            note.setText(entries.size() >= MAX_ENTRIES ? "(first " + MAX_ENTRIES + " entries)" : "");
        } catch (IOException | SecurityException e) {
            list.getItems().clear();
            note.setText("Can't list " + dir + ": " + e.getMessage());
        }
        updateChoice();
    }

    private void enter(Path p) {
        if (p == null) return;
        if (Files.isDirectory(p)) folder.set(p);
        else {
            choice.set(p);
            onChosen.run();
        }
    }

    private void goTo(String text) {
        Path p;
        try {
            p = Path.of(text.strip().replaceFirst("^~(?=/|$)", System.getProperty("user.home")));
        } catch (InvalidPathException e) {
            note.setText("Not a path: " + text);
            return;
        }
        if (Files.isDirectory(p)) folder.set(p.toAbsolutePath().normalize());
        else if (Files.isRegularFile(p) && mode == Mode.OPEN) {
            choice.set(p.toAbsolutePath().normalize());
            onChosen.run();
        } else if (mode == Mode.SAVE && p.getParent() != null && Files.isDirectory(p.getParent())) {
            folder.set(p.getParent().toAbsolutePath().normalize());
            name.setText(p.getFileName().toString());
        } else note.setText("No such folder: " + text);
    }

    private void updateChoice() {
        Path dir = folder.get();
        Path selected = list.getSelectionModel().getSelectedItem();
        switch (mode) {
            case OPEN -> choice.set(selected != null && !Files.isDirectory(selected) ? selected : null);
            case FOLDER -> choice.set(selected != null && Files.isDirectory(selected) ? selected : dir);
            case SAVE -> {
                String n = name.getText().strip();
                choice.set(dir == null || n.isEmpty() || n.contains("/") || n.contains("\\") ? null : dir.resolve(n));
            }
        }
    }

    private static String label(Path p) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p)) return n + "/";
        try {
            return n + "   (" + humanSize(Files.size(p)) + ")";
        } catch (IOException e) {
            return n;
        }
    }

    /** A byte count for people: 812 B, 61.2 KB, 1.3 MB, 2.05 GB. */
    public static String humanSize(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format("%.1f KB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MB", bytes / 1048576.0);
        return String.format("%.2f GB", bytes / 1073741824.0);
    }

    private static Path existingFolder(Path start) {
        Path p = start == null
                ? Path.of(System.getProperty("user.home"))
                : start.toAbsolutePath().normalize();
        while (p != null && !Files.isDirectory(p)) p = p.getParent();
        return p == null ? Path.of(System.getProperty("user.home")) : p;
    }
}
