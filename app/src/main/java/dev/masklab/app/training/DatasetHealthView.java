package dev.masklab.app.training;

import dev.masklab.train.DatasetHealth;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;

/**
 * The Training tab's dataset health box (#17 part 6), filled from a {@link DatasetHealthViewModel}: a summary line,
 * the validation-set error in red, the class count against the starting weights, the categories without instances,
 * small charts (objects per image, image sizes, size classes per category, a heatmap of box centres), and the images
 * training would skip and the problems as a list whose click opens the image.
 */
public final class DatasetHealthView extends VBox {
    /** Image sizes shown in the chart (the most frequent ones). */
    static final int SIZES_SHOWN = 8;

    private static final double CELL = 16;

    private final Label summary = new Label();
    private final Label valError = new Label();
    private final Label classes = new Label();
    private final Label empty = new Label();
    private final BarChart<String, Number> objectsPerImage = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final BarChart<String, Number> imageSizes = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final StackedBarChart<String, Number> sizeClasses =
            new StackedBarChart<>(new CategoryAxis(), new NumberAxis());
    private final Canvas centres = new Canvas(CELL * DatasetHealth.GRID, CELL * DatasetHealth.GRID);
    private final ListView<DatasetHealthViewModel.Issue> issues = new ListView<>();
    private int[][] drawnCentres = new int[0][];

