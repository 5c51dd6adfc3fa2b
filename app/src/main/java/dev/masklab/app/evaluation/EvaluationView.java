package dev.masklab.app.evaluation;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.eval.CategoryEval;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.IouType;
import java.util.function.Function;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Point2D;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Evaluation tab: IoU type, Evaluate / Cancel and the status line on top; the COCO summary and the sortable
 * per-category table on the left; the precision/recall curve (category and IoU selectors) and the images sorted by
 * their errors on the right. A double-click on an image row, a click on a confusion-matrix cell or on the curve opens
 * the image with its errors through an {@link ImageOpener}. Everything it shows comes from
 * its {@link EvaluationViewModel}.
 */
public final class EvaluationView extends BorderPane {

    /** The precision/recall chart's category choice: every category (the summary's mean) or one by index. */
    private record CurveCategory(int index, String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final EvaluationViewModel model;
    private final TableView<EvaluationViewModel.SummaryRow> summary = new TableView<>();
    private final TableView<CategoryEval> categories = new TableView<>();
    private final TableView<EvaluationViewModel.ImageRow> images = new TableView<>();
    private final LineChart<Number, Number> curve;
    private final ComboBox<CurveCategory> curveCategory = new ComboBox<>();
    private final ComboBox<EvaluationViewModel.CurveIou> curveIou =
            new ComboBox<>(FXCollections.observableArrayList(EvaluationViewModel.CurveIou.values()));

    private final ComparisonView comparison;
    private final Tab compareTab;
    private final TabPane pages;

    /**
     * @param openImage opens an image in the Image tab with its errors
     * @param dialogs   asks for the results file of "Compare with…"
     * @param tasks     runs the side-by-side view's image loading
     */
    public EvaluationView(EvaluationViewModel model, ImageOpener openImage, DialogService dialogs, TaskExecutor tasks) {
        this.model = model;
        getStyleClass().add("evaluation-view");

        ComboBox<IouType> type = new ComboBox<>(model.iouTypes());
        type.setId("evaluationIouType");
        type.valueProperty().bindBidirectional(model.iouTypeProperty());
        type.disableProperty().bind(model.runningProperty());
        Button evaluate = new Button("Evaluate");
        evaluate.setId("evaluateButton");
        evaluate.disableProperty().bind(model.hasDataProperty().not().or(model.runningProperty()));
        evaluate.setOnAction(e -> model.evaluate());
        Button cancel = new Button("Cancel");
        cancel.disableProperty().bind(model.runningProperty().not());
        cancel.setOnAction(e -> model.cancel());
        Label status = new Label();
        status.setId("evaluationStatus");
        status.textProperty().bind(model.statusProperty());
        Label lastEdit = new Label();
        lastEdit.setId("evaluationLastEdit");
        lastEdit.textProperty().bind(model.lastEditProperty());
        Button compare = new Button("Compare with…");
        compare.setId("compareButton");
        compare.setTooltip(new javafx.scene.control.Tooltip(
                "Compare the loaded predictions with a second results file (another model on the same images)"));
        compare.disableProperty()
                .bind(model.hasDataProperty()
                        .not()
                        .or(model.runningProperty())
                        .or(model.comparison().runningProperty()));
        compare.setOnAction(e -> compareWith(dialogs));
        setTop(new ToolBar(new Label("IoU type"), type, evaluate, cancel, compare, status, lastEdit));

        summary.setId("evaluationSummary");
        summary.setItems(model.summary());
        summary.getColumns().add(Columns.column("Metric", r -> r.name(), 420));
        TableColumn<EvaluationViewModel.SummaryRow, Double> value =
                numberColumn("Value", EvaluationViewModel.SummaryRow::value);
        value.setMaxWidth(80); // the metric's text takes the width
        summary.getColumns().add(value);
        summary.getColumns().forEach(c -> c.setSortable(false));
        summary.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        summary.setFixedCellSize(24);
        // every line shows (12, the header and a margin); the per-category table takes what is left
        summary.setPrefHeight(24 * 12 + 40);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        summary.setPlaceholder(new Label("No evaluation yet"));

        categories.setId("evaluationCategories");
        categories.setItems(model.categories());
        categories.getColumns().add(Columns.column("Category", CategoryEval::name, 140));
        categories.getColumns().add(numberColumn("AP", CategoryEval::ap));
        categories.getColumns().add(numberColumn("AP50", CategoryEval::ap50));
        categories.getColumns().add(numberColumn("AP75", CategoryEval::ap75));
        categories.getColumns().add(numberColumn("APs", CategoryEval::apSmall));
        categories.getColumns().add(numberColumn("APm", CategoryEval::apMedium));
        categories.getColumns().add(numberColumn("APl", CategoryEval::apLarge));
        categories.getColumns().add(numberColumn("AR", CategoryEval::ar));
        categories.getColumns().add(Columns.column("GT", CategoryEval::gtCount, 60));
        categories.getColumns().add(Columns.column("Dets", CategoryEval::dtCount, 60));
        categories.setPlaceholder(new Label("No evaluation yet"));
        ConfusionMatrixGrid confusion = new ConfusionMatrixGrid(openImage);
        confusion.setId("confusionMatrix");
        model.confusionProperty().addListener((o, a, b) -> confusion.show(b));
        ComboBox<Double> confusionIou = new ComboBox<>(FXCollections.observableArrayList(.5, .75));
        confusionIou.valueProperty().bindBidirectional(model.confusionIouProperty());
        VBox.setVgrow(confusion, Priority.ALWAYS);
        VBox confusionPane = new VBox(6, new HBox(6, new Label("IoU (at the next Evaluate)"), confusionIou), confusion);
        confusionPane.setPadding(new Insets(6));
        Tab perCategory = new Tab("Per category", categories);
        Tab matrix = new Tab("Confusion matrix", confusionPane);
        matrix.setId("confusionTab");
        TabPane details = new TabPane(perCategory, matrix);
        details.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(details, Priority.ALWAYS);
        VBox left = new VBox(6, new Label("Summary (pycocotools)"), summary, details);
        left.setPadding(new Insets(8));

        NumberAxis recall = new NumberAxis("Recall", 0, 1, 0.1);
        NumberAxis precision = new NumberAxis("Precision", 0, 1, 0.1);
        curve = new LineChart<>(recall, precision);
        curve.setId("evaluationCurve");
        curve.setCreateSymbols(false);
        curve.setAnimated(false);
        curve.setLegendVisible(false);
        // the hint is in the title: a tooltip popping up over the image list below would take its clicks
        curve.setTitle("Precision / recall (a click opens the detection reaching that recall)");
        // a click on the curve opens the image of the detection behind that recall (CurvePoint)
        curve.setOnMouseClicked(e -> {
            CurveCategory c = curveCategory.getValue();
            if (c == null || curveIou.getValue() == null) return;
            Point2D p = recall.sceneToLocal(e.getSceneX(), e.getSceneY());
            double py = precision.sceneToLocal(e.getSceneX(), e.getSceneY()).getY();
            if (py < 0 || py > precision.getHeight()) return; // the title or the axis labels, not the plot
            double r = recall.getValueForDisplay(p.getX()).doubleValue();
            if (r < -0.005 || r > 1.005) return;
            CurvePoint hit = model.curvePoint(c.index(), curveIou.getValue(), r);
            if (hit != null) openImage.open(hit.imageId(), hit.dtId(), null);
        });
        curveCategory.setId("curveCategory");
        curveIou.setId("curveIou");
        curveIou.setValue(EvaluationViewModel.CurveIou.IOU_50);
        curveCategory.valueProperty().addListener((o, a, b) -> showCurve());
        curveIou.valueProperty().addListener((o, a, b) -> showCurve());
        model.resultProperty().addListener((o, a, b) -> resultChanged(b));
        HBox curveBar = new HBox(6, new Label("Category"), curveCategory, new Label("IoU"), curveIou);

        ComboBox<EvaluationViewModel.ImageOrder> order =
                new ComboBox<>(FXCollections.observableArrayList(EvaluationViewModel.ImageOrder.values()));
        order.setId("imageOrder");
        order.valueProperty().bindBidirectional(model.imageOrderProperty());
        images.setId("evaluationImages");
        images.setItems(model.images());
        images.getColumns().add(Columns.column("Image", EvaluationViewModel.ImageRow::fileName, 200));
        images.getColumns().add(Columns.column("TP", EvaluationViewModel.ImageRow::tp, 50));
        images.getColumns().add(Columns.column("FP", EvaluationViewModel.ImageRow::fp, 50));
        images.getColumns().add(Columns.column("FN", EvaluationViewModel.ImageRow::fn, 50));
        images.getColumns().add(numberColumn("AP", EvaluationViewModel.ImageRow::ap));
        images.setPlaceholder(new Label("No evaluation yet"));
        images.setRowFactory(t -> {
            TableRow<EvaluationViewModel.ImageRow> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty())
                    openImage.open(row.getItem().imageId(), null, null);
            });
            return row;
        });
        images.setOnKeyPressed(
                e -> { // Enter does what a double-click does, for the keyboard
                    EvaluationViewModel.ImageRow sel =
                            images.getSelectionModel().getSelectedItem();
                    if (e.getCode() == KeyCode.ENTER && sel != null) {
                        openImage.open(sel.imageId(), null, null);
                        e.consume();
                    }
                });
        VBox.setVgrow(images, Priority.ALWAYS);
        VBox right = new VBox(6, curveBar, curve, new HBox(6, imagesTitle(), order), images);
        right.setPadding(new Insets(8));

        SplitPane split = new SplitPane(left, right);
        split.setDividerPositions(0.56);
        comparison = new ComparisonView(model.comparison(), tasks);
        Tab evaluationTab = new Tab("Evaluation", split);
        compareTab = new Tab("Comparison", comparison);
        compareTab.setId("compareTab");
        pages = new TabPane(evaluationTab, compareTab);
        pages.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        pages.setSide(javafx.geometry.Side.BOTTOM);
        setCenter(pages);
    }

    /** "Compare with…": a results file to compare the loaded predictions with, at the chosen IoU type. */
    private void compareWith(DialogService dialogs) {
        dialogs.chooseFileToOpen(
                        "Compare with results file", null, new DialogService.FileType("COCO results JSON", "*.json"))
                .ifPresent(file -> {
                    if (model.comparison().compare(file, model.iouTypeProperty().get()) != null)
                        pages.getSelectionModel().select(compareTab);
                });
    }

    /** The comparison page (tables and the side-by-side view). */
    public ComparisonView comparisonView() {
        return comparison;
    }

    /** Shows the comparison page (true) or the evaluation page. */
    public void showComparison(boolean show) {
        pages.getSelectionModel().select(show ? 1 : 0);
    }

    public EvaluationViewModel model() {
        return model;
    }

    /** The precision/recall chart (one series of 101 points once evaluated). */
    public LineChart<Number, Number> curve() {
        return curve;
    }

    private void resultChanged(EvalResult r) {
        ObservableList<CurveCategory> choices = FXCollections.observableArrayList();
        if (r != null) {
            choices.add(new CurveCategory(EvalResult.ALL_CATEGORIES, "All categories"));
            for (int k = 0; k < r.perCategory().size(); k++)
                choices.add(new CurveCategory(k, r.perCategory().get(k).name()));
        }
        CurveCategory was = curveCategory.getValue();
        curveCategory.setItems(choices);
        curveCategory.setValue(choices.stream()
                .filter(c -> was != null && c.index() == was.index())
                .findFirst()
                .orElse(choices.isEmpty() ? null : choices.getFirst()));
        showCurve();
    }

    private void showCurve() {
        curve.getData().clear();
        CurveCategory c = curveCategory.getValue();
        if (c == null || curveIou.getValue() == null) return;
        double[] p = model.curve(c.index(), curveIou.getValue());
        double[] rec = model.recallThresholds();
        XYChart.Series<Number, Number> s = new XYChart.Series<>();
        s.setName(c.name() + ", " + curveIou.getValue());
        for (int i = 0; i < p.length && i < rec.length; i++) {
            if (p[i] >= 0) s.getData().add(new XYChart.Data<>(rec[i], p[i]));
        }
        curve.getData().add(s);
    }

    /** A score column: three decimals as pycocotools prints them, "-" for -1 (nothing to score). */
    private static <S> TableColumn<S, Double> numberColumn(String title, Function<S, Double> value) {
        return Columns.score(title, value, 64);
    }

    /** The image list's title; how to see an image's errors is its tooltip (the full sentence cut the title). */
    private static Label imagesTitle() {
        Label l = new Label("Images (errors at IoU 0.50)");
        l.setTooltip(new javafx.scene.control.Tooltip(
                "Double-click an image (or press Enter) to see its true and false positives and misses on the image"));
        return l;
    }
}
