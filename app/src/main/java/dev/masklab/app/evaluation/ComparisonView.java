package dev.masklab.app.evaluation;

import dev.masklab.app.task.TaskExecutor;
import dev.masklab.eval.ResultsComparison;
import java.util.Locale;
import java.util.function.Function;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The comparison of the loaded predictions (A) with another results file (B): the sortable per-category table
 * A | B | B - A (AP, AP50, AP75), the images by disagreement (per-image AP of both, tp / fp / fn at IoU .50), and the
 * chosen image side by side ({@link SideBySideView}).
 */
public final class ComparisonView extends BorderPane {
    private final TableView<ResultsComparison.CategoryComparison> categories = new TableView<>();
    private final TableView<ResultsComparison.ImageComparison> images = new TableView<>();
    private final SideBySideView sideBySide;

    public ComparisonView(ComparisonViewModel model, TaskExecutor tasks) {
        setId("comparisonView");
        Label status = new Label();
        status.setId("comparisonStatus");
        status.textProperty().bind(model.statusProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelComparison");
        cancel.disableProperty().bind(model.runningProperty().not());
        cancel.setOnAction(e -> model.cancel());
        HBox top = new HBox(8, status, cancel);
        top.setPadding(new Insets(6, 8, 6, 8));
        setTop(top);

        categories.setId("comparisonCategories");
        categories.setItems(model.categories());
        categories.getColumns().add(Columns.column("Category", ResultsComparison.CategoryComparison::name, 130));
        categories.getColumns().add(score("AP A", c -> c.a().ap()));
        categories.getColumns().add(score("AP B", c -> c.b().ap()));
        categories.getColumns().add(delta("ΔAP", ResultsComparison.CategoryComparison::apDelta));
        categories.getColumns().add(score("AP50 A", c -> c.a().ap50()));
        categories.getColumns().add(score("AP50 B", c -> c.b().ap50()));
        categories.getColumns().add(delta("ΔAP50", ResultsComparison.CategoryComparison::ap50Delta));
        categories.getColumns().add(score("AP75 A", c -> c.a().ap75()));
        categories.getColumns().add(score("AP75 B", c -> c.b().ap75()));
        categories.getColumns().add(delta("ΔAP75", ResultsComparison.CategoryComparison::ap75Delta));
        categories.setPlaceholder(new Label("Evaluation > Compare with… a second results file"));

        images.setId("comparisonImages");
        images.setItems(model.images());
        images.getColumns().add(Columns.column("Image", i -> model.fileName(i.imageId()), 160));
        images.getColumns().add(score("AP A", ResultsComparison.ImageComparison::apA));
        images.getColumns().add(score("AP B", ResultsComparison.ImageComparison::apB));
        images.getColumns().add(delta("ΔAP", i -> i.apA() < 0 ? Double.NaN : i.apDelta()));
        images.getColumns()
                .add(Columns.column("A tp/fp/fn", i -> i.a().tp() + "/" + i.a().fp() + "/" + i.a().fn(), 80));
        images.getColumns()
                .add(Columns.column("B tp/fp/fn", i -> i.b().tp() + "/" + i.b().fp() + "/" + i.b().fn(), 80));
        images.setPlaceholder(new Label("No comparison yet"));
        images.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) model.selectedImageProperty().set(b.imageId());
        });
        model.selectedImageProperty().addListener((o, a, b) -> {
            if (b == null) images.getSelectionModel().clearSelection();
        });
        VBox.setVgrow(images, Priority.ALWAYS);
        VBox imageBox = new VBox(4, new Label("Images, most disagreement first (AP; tp/fp/fn at IoU 0.50)"), images);
        VBox.setVgrow(categories, Priority.ALWAYS);
        VBox catBox = new VBox(4, new Label("Per category: A | B | B - A"), categories);
        SplitPane tables = new SplitPane(catBox, imageBox);
        tables.setDividerPositions(0.55);

        sideBySide = new SideBySideView(model, tasks);
        SplitPane split = new SplitPane(tables, sideBySide);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.42);
        split.setPadding(new Insets(0, 8, 8, 8));
        setCenter(split);
    }

    public SideBySideView sideBySide() {
        return sideBySide;
    }

    public TableView<ResultsComparison.ImageComparison> imagesTable() {
        return images;
    }

    /** A score: three decimals, "-" for -1 (nothing to score). */
    private static <S> TableColumn<S, Double> score(String title, Function<S, Double> value) {
        return Columns.score(title, value, 62);
    }

    /** A difference B - A: signed, three decimals, "-" for NaN (nothing to score); red below 0, green above. */
    private static <S> TableColumn<S, Double> delta(String title, Function<S, Double> value) {
        TableColumn<S, Double> c = Columns.column(title, value, 62);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                if (empty || v == null) {
                    setText(null);
                    setStyle("");
                    return;
                }
                setText(v.isNaN() ? "-" : String.format(Locale.ROOT, "%+.3f", v));
                setStyle(v.isNaN() || v == 0 ? "" : v > 0 ? "-fx-text-fill: #2e7d32;" : "-fx-text-fill: #c62828;");
            }
        });
        return c;
    }
}
