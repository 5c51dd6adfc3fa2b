package dev.masklab.app.inspector;

import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;

/** Categories with their color, instance counts (ground truth / predictions) and a visibility toggle each. */
public final class CategoriesView extends VBox {
    private final ListView<CategoryRow> list;

    public CategoriesView(MainViewModel vm) {
        setSpacing(6);
        getStyleClass().add("categories");
        list = new ListView<>(vm.categories().rows());
        list.setId("categoryList");
        list.setCellFactory(l -> new Cell());
        VBox.setVgrow(list, Priority.ALWAYS);
        Button all = new Button("Show all");
        all.setOnAction(
                e -> vm.categories().rows().forEach(r -> r.visibleProperty().set(true)));
        Button none = new Button("Hide all");
        none.setOnAction(
                e -> vm.categories().rows().forEach(r -> r.visibleProperty().set(false)));
        getChildren().addAll(list, new HBox(6, all, none));
    }

    public ListView<CategoryRow> list() {
        return list;
    }

    private static final class Cell extends ListCell<CategoryRow> {
        private final CheckBox visible = new CheckBox();
        private final Rectangle swatch = new Rectangle(14, 14);
        private final Label name = new Label();
        private final Label count = new Label();
        private final HBox box;
        private CategoryRow bound;

        Cell() {
            Region gap = new Region();
            HBox.setHgrow(gap, Priority.ALWAYS);
            swatch.setArcWidth(4);
            swatch.setArcHeight(4);
            count.getStyleClass().add("count-label");
            box = new HBox(8, visible, swatch, name, gap, count);
            box.setAlignment(Pos.CENTER_LEFT);
        }

        @Override
        protected void updateItem(CategoryRow item, boolean empty) {
            super.updateItem(item, empty);
            if (bound != null) {
                visible.selectedProperty().unbindBidirectional(bound.visibleProperty());
                count.textProperty().unbind();
                bound = null;
            }
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            bound = item;
            visible.setId("visible-" + item.id());
            visible.selectedProperty().bindBidirectional(item.visibleProperty());
            swatch.setFill(ColorPalette.toColor(item.rgb()));
            name.setText(item.name());
            count.textProperty()
                    .bind(Bindings.createStringBinding(
                            () -> item.predictionCountProperty().get() > 0
                                    ? item.count() + " / "
                                            + item.predictionCountProperty().get() + " pred"
                                    : Integer.toString(item.count()),
                            item.predictionCountProperty(),
                            item.countProperty()));
            setGraphic(box);
        }
    }
}
