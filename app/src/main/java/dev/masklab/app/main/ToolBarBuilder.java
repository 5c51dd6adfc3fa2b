package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.prediction.ViewMode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The window's tool bar, built from the action table: file and run buttons, undo / redo, the tools (one toggle each,
 * always one active), draw category and brush size, navigation, zoom, the image's name and the view mode.
 */
final class ToolBarBuilder {
    private ToolBarBuilder() {}

    /** {@code pickers} receives the drop-downs (the image takes the keyboard back when one closes). */
    static ToolBar build(ActionFactory actions, MainViewModel vm, List<Node> pickers) {
        Button open = actions.button(StandardAction.OPEN_DATASET);
        Button preds = actions.button(StandardAction.LOAD_PREDICTIONS);
        Button saveButton = actions.button(StandardAction.SAVE);
        saveButton.setId("saveButton");
        Button undoButton = actions.button(StandardAction.UNDO);
        Button redoButton = actions.button(StandardAction.REDO);
        Button run = actions.button(StandardAction.RUN_MODEL);
        run.setId("runModelButton");
        Button prev = actions.button(StandardAction.PREVIOUS_IMAGE);
        Button next = actions.button(StandardAction.NEXT_IMAGE);
        Button zin = actions.button(StandardAction.ZOOM_IN);
        Button zout = actions.button(StandardAction.ZOOM_OUT);
        Button fit = actions.button(StandardAction.FIT);
        Button one = actions.button(StandardAction.ACTUAL_SIZE);
        ChoiceBox<ViewMode> mode = new ChoiceBox<>();
        mode.setId("viewMode");
        pickers.add(mode);
        mode.getItems().setAll(ViewMode.values());
        mode.valueProperty().bindBidirectional(vm.predictions().viewModeProperty());
        mode.disableProperty().bind(vm.predictions().predictionsProperty().isNull());
        javafx.scene.control.ToggleGroup tools = new javafx.scene.control.ToggleGroup();
        List<Node> toolButtons = new java.util.ArrayList<>();
        Map<ToolKind, StandardAction> toolActions = new EnumMap<>(Map.of(
                ToolKind.SELECT,
                StandardAction.ESCAPE,
                ToolKind.BOX,
                StandardAction.TOOL_BOX,
                ToolKind.POLYGON,
                StandardAction.TOOL_POLYGON,
                ToolKind.BRUSH,
                StandardAction.TOOL_BRUSH,
                ToolKind.ERASER,
                StandardAction.TOOL_ERASER,
                ToolKind.PROMPT_BOX,
                StandardAction.TOOL_PROMPT_BOX,
                ToolKind.KEYPOINT,
                StandardAction.TOOL_KEYPOINT));
        toolActions.put(ToolKind.PROMPT_POINT, StandardAction.TOOL_PROMPT_POINT);
        for (ToolKind t : ToolKind.values()) {
            StandardAction a = toolActions.get(t);
            javafx.scene.control.ToggleButton tb = new javafx.scene.control.ToggleButton(
                    null, new FontIcon(t == ToolKind.SELECT ? "mdi2c-cursor-default-outline" : a.icon()));
            tb.setId("tool" + t.name());
            tb.setTooltip(
                    new Tooltip(t == ToolKind.SELECT ? "Select and edit (" + a.keyText() + ")" : a.textWithKey()));
            tb.setToggleGroup(tools);
            tb.setUserData(t);
            tb.setFocusTraversable(false);
            tb.disableProperty().bind(vm.datasetProperty().isNull());
            toolButtons.add(tb);
        }
        Runnable syncTools = () -> tools.getToggles()
                .forEach(tg -> tg.setSelected(
                        tg.getUserData() == vm.tools().toolProperty().get()));
        vm.tools().toolProperty().addListener((o, a, b) -> syncTools.run());
        tools.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) syncTools.run(); // a toggle cannot be switched off: one tool is always active
            else vm.tools().toolProperty().set((ToolKind) b.getUserData());
        });
        syncTools.run();
        javafx.scene.control.ComboBox<dev.masklab.app.model.CategoryRow> drawCat =
                new javafx.scene.control.ComboBox<>(vm.categories().rows());
        drawCat.setId("drawCategory");
        drawCat.setTooltip(new Tooltip("Category of new boxes, polygons and brush strokes"));
        drawCat.valueProperty().bindBidirectional(vm.tools().drawCategoryProperty());
        drawCat.disableProperty().bind(vm.datasetProperty().isNull());
        drawCat.setFocusTraversable(false);
        drawCat.setPrefWidth(130);
        pickers.add(drawCat);
        Label brush = new Label();
        brush.setTooltip(new Tooltip("Brush radius in image pixels ([ and ] change it)"));
        brush.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> String.format(
                                "⌀ %.0f px",
                                2 * vm.tools().brushRadiusProperty().get()),
                        vm.tools().brushRadiusProperty()));
        brush.visibleProperty()
                .bind(vm.tools()
                        .toolProperty()
                        .isEqualTo(ToolKind.BRUSH)
                        .or(vm.tools().toolProperty().isEqualTo(ToolKind.ERASER)));
        brush.getStyleClass().add("brush-size"); // fixed width: the buttons after it stay in place
        Label title = new Label();
        title.getStyleClass().add("image-title");
        title.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            ImageEntry e = vm.navigation().getCurrentImage();
                            if (e == null) return "";
                            int i = vm.navigation().currentIndex();
                            return e.fileName()
                                    + (i >= 0
                                            ? "   " + (i + 1) + " / "
                                                    + vm.navigation()
                                                            .filteredImages()
                                                            .size()
                                            : "");
                        },
                        vm.navigation().currentImageProperty(),
                        vm.navigation().filteredImages()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        ToolBar bar =
                new ToolBar(open, saveButton, preds, run, new Separator(), undoButton, redoButton, new Separator());
        bar.getItems().addAll(toolButtons);
        bar.getItems().addAll(drawCat, brush, new Separator());
        bar.getItems()
                .addAll(
                        prev,
                        next,
                        new Separator(),
                        zin,
                        zout,
                        fit,
                        one,
                        new Separator(),
                        title,
                        gap,
                        new Label("Show"),
                        mode);
        return bar;
    }
}
