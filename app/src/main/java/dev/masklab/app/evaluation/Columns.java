package dev.masklab.app.evaluation;

import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;

/** The table columns of the Evaluation and Comparison pages: a value per row, and COCO scores as pycocotools prints them. */
final class Columns {
    private Columns() {}

    static <S, T> TableColumn<S, T> column(String title, Function<S, T> value, double width) {
        TableColumn<S, T> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** A score column: three decimals, "-" for -1 (nothing to score). */
    static <S> TableColumn<S, Double> score(String title, Function<S, Double> value, double width) {
        TableColumn<S, Double> c = column(title, value, width);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : v < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v));
            }
        });
        return c;
    }
}
