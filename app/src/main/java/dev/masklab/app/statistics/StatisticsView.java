package dev.masklab.app.statistics;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.SizeClass;
import javafx.geometry.Insets;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Instances per category and per COCO size class, images without annotations. */
public final class StatisticsView extends VBox {
    private final BarChart<String, Number> perCategory = chart("Instances per category", "category");
    private final BarChart<String, Number> sizes = chart("Instance sizes", "area (COCO classes)");
    private final Label summary = new Label();

    public StatisticsView(MainViewModel vm) {
        setSpacing(8);
        setPadding(new Insets(10));
        getStyleClass().add("statistics");
        summary.setId("statsSummary");
        summary.getStyleClass().add("stats-summary");
        HBox charts = new HBox(10, perCategory, sizes);
        HBox.setHgrow(perCategory, Priority.ALWAYS);
        sizes.setPrefWidth(320);
        VBox.setVgrow(charts, Priority.ALWAYS);
        getChildren().addAll(summary, charts);
        // the image list changes when a dataset opens and when an edit replaces an image's annotations
        vm.navigation().images().addListener((javafx.collections.ListChangeListener<dev.masklab.app.model.ImageEntry>)
                c -> refresh(vm));
        // and the categories when one is added, renamed, merged or deleted
        vm.categories().rows().addListener((javafx.collections.ListChangeListener<dev.masklab.app.model.CategoryRow>)
                c -> refresh(vm));
        refresh(vm);
    }

    private void refresh(MainViewModel vm) {
        var ds = vm.getDataset();
        update(
                ds == null
                        ? null
                        : StatisticsViewModel.of(
                                vm.navigation().images(),
                                vm.categories().rows().stream()
                                        .map(dev.masklab.app.model.CategoryRow::info)
                                        .toList()));
    }

    private static BarChart<String, Number> chart(String title, String x) {
        CategoryAxis xa = new CategoryAxis();
        xa.setLabel(x);
        NumberAxis ya = new NumberAxis();
        ya.setLabel("instances");
        ya.setMinorTickVisible(false);
        ya.setTickLabelFormatter(
                new javafx.util.StringConverter<>() { // counts: integer ticks only
                    @Override
                    public String toString(Number n) {
                        return n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue()) : "";
                    }

                    @Override
                    public Number fromString(String s) {
                        return Double.parseDouble(s);
                    }
                });
        BarChart<String, Number> c = new BarChart<>(xa, ya);
        c.setTitle(title);
        c.setLegendVisible(false);
        c.setAnimated(false);
        return c;
    }

    public BarChart<String, Number> perCategoryChart() {
        return perCategory;
    }

    public BarChart<String, Number> sizesChart() {
        return sizes;
    }

    private void update(StatisticsViewModel s) {
        perCategory.getData().clear();
        sizes.getData().clear();
        if (s == null) {
            summary.setText("No dataset open");
            return;
        }
        summary.setText(String.format(
                "%d images, %d instances (%d crowd), %d images without annotations",
                s.images(), s.instances(), s.crowd(), s.imagesWithoutAnnotations()));
        XYChart.Series<String, Number> a = new XYChart.Series<>();
        for (StatisticsViewModel.CategoryCount c : s.perCategory())
            a.getData().add(new XYChart.Data<>(c.name(), c.count()));
        perCategory.getData().add(a);
        XYChart.Series<String, Number> b = new XYChart.Series<>();
        for (SizeClass sc : SizeClass.values())
            b.getData()
                    .add(new XYChart.Data<>(
                            switch (sc) {
                                case SMALL -> "small (< 32²)";
                                case MEDIUM -> "medium (< 96²)";
                                case LARGE -> "large";
                            },
                            s.sizes().get(sc)));
        sizes.getData().add(b);
    }
}
