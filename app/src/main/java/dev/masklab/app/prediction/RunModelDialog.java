package dev.masklab.app.prediction;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.app.prediction.PredictionService.Request;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.ModelCheckpoint;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * "Run model": weights (torchvision .pth or MaskLab checkpoint), architecture (a .pth needs one; a checkpoint
 * carries its own), score threshold, device, legacy eps, which images (all, or the current one) and the results
 * file. Returns a {@link Request}; the window runs it.
 */
public final class RunModelDialog extends Dialog<Request> {
    static final String FROM_CHECKPOINT = "(from checkpoint)";

    public RunModelDialog(Window owner, LoadedDataset ds, ImageEntry current, Request last) {
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
        ToggleGroup scope = new ToggleGroup();
        RadioButton all = new RadioButton("All " + ds.images().size() + " images");
        RadioButton one =
                new RadioButton(current == null ? "Current image" : "Current image (" + current.fileName() + ")");
        all.setToggleGroup(scope);
        one.setToggleGroup(scope);
        one.setDisable(current == null);
        scope.selectToggle(all);
        TextField output = new TextField(PredictionService.defaultOutput(ds).toString());
        output.setId("runOutput");
        HBox.setHgrow(output, Priority.ALWAYS);
        Button browseOutput = new Button("Browse…");

        browseWeights.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Model weights");
            fc.getExtensionFilters()
                    .addAll(
                            new FileChooser.ExtensionFilter(
                                    "Weights (*.pth, *.pt, *.masklab)", "*.pth", "*.pt", "*.masklab"),
                            new FileChooser.ExtensionFilter("All files", "*"));
            Path cur = Path.of(weights.getText().isBlank() ? "." : weights.getText())
                    .toAbsolutePath()
                    .getParent();
            if (cur != null && Files.isDirectory(cur)) fc.setInitialDirectory(cur.toFile());
            File f = fc.showOpenDialog(getDialogPane().getScene().getWindow());
            if (f != null) weights.setText(f.getPath());
        });
        browseOutput.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Write predictions to");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("COCO results JSON", "*.json"));
            Path p = Path.of(output.getText()).toAbsolutePath();
            if (p.getParent() != null && Files.isDirectory(p.getParent()))
                fc.setInitialDirectory(p.getParent().toFile());
            fc.setInitialFileName(p.getFileName().toString());
            File f = fc.showSaveDialog(getDialogPane().getScene().getWindow());
            if (f != null) output.setText(f.getPath());
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
        g.addRow(row++, new Label("Images"), hbox(all, one));
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
            List<Long> ids = scope.getSelectedToggle() == one && current != null ? List.of(current.id()) : null;
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
}
