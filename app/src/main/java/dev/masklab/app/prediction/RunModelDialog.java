package dev.masklab.app.prediction;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.app.prediction.PredictionService.Request;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.ModelCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * "Run model": weights (torchvision .pth or MaskLab checkpoint), architecture (a .pth needs one; a checkpoint
 * carries its own), score threshold, device, legacy eps, which images (a {@link RunSubset}: all, the current one,
 * the filtered ones, those without annotations, those not yet reviewed) and the results file (the loaded
 * predictions' by default, so a run on a subset joins them). Returns a {@link Request}; the window runs it.
 */
public final class RunModelDialog extends Dialog<Request> {
    static final String FROM_CHECKPOINT = "(from checkpoint)";

    /**
     * @param dialogs asks for the weights and output files
     * @param current the image shown, or null
     * @param last    the last run's request (its weights and options are proposed), or null
     * @param subsets each {@link RunSubset}'s images ({@link RunSubset#all})
     * @param loaded  the loaded predictions' file, or null: a run writes (merges) into it by default, so that its
     *                results join what is loaded
     */
    public RunModelDialog(
            Window owner,
            DialogService dialogs,
            LoadedDataset ds,
            ImageEntry current,
            Request last,
            Map<RunSubset, List<Long>> subsets,
            Path loaded) {
        initOwner(owner);
        setTitle("Run model");
        setHeaderText("Run Mask R-CNN / Keypoint R-CNN on " + ds.jsonFile().getFileName());

        TextField weights = new TextField(last == null ? "" : last.weights().toString());
        weights.setId("runWeights");
        weights.setPromptText("model.pth or MaskLab checkpoint");
        HBox.setHgrow(weights, Priority.ALWAYS);
        Button browseWeights = new Button("Browse…");
        ChoiceBox<String> arch = new ChoiceBox<>();
        arch.getItems().setAll(FROM_CHECKPOINT, MaskRcnnConfig.MASKRCNN, MaskRcnnConfig.KEYPOINTRCNN);
        arch.setValue(last == null || last.arch() == null ? MaskRcnnConfig.MASKRCNN : last.arch());
        Label archNote = new Label();
        archNote.getStyleClass().add("hint");
        Spinner<Double> threshold = new Spinner<>(0.0, 1.0, last == null ? 0.05 : last.scoreThreshold(), 0.05);
        threshold.setEditable(true);
        threshold.setId("runThreshold");
        ChoiceBox<DeviceChoice> device = new ChoiceBox<>();
        device.getItems().setAll(DeviceChoice.values());
        device.setValue(last == null ? DeviceChoice.AUTO : last.device());
        CheckBox legacy = new CheckBox("FrozenBatchNorm eps 0 (torchvision's original COCO checkpoints)");
        legacy.setSelected(last != null && last.legacyEps());
        // which images: each subset with its count; an empty one cannot be chosen
        ToggleGroup scope = new ToggleGroup();
        VBox scopes = new VBox(4);
        for (RunSubset sub : RunSubset.values()) {
            int n = subsets.getOrDefault(sub, List.of()).size();
            String text = sub == RunSubset.CURRENT && current != null
                    ? sub.text() + " (" + current.fileName() + ")"
                    : sub.text() + " (" + n + ")";
            RadioButton b = new RadioButton(text);
            b.setId("runSubset" + sub.name());
            b.setUserData(sub);
            b.setToggleGroup(scope);
            b.setDisable(n == 0);
            scopes.getChildren().add(b);
            if (sub == RunSubset.ALL) scope.selectToggle(b);
        }
        TextField output = new TextField(output(ds, loaded).toString());
        output.setId("runOutput");
        HBox.setHgrow(output, Priority.ALWAYS);
        Button browseOutput = new Button("Browse…");

        browseWeights.setOnAction(e -> dialogs.chooseFileToOpen(
                        "Model weights",
                        folderOf(weights.getText()),
                        new DialogService.FileType("Weights (*.pth, *.pt, *.masklab)", "*.pth", "*.pt", "*.masklab"))
                .ifPresent(f -> weights.setText(f.toString())));
        browseOutput.setOnAction(e -> {
            Path p = Path.of(output.getText()).toAbsolutePath();
            dialogs.chooseFileToSave(
                            "Write predictions to",
                            p.getParent(),
                            p.getFileName().toString(),
                            new DialogService.FileType("COCO results JSON", "*.json"))
                    .ifPresent(f -> output.setText(f.toString()));
        });
        // a MaskLab checkpoint names its architecture; a .pth needs one chosen
        weights.textProperty().addListener((o, a, b) -> {
            boolean ckpt = isCheckpoint(b);
            if (ckpt) arch.setValue(FROM_CHECKPOINT);
            else if (FROM_CHECKPOINT.equals(arch.getValue())) arch.setValue(MaskRcnnConfig.MASKRCNN);
            arch.setDisable(ckpt);
            archNote.setText(ckpt ? "MaskLab checkpoint: architecture and classes from the file" : "");
        });
        if (isCheckpoint(weights.getText())) {
            arch.setValue(FROM_CHECKPOINT);
            arch.setDisable(true);
        }

        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(8);
        g.setPadding(new Insets(12));
        int row = 0;
        g.addRow(row++, new Label("Weights"), hbox(weights, browseWeights));
        g.addRow(row++, new Label("Architecture"), hbox(arch, archNote));
        g.addRow(row++, new Label("Score threshold"), threshold);
        g.addRow(row++, new Label("Device"), device);
        g.add(legacy, 1, row++);
        g.addRow(row++, new Label("Images"), scopes);
        g.addRow(row, new Label("Write to"), hbox(output, browseOutput));
        g.setPrefWidth(640);
        getDialogPane().setContent(g);

        ButtonType run = new ButtonType("Run", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().addAll(run, ButtonType.CANCEL);
        BooleanBinding invalid = Bindings.createBooleanBinding(
                () -> !Files.isRegularFile(path(weights.getText()))
                        || output.getText().isBlank(),
                weights.textProperty(),
                output.textProperty());
        getDialogPane().lookupButton(run).disableProperty().bind(invalid);

        setResultConverter(bt -> {
            if (bt != run) return null;
            String a = FROM_CHECKPOINT.equals(arch.getValue()) ? null : arch.getValue();
            RunSubset sub = (RunSubset) scope.getSelectedToggle().getUserData();
            List<Long> ids = sub == RunSubset.ALL ? null : subsets.get(sub);
            return new Request(
                    path(weights.getText()),
                    a,
                    (float) typed(threshold),
                    device.getValue(),
                    legacy.isSelected(),
                    ids,
                    path(output.getText()));
        });
    }

    /** Where a run writes by default: the loaded predictions' file when there is one, else NAME.predictions.json. */
    static Path output(LoadedDataset ds, Path loaded) {
        return loaded != null ? loaded : PredictionService.defaultOutput(ds);
    }

    /** The spinner's value with the text typed into it (Run may be pressed without Enter); unparsable text is dropped. */
    private static double typed(Spinner<Double> spinner) {
        try {
            spinner.commitValue();
        } catch (RuntimeException e) {
            spinner.cancelEdit();
        }
        return spinner.getValue();
    }

    private static boolean isCheckpoint(String text) {
        Path p = path(text);
        return Files.isRegularFile(p) && ModelCheckpoint.isCheckpoint(p);
    }

    private static Path path(String text) {
        try {
            return Path.of(text.strip());
        } catch (RuntimeException e) {
            return Path.of("");
        }
    }

    private static HBox hbox(Node... nodes) {
        HBox b = new HBox(8, nodes);
        b.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return b;
    }

    /** The folder of {@code path} (typed by the user, maybe not a path at all), or null. */
    private static Path folderOf(String path) {
        try {
            Path p = Path.of(path.isBlank() ? "." : path).toAbsolutePath().getParent();
            return p != null && Files.isDirectory(p) ? p : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