    /** @param openImage opens an image of the training set (by id) in the image view */
    public DatasetHealthView(DatasetHealthViewModel model, LongConsumer openImage) {
        super(4);
        setId("healthView");
        Label title = new Label("Dataset health (as masklab stats --training)");
        title.setStyle("-fx-font-weight: bold;");
        title.setWrapText(true);
        title.setId("healthTitle");
        Label status = new Label();
        status.setId("healthStatus");
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        status.visibleProperty().bind(status.textProperty().isNotEmpty());
        status.managedProperty().bind(status.visibleProperty());
        summary.setId("healthSummary");
        summary.setWrapText(true);
        valError.setId("healthValError");
        valError.getStyleClass().add("error-label");
        valError.setStyle("-fx-text-fill: #c62828;");
        valError.setWrapText(true);
        classes.setId("healthClasses");
        classes.setWrapText(true);
        empty.setId("healthEmptyCategories");
        empty.setWrapText(true);
        for (Label l : List.of(valError, empty)) l.managedProperty().bind(l.visibleProperty());

        chart(objectsPerImage, "healthObjectsPerImage", "Objects per image", "objects", "images");
        chart(imageSizes, "healthImageSizes", "Image sizes", "width x height", "images");
        chart(sizeClasses, "healthSizeClasses", "Size classes per category", "category", "instances");
        sizeClasses.setLegendVisible(true);
        sizeClasses.setPrefHeight(230); // room for the legend (small, medium, large)
        sizeClasses.setMinHeight(210);
        centres.setId("healthCentres");
        Label centresTitle = new Label(
                "Box centres (" + DatasetHealth.GRID + " x " + DatasetHealth.GRID + " grid over the image area)");

        issues.setId("healthIssues");
        issues.setItems(model.issues());
        issues.setPrefHeight(110);
        issues.setPlaceholder(new Label("No image skipped, no problem"));
        issues.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(DatasetHealthViewModel.Issue item, boolean isEmpty) {
                super.updateItem(item, isEmpty);
                setText(isEmpty || item == null ? null : item.text());
                setStyle(!isEmpty && item != null && item.error() ? "-fx-text-fill: #c62828;" : "");
            }
        });
        issues.setOnMouseClicked(e -> {
            DatasetHealthViewModel.Issue i = issues.getSelectionModel().getSelectedItem();
            if (i != null && i.imageId() != null) openImage.accept(i.imageId());
        });
        Label issuesTitle = new Label("Skipped images and problems (click: open the image)");
        issuesTitle.setId("healthIssuesTitle");
        issuesTitle.setWrapText(true);

        centresTitle.setWrapText(true);
        centresTitle.setId("healthCentresTitle");
        getChildren()
                .addAll(
                        title,
                        status,
                        summary,
                        valError,
                        classes,
                        empty,
                        objectsPerImage,
                        imageSizes,
                        sizeClasses,
                        centresTitle,
                        centres,
                        issuesTitle,
                        issues);
        model.reportProperty().addListener((o, a, b) -> show(b));
        show(model.reportProperty().get());
    }

    private static void chart(XYChart<String, Number> c, String id, String title, String x, String y) {
        c.setId(id);
        c.setTitle(title);
        c.setAnimated(false);
        c.setLegendVisible(false);
        c.setPrefHeight(170);
        c.setMinHeight(150);
        c.getXAxis().setLabel(x); // an axis without a label keeps an empty label squeezed to nothing
        c.getYAxis().setLabel(y);
        ((NumberAxis) c.getYAxis()).setMinorTickVisible(false);
        ((NumberAxis) c.getYAxis()).setTickUnit(1);
    }

    /** The objects-per-image chart (one series: objects -> images). */
    public BarChart<String, Number> objectsPerImageChart() {
        return objectsPerImage;
    }

    /** The image-size chart (one series: "WxH" -> images, the most frequent {@value #SIZES_SHOWN}). */
    public BarChart<String, Number> imageSizesChart() {
        return imageSizes;
    }

    /** The size-class chart (series small, medium, large: category -> instances). */
    public StackedBarChart<String, Number> sizeClassesChart() {
        return sizeClasses;
    }

    /** The box-centre counts the heatmap draws (rows y, columns x), empty before a check. */
    public int[][] drawnCentres() {
        return drawnCentres;
    }

    private void show(DatasetHealthViewModel.Report r) {
        boolean shown = r != null;
        for (var n : getChildren().subList(2, getChildren().size())) {
            n.setVisible(shown);
            if (!n.managedProperty().isBound()) n.setManaged(shown); // the error lines follow their visibility
        }
        objectsPerImage.getData().clear();
        imageSizes.getData().clear();
        sizeClasses.getData().clear();
        if (!shown) return;
        DatasetHealth h = r.health();
        int skipped = DatasetHealthViewModel.skipped(r).size();
        summary.setText(String.format(
                Locale.ROOT,
                "%s: %d images, %d objects; training skips %d image%s",
                r.file().getFileName(),
                h.images(),
                DatasetHealthViewModel.objects(h),
                skipped,
                skipped == 1 ? "" : "s"));
        valError.setText(r.valError());
        valError.setVisible(!r.valError().isEmpty());
        classes.setText(r.classes());
        String none = DatasetHealthViewModel.emptyCategories(h);
        empty.setText("Categories without instances: " + none);
        empty.setVisible(!none.isEmpty());

        XYChart.Series<String, Number> per = new XYChart.Series<>();
        for (Map.Entry<Integer, Integer> e : h.objectsPerImage().entrySet())
            per.getData().add(new XYChart.Data<>(Integer.toString(e.getKey()), e.getValue()));
        objectsPerImage.getData().add(per);
        XYChart.Series<String, Number> sizes = new XYChart.Series<>();
        h.imageSizes().entrySet().stream()
                .limit(SIZES_SHOWN)
                .forEach(e -> sizes.getData().add(new XYChart.Data<>(e.getKey(), e.getValue())));
        imageSizes.getData().add(sizes);
        String[] names = {"small", "medium", "large"};
        for (int s = 0; s < 3; s++) {
            XYChart.Series<String, Number> cls = new XYChart.Series<>();
            cls.setName(names[s]);
            for (DatasetHealth.CategorySizes c : h.sizeClasses()) {
                if (c.total() == 0) continue; // listed as without instances
                int n = s == 0 ? c.small() : s == 1 ? c.medium() : c.large();
                cls.getData().add(new XYChart.Data<>(c.name(), n));
            }
            sizeClasses.getData().add(cls);
        }
        drawCentres(h.centreGrid());
    }

    /** The centre grid as a heatmap: cell shade by count relative to the largest, the count written in it. */
    private void drawCentres(int[][] grid) {
        drawnCentres = grid;
        GraphicsContext g = centres.getGraphicsContext2D();
        int max = 1;
        for (int[] row : grid) for (int v : row) max = Math.max(max, v);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int y = 0; y < grid.length; y++) {
            for (int x = 0; x < grid[y].length; x++) {
                double t = grid[y][x] / (double) max;
                g.setFill(Color.rgb(255, (int) Math.round(255 - 175 * t), (int) Math.round(255 - 230 * t)));
                g.fillRect(x * CELL, y * CELL, CELL, CELL);
                g.setStroke(Color.gray(0.8));
                g.strokeRect(x * CELL + 0.5, y * CELL + 0.5, CELL - 1, CELL - 1);
                if (grid[y][x] > 0) {
                    g.setFill(Color.BLACK);
                    g.fillText(Integer.toString(grid[y][x]), x * CELL + CELL / 2, y * CELL + CELL / 2);
                }
            }
        }
    }
}
