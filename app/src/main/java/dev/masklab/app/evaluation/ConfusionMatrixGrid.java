package dev.masklab.app.evaluation;

import dev.masklab.eval.ConfusionMatrix;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;

/**
 * A {@link ConfusionMatrix} as a grid: rows the ground-truth category, columns the detected category, the last of each
 * "background"; each cell a button with its count whose click opens the first image of the cell with that item selected
 * (nothing for an empty cell). Scrolls when there are many categories.
 */
public final class ConfusionMatrixGrid extends ScrollPane {
    private final GridPane grid = new GridPane();
    private final ImageOpener openImage;

    /** @param openImage opens an image with its errors, the cell's item selected */
    public ConfusionMatrixGrid(ImageOpener openImage) {
        this.openImage = openImage;
        grid.setHgap(2);
        grid.setVgap(2);
        grid.setPadding(new Insets(6));
        setContent(grid);
        setFitToWidth(false);
        show(null);
    }

    /** Shows {@code m} (null: a line saying there is none). */
    public void show(ConfusionMatrix m) {
        grid.getChildren().clear();
        if (m == null) {
            grid.add(new Label("No evaluation yet"), 0, 0);
            return;
        }
        String[] names = m.categoryNames();
        int n = m.background() + 1;
        grid.add(new Label("ground truth \\ detected"), 0, 0);
        for (int c = 0; c < n; c++) grid.add(new Label(c == m.background() ? "background" : names[c]), c + 1, 0);
        for (int r = 0; r < n; r++) {
            grid.add(new Label(r == m.background() ? "background" : names[r]), 0, r + 1);
            for (int c = 0; c < n; c++) {
                if (r == m.background() && c == m.background()) continue;
                Button cell = new Button(Long.toString(m.count(r, c)));
                cell.setId("confusion-" + r + "-" + c);
                cell.setMinWidth(56);
                cell.setFocusTraversable(false);
                cell.getStyleClass().add(r == c ? "confusion-diagonal" : "confusion-off-diagonal");
                List<ConfusionMatrix.Entry> items = m.entries(r, c);
                cell.setDisable(items.isEmpty());
                cell.setTooltip(
                        new Tooltip(items.isEmpty() ? "" : "Open the first image of this cell, its item selected"));
                cell.setOnAction(e -> {
                    if (items.isEmpty()) return;
                    ConfusionMatrix.Entry first = items.getFirst();
                    openImage.open(first.imageId(), first.dtId(), first.gtId());
                });
                grid.add(cell, c + 1, r + 1);
            }
        }
    }
}
