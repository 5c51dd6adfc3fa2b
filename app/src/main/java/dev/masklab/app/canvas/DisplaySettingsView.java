package dev.masklab.app.canvas;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.PredictionSet;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The display panel: which layers are drawn, mask opacity, color mode, the predictions' minimum score and how many
 * predictions pass it.
 */
public final class DisplaySettingsView extends GridPane {
    private final Slider threshold = new Slider(0, 1, 0.5);
    private final Slider opacity = new Slider(0, 1, 0.5);
    private final ChoiceBox<LayerSettings.ColorMode> colors = new ChoiceBox<>();
    private final HBox secondRow = new HBox(10);

    public DisplaySettingsView(MainViewModel vm) {
        LayerSettings ls = vm.layers();
        getStyleClass().add("display-settings");
        setHgap(8);
        setVgap(6);
        setPadding(new Insets(8));
        int r = 0;
        Label title = new Label("Display");
        title.getStyleClass().add("panel-title");
        add(title, 0, r++, 2, 1);
        add(
                new HBox(
                        10,
                        checkBox("Masks", ls.masksProperty(), "layerMasks"),
                        checkBox("Outlines", ls.outlinesProperty(), "layerOutlines"),
                        checkBox("Boxes", ls.boxesProperty(), "layerBoxes")),
                0,
                r++,
                2,
                1);
        secondRow
                .getChildren()
                .addAll(
                        checkBox("Labels", ls.labelsProperty(), "layerLabels"),
                        checkBox("Keypoints", ls.keypointsProperty(), "layerKeypoints"));
        add(secondRow, 0, r++, 2, 1);
        opacity.setId("opacity");
        opacity.valueProperty().bindBidirectional(ls.opacityProperty());
        add(rowLabel("Opacity"), 0, r);
        add(withValue(opacity, "%.0f%%", 100), 1, r++);
        Slider keypointMin =
                new Slider(-5, 15, ls.keypointScoreThresholdProperty().get());
        keypointMin.setId("keypointScoreThreshold");
        keypointMin.valueProperty().bindBidirectional(ls.keypointScoreThresholdProperty());
        keypointMin.setTooltip(new javafx.scene.control.Tooltip(
                "Predicted keypoints scoring below this (heatmap logit) are hidden, and unlabelled when accepted"));
        add(rowLabel("Min keypoint score"), 0, r);
        add(withValue(keypointMin, "%.1f", 1), 1, r++);
        colors.setId("colorMode");
        colors.getItems().setAll(LayerSettings.ColorMode.values());
        colors.valueProperty().bindBidirectional(ls.colorModeProperty());
        add(rowLabel("Colors"), 0, r);
        add(colors, 1, r++);
        threshold.setId("threshold");
        threshold.valueProperty().bindBidirectional(vm.predictions().scoreThresholdProperty());
        threshold.disableProperty().bind(vm.predictions().predictionsProperty().isNull());
        add(rowLabel("Min score"), 0, r);
        add(withValue(threshold, "%.2f", 1), 1, r++);
        Label predCount = new Label();
        predCount.setId("predictionCount");
        predCount.getStyleClass().add("count-label");
        predCount
                .textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            PredictionSet ps = vm.predictions().get();
                            if (ps == null) return "No predictions loaded";
                            return vm.shown().shownPredictionsProperty().get().size() + " on this image, "
                                    + vm.predictions()
                                            .predictionsAboveThresholdProperty()
                                            .get() + " of " + ps.total()
                                    + " in the dataset";
                        },
                        vm.predictions().predictionsProperty(),
                        vm.shown().shownPredictionsProperty(),
                        vm.predictions().predictionsAboveThresholdProperty()));
        add(predCount, 0, r++, 2, 1);
        GridPane.setHgrow(opacity, Priority.ALWAYS);
    }

    /** The opacity and minimum-score sliders (the image takes the keyboard back when one is released). */
    public Slider[] sliders() {
        return new Slider[] {opacity, threshold};
    }

    /** The color mode drop-down (the image takes the keyboard back when it closes). */
    public ChoiceBox<LayerSettings.ColorMode> colorPicker() {
        return colors;
    }

    /** A row's name, never shortened: the column takes its width and the slider beside it gives way. */
    private static Label rowLabel(String text) {
        Label l = new Label(text);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    /** A layer toggle another feature owns (the evaluation's Errors), after Labels and Keypoints. */
    public void addLayerToggle(CheckBox toggle) {
        secondRow.getChildren().add(toggle);
    }

    private static CheckBox checkBox(String text, BooleanProperty p, String id) {
        CheckBox cb = new CheckBox(text);
        cb.setId(id);
        cb.selectedProperty().bindBidirectional(p);
        return cb;
    }

    private static Node withValue(Slider s, String fmt, double mul) {
        Label v = new Label();
        v.setMinWidth(42);
        v.textProperty()
                .bind(Bindings.createStringBinding(() -> String.format(fmt, s.getValue() * mul), s.valueProperty()));
        HBox.setHgrow(s, Priority.ALWAYS);
        HBox box = new HBox(6, s, v);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }
}
