package dev.masklab.app.inspector;

import dev.masklab.app.evaluation.ErrorOverlay;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Fields of the selected instance, and its corrections: a prediction is accepted or rejected, an annotation gets
 * another category, is marked as a crowd region (the iscrowd check box) or is deleted (all undoable, Edit menu).
 */
public final class InspectorView extends VBox {
    private final TableView<InstanceDetails.Row> table = new TableView<>();
    private final ComboBox<CategoryRow> category = new ComboBox<>();
    private final Button accept = new Button("Accept", new FontIcon("mdi2c-check"));
    private final Button remove = new Button("Delete", new FontIcon("mdi2d-delete-outline"));
    private final CheckBox crowd = new CheckBox("crowd");
    private boolean updating;
    private final MainViewModel vm;
    /** The evaluation-errors mode (null: not wired): its rows follow the instance's fields. */
    private ErrorOverlay errors;

    public InspectorView(MainViewModel vm) {
        this.vm = vm;
        setSpacing(6);
        table.setId("inspector");
        TableColumn<InstanceDetails.Row, String> f = new TableColumn<>("Field");
        f.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().field()));
        f.setPrefWidth(100);
        TableColumn<InstanceDetails.Row, String> v = new TableColumn<>("Value");
        v.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().value()));
        v.setPrefWidth(190);
        table.getColumns().setAll(java.util.List.of(f, v));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Click an instance to inspect it"));
        VBox.setVgrow(table, Priority.ALWAYS);

        category.setId("inspectorCategory");
        category.setItems(vm.categories().rows());
        category.setMaxWidth(Double.MAX_VALUE);
        category.setTooltip(new Tooltip("Category of the selected annotation"));
        HBox.setHgrow(category, Priority.ALWAYS);
        category.valueProperty().addListener((o, a, b) -> {
            if (!updating && b != null) vm.edits().setSelectedCategory(b.id());
        });
        // review buttons never take the keyboard (Enter and Delete are the image's keys) and keep their text
        for (Button b : new Button[] {accept, remove}) {
            b.setFocusTraversable(false);
            b.getStyleClass().add("inspector-action");
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        accept.setId("acceptPrediction");
        accept.setTooltip(new Tooltip("Accept the prediction as an annotation (Enter)"));
        accept.setOnAction(e -> vm.review().acceptSelected());
        remove.setId("deleteSelected");
        remove.setOnAction(e -> vm.edits().deleteSelected());
        crowd.setId("inspectorCrowd");
        crowd.setFocusTraversable(false);
        crowd.setMinWidth(Region.USE_PREF_SIZE);
        crowd.setTooltip(new Tooltip("iscrowd: the annotation is a crowd region, stored as RLE (C)"));
        crowd.selectedProperty().addListener((o, a, b) -> {
            Instance s = vm.selection().selectedProperty().get();
            if (!updating && s != null && s.crowd() != b) vm.edits().toggleSelectedCrowd();
        });
        HBox actions = new HBox(6, category, crowd, accept, remove);
        actions.setAlignment(Pos.CENTER_LEFT);

        vm.selection().selectedProperty().addListener((o, a, b) -> show(vm, b));
        show(vm, vm.selection().selectedProperty().get());
        getChildren().addAll(actions, table);
    }

    /** Adds the selected instance's outcome, match and IoU while the errors mode shows its image's errors. */
    public void setErrors(ErrorOverlay overlay) {
        errors = overlay;
        overlay.errorsProperty()
                .addListener(o -> show(vm, vm.selection().selectedProperty().get()));
        show(vm, vm.selection().selectedProperty().get());
    }

    private void show(MainViewModel vm, Instance inst) {
        table.getItems().setAll(InstanceDetails.rows(inst, vm));
        if (errors != null) table.getItems().addAll(ErrorDetails.rows(inst, errors.errors()));
        updating = true;
        try {
            category.setValue(inst == null ? null : vm.categories().category(inst.categoryId()));
            crowd.setSelected(inst != null && inst.crowd());
        } finally {
            updating = false;
        }
        boolean prediction = inst != null && inst.prediction();
        category.setDisable(inst == null || prediction);
        crowd.setDisable(inst == null || prediction);
        accept.setVisible(prediction);
        accept.setManaged(prediction);
        remove.setDisable(inst == null);
        remove.setText(prediction ? "Reject" : "Delete");
        remove.setTooltip(
                new Tooltip(prediction ? "Reject the prediction (Delete)" : "Delete the annotation (Delete)"));
    }

    public TableView<InstanceDetails.Row> table() {
        return table;
    }

    public ComboBox<CategoryRow> categoryBox() {
        return category;
    }

    public CheckBox crowdBox() {
        return crowd;
    }
}
