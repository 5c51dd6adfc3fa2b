package dev.masklab.app.view;

import dev.masklab.app.viewmodel.InstanceDetails;
import dev.masklab.app.viewmodel.MainViewModel;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Fields of the selected instance. */
public final class InspectorView extends VBox {
    private final TableView<InstanceDetails.Row> table = new TableView<>();

    public InspectorView(MainViewModel vm) {
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
        vm.selectedProperty().addListener((o, a, b) -> table.getItems().setAll(InstanceDetails.rows(b, vm)));
        getChildren().add(table);
    }

    public TableView<InstanceDetails.Row> table() {
        return table;
    }
}
