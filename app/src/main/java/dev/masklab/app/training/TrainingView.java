package dev.masklab.app.training;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.task.DaemonThreads;
import dev.masklab.app.task.FxTaskExecutor;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.app.training.TrainingService.Settings;
import dev.masklab.app.training.TrainingViewModel.Evaluation;
import dev.masklab.model.Architecture;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingJob;
import dev.masklab.train.TrainingListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The training tab: the settings of {@code masklab train} (training and validation sets, architecture, starting
 * weights or from scratch, run folder, preset, iterations, batch, learning rate, size, trainable stages, clipping,
 * evaluation and checkpoint periods, resume) turned into a {@link TrainingConfig} by the same builder as the command
 * line, Start / Stop, a live progress line, the loss terms plotted against the iteration (whole-iteration ticks; a
 * resumed run's earlier points kept), the evaluations as a table, a log, and "Run this model" once the run wrote its
 * model (or a stopped run its checkpoint). Every label, button and header keeps its whole text from 1366 x 768 up:
 * labels and buttons never shrink below their text, the form keeps {@link #FORM_MIN_WIDTH}, the plot side takes the
 * rest.
 */
public final class TrainingView extends SplitPane {
    /** The form's narrowest width: every label and field readable (the plot side takes what is left). */
    static final double FORM_MIN_WIDTH = 420;

    private final TrainingViewModel vm;
    private final TrainingService service = new TrainingService();
    private final TextField dataset = field("trainDataset", "COCO training JSON");
    private final TextField validation = field("trainValidation", "optional: COCO validation JSON (evaluations)");
    private final ChoiceBox<Architecture> arch = new ChoiceBox<>();
    private final TextField weights = field("trainWeights", "empty: from scratch; or .pth / .masklab / run folder");
    private final TextField runDir = field("trainRunDir", "output folder");
    private final ChoiceBox<String> preset = new ChoiceBox<>();
    private final TextField iterations = field("trainIterations", null);
    private final TextField batch = field("trainBatch", null);
    private final TextField lr = field("trainLr", "empty: 0.02 x images / 16");
    private final TextField minSize = field("trainMinSize", "empty: the preset's (small 320, standard 800)");
    private final TextField trainable = field("trainLayers", null);
    private final TextField clip = field("trainClip", null);
    private final TextField evalEvery = field("trainEvalEvery", null);
    private final TextField checkpointEvery = field("trainCheckpointEvery", null);
    private final CheckBox resume =
            new CheckBox("Resume the run folder's last checkpoint (a larger iteration count " + "extends the run)");
    private final Label formError = new Label();
    /** The dataset health check before Start (#17 part 6): {@link DatasetHealthView} once a training set is chosen. */
    private final VBox health = new VBox(4);

    private final DatasetHealthViewModel healthModel;
    private final DatasetHealthView healthView;

    private final IterationAxis iterationAxis = new IterationAxis();
    private final LineChart<Number, Number> chart;
    private final Map<String, XYChart.Series<Number, Number>> series = new HashMap<>();
    private int firstPlotted = Integer.MAX_VALUE;
    private int lastPlotted = Integer.MIN_VALUE;
    private final Consumer<Path> runModel;
    private final DialogService dialogs;

    /**
     * @param vm        the tab's state
     * @param runModel  opens "Run model" with a trained model (the window's dialog)
     * @param dialogs   shows errors and asks for files and folders: the window's dialogs
     */
    public TrainingView(TrainingViewModel vm, Consumer<Path> runModel, DialogService dialogs) {
        // every health task handles its own failure, so the executor never needs a dialog
        this(vm, runModel, dialogs, new FxTaskExecutor(null), id -> {});
    }

    /**
     * @param vm        the tab's state
     * @param runModel  opens "Run model" with a trained model (the window's dialog)
     * @param dialogs   shows errors and asks for files and folders: the window's dialogs
     * @param tasks     runs the dataset health check
     * @param openImage opens an image of the open dataset (by id) in the image view: a click in the health list
     */
    public TrainingView(
            TrainingViewModel vm,
            Consumer<Path> runModel,
            DialogService dialogs,
            TaskExecutor tasks,
            LongConsumer openImage) {
        this.vm = vm;
        this.healthModel = new DatasetHealthViewModel(tasks);
        this.healthView = new DatasetHealthView(healthModel, openImage);
        this.runModel = runModel;
        this.dialogs = dialogs;
        setId("trainingView");
        getStyleClass().add("training-view");
        arch.getItems().setAll(Architecture.values());
        arch.setConverter(new StringConverter<>() {
            @Override
            public String toString(Architecture a) {
                return a == null ? "" : displayName(a);
            }

            @Override
            public Architecture fromString(String text) {
                return arch.getItems().stream()
                        .filter(a -> displayName(a).equals(text))
                        .findFirst()
                        .orElse(null);
            }
        });
        arch.setValue(Architecture.MASKRCNN_RESNET50_FPN);
        arch.setId("trainArch");
        preset.getItems().setAll("small", "standard");
        preset.setValue("small");
        preset.setId("trainPreset");
        preset.setTooltip(new Tooltip("small: shorter side 320, 600/300 RPN proposals, 128 RoIs (for CPUs); "
                + "standard: the Mask R-CNN paper's 800 / 2000 / 512"));
        iterations.setText("1000");
        batch.setText("2");
        trainable.setText("3");
        clip.setText("10");
        evalEvery.setText("0");
        checkpointEvery.setText("500");
        resume.setId("trainResume");
        formError.setId("trainFormError");
        formError.getStyleClass().add("error-label");
        formError.setWrapText(true);

        health.setId("trainHealth");
        health.managedProperty().bind(health.visibleProperty());
        health.getChildren().add(healthView);
        health.visibleProperty()
                .bind(healthModel
                        .reportProperty()
                        .isNotNull()
                        .or(healthModel.statusProperty().isNotEmpty()));
        PauseTransition settle = new PauseTransition(Duration.millis(300)); // not a check per typed character
        settle.setOnFinished(e -> checkHealth());
        for (TextField f : List.of(dataset, validation, weights))
            f.textProperty().addListener((o, a, b) -> settle.playFromStart());
        arch.valueProperty().addListener((o, a, b) -> settle.playFromStart());
        NumberAxis y = new NumberAxis();
        y.setLabel("loss");
        chart = new LineChart<>(iterationAxis.axis(), y);
        chart.setId("lossChart");
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setTitle("Training losses");
        vm.iterations().addListener((ListChangeListener<TrainingListener.Progress>) c -> {
            while (c.next()) {
                if (c.wasRemoved() && vm.iterations().isEmpty()) {
                    chart.getData().clear();
                    series.clear();
                    firstPlotted = Integer.MAX_VALUE;
                    lastPlotted = Integer.MIN_VALUE;
                    iterationAxis.cover(0, 1);
                }
                if (c.wasAdded()) c.getAddedSubList().forEach(this::plot);
            }
        });

        Node form = form();
        getItems().addAll(form, live());
        SplitPane.setResizableWithParent(form, false);
        setDividerPositions(0.36);
    }

    /** The architecture as people name it: "Mask R-CNN (ResNet-50 FPN)"; the CLI's name is in the tooltip. */
    static String displayName(Architecture a) {
        return switch (a) {
            case MASKRCNN_RESNET50_FPN -> "Mask R-CNN (ResNet-50 FPN)";
            case KEYPOINTRCNN_RESNET50_FPN -> "Keypoint R-CNN (ResNet-50 FPN)";
        };
    }

    public TrainingViewModel viewModel() {
        return vm;
    }

    public LineChart<Number, Number> chart() {
        return chart;
    }

    /** Proposes the open dataset as the training set and a run folder beside it (fields the user left empty). */
    public void suggestDataset(Path json) {
        if (json == null || vm.runningProperty().get()) return;
        if (dataset.getText().isBlank()) dataset.setText(json.toString());
        if (runDir.getText().isBlank()) {
            String name = json.getFileName().toString().replaceFirst("(?i)\\.json$", "");
            runDir.setText(
                    json.toAbsolutePath().resolveSibling("runs").resolve(name).toString());
        }
    }

    /** The form as settings; a bad field is named in the exception. */
    public Settings settings() {
        Path ds = path(dataset, "training dataset", true);
        Path val = path(validation, "validation dataset", false);
        Path w = path(weights, "starting weights", false);
        Path out = path(runDir, "run folder", true);
        TrainingConfig.Builder config = TrainingConfig.preset(preset.getValue()).toBuilder()
                .batchSize(integer(batch, "images per step", 1, 1024))
                .trainableBackboneLayers(integer(trainable, "trained stages", 0, 5))
                .clipGradNorm(number(clip, "gradient clipping", 0, 1e9))
                .trainBatchNorm(w == null); // from scratch: batch statistics, as masklab train's --batch-norm auto
        if (!lr.getText().isBlank()) config.baseLr(number(lr, "learning rate", 0, 10));
        if (!minSize.getText().isBlank()) config.shorterSide(integer(minSize, "shorter side", 32, 4096));
        return new Settings(
                ds,
                val,
                arch.getValue(),
                w,
                out,
                integer(iterations, "iterations", 1, 10_000_000),
                config.build(),
                integer(evalEvery, "evaluation period", 0, 10_000_000),
                integer(checkpointEvery, "checkpoint period", 0, 10_000_000),
                resume.isSelected());
    }

    /** The health check's state (the box above Start). */
    public DatasetHealthViewModel healthModel() {
        return healthModel;
    }

    public DatasetHealthView healthView() {
        return healthView;
    }

    /** Checks the chosen training set, validation set and weights now (the form does it 300 ms after a change). */
    public void checkHealth() {
        healthModel.check(pathOrNull(dataset), pathOrNull(validation), pathOrNull(weights), arch.getValue());
    }

    private static Path pathOrNull(TextField f) {
        try {
            return path(f, "", false);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads the form and starts the run; shows what is wrong instead when a field is bad. */
    public Task<TrainingService.Outcome> start() {
        if (healthModel.blocksStartProperty().get()) {
            formError.setText(healthModel.reportProperty().get().valError());
            return null;
        }
        Settings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            formError.setText(e.getMessage());
            return null;
        }
        formError.setText("");
        return start(s);
    }

    /** Starts a run in the background (one at a time). */
    public Task<TrainingService.Outcome> start(Settings s) {
        if (vm.runningProperty().get()) throw new IllegalStateException("a training run is already running");
        vm.started(s.arch().cliName() + " on " + s.dataset().getFileName() + " -> " + s.runDir()
                + (s.weights() == null
                        ? " (from scratch)"
                        : " from " + s.weights().getFileName()));
        Task<TrainingService.Outcome> t = new Task<>() {
            @Override
            protected TrainingService.Outcome call() throws Exception {
                return service.run(s, vm.listener(Platform::runLater));
            }
        };
        t.setOnSucceeded(e -> {
            TrainingService.Outcome o = t.getValue();
            TrainingJob.Result r = o.result();
            if (r.completed()) {
                vm.finished("Done: " + r.iteration() + " iterations; model " + o.model(), o.model(), true);
            } else {
                vm.finished(
                        "Stopped at iteration " + r.iteration() + ": " + r.stopReason()
                                + (o.note() != null ? "; " + o.note() : ""),
                        o.model(),
                        false);
            }
        });
        t.setOnFailed(e -> {
            Throwable ex = t.getException();
            String msg = ex == null ? "unknown error" : ex.getMessage() != null ? ex.getMessage() : ex.toString();
            vm.finished("Training failed: " + msg, null, false);
            dialogs.showError("Training failed", msg);
        });
        DaemonThreads.factory("masklab-training").newThread(t).start();
        return t;
    }

    /** Stops the run after its current iteration (it writes a checkpoint; Resume continues it). */
    public void stop() {
        service.stop();
    }

    private void plot(TrainingListener.Progress p) {
        firstPlotted = Math.min(firstPlotted, p.iteration());
        lastPlotted = Math.max(lastPlotted, p.iteration());
        iterationAxis.cover(firstPlotted, lastPlotted);
        add("loss", p.iteration(), p.totalLoss());
        for (Map.Entry<String, Double> e : p.losses().entrySet()) {
            add(e.getKey().replace("loss_", ""), p.iteration(), e.getValue());
        }
    }

    private void add(String name, int iteration, double value) {
        if (!Double.isFinite(value)) return;
        XYChart.Series<Number, Number> s = series.computeIfAbsent(name, k -> {
            XYChart.Series<Number, Number> n = new XYChart.Series<>();
            n.setName(k);
            chart.getData().add(n);
            return n;
        });
        s.getData().add(new XYChart.Data<>(iteration, value));
    }

    private Node form() {
        Button browseData = browse(dataset, false, "COCO training annotations");
        Button browseVal = browse(validation, false, "COCO validation annotations");
        Button browseWeights = browse(weights, false, "Starting weights");
        Button browseRun = browse(runDir, true, "Run folder");
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.setPadding(new Insets(10));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE); // labels are never cut ("Images per..." at 1366 x 768)
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        g.getColumnConstraints().setAll(labels, fields);
        int r = 0;
        r = row(g, r, "Training set", row(dataset, browseData));
        r = row(g, r, "Validation set", row(validation, browseVal));
        r = row(g, r, "Architecture", arch);
        r = row(g, r, "Start from", row(weights, browseWeights));
        r = row(g, r, "Run folder", row(runDir, browseRun));
        r = row(g, r, "Preset", preset);
        r = row(g, r, "Iterations", iterations);
        r = row(g, r, "Images per step", batch);
        r = row(g, r, "Learning rate", lr);
        r = row(g, r, "Shorter side", minSize);
        r = row(g, r, "Trained stages (0-5)", trainable);
        r = row(g, r, "Clip gradient norm", clip);
        r = row(g, r, "Evaluate every", evalEvery);
        r = row(g, r, "Checkpoint every", checkpointEvery);
        g.add(resume, 0, r++, 2, 1);
        resume.setWrapText(true);
        arch.setTooltip(new Tooltip(
                "maskrcnn_resnet50_fpn: masks; keypointrcnn_resnet50_fpn: keypoints " + "(masklab train --arch)"));

        Button startButton = new Button("Start", new FontIcon("mdi2p-play"));
        startButton.setId("trainStart");
        startButton.setDefaultButton(false);
        startButton.setOnAction(e -> start());
        startButton.disableProperty().bind(vm.runningProperty().or(healthModel.blocksStartProperty()));
        Button stopButton = new Button("Stop", new FontIcon("mdi2s-stop-circle-outline"));
        stopButton.setId("trainStop");
        stopButton.setTooltip(
                new Tooltip("Stop after the current iteration; a checkpoint is written (Resume continues)"));
        stopButton.setOnAction(e -> stop());
        stopButton.disableProperty().bind(vm.runningProperty().not());
        Button use = new Button("Run this model…", new FontIcon("mdi2r-robot"));
        use.setId("trainRunModel");
        use.setTooltip(new Tooltip("Run the trained model (or a stopped run's last checkpoint) on the open dataset "
                + "(Model > Run model)"));
        use.disableProperty().bind(vm.trainedModelProperty().isNull().or(vm.runningProperty()));
        use.setOnAction(e -> runModel.accept(vm.trainedModelProperty().get()));
        List.of(startButton, stopButton, use).forEach(b -> b.setMinWidth(Region.USE_PREF_SIZE));
        FlowPane buttons = new FlowPane(8, 6, startButton, stopButton, use); // wraps rather than cuts "Run this model"
        buttons.setAlignment(Pos.CENTER_LEFT);
        g.add(buttons, 0, r++, 2, 1);
        g.add(formError, 0, r++, 2, 1);
        // below the buttons, so that Start stays in reach; a validation-set error also disables Start
        g.add(health, 0, r, 2, 1);
        List.of(arch, preset).forEach(c -> {
            c.disableProperty().bind(vm.runningProperty());
            c.setMinWidth(Region.USE_PREF_SIZE);
        });
        ScrollPane sp = new ScrollPane(g);
        sp.setId("trainForm");
        sp.setFitToWidth(true);
        sp.setMinWidth(FORM_MIN_WIDTH);
        // the form (with the health box) scrolls: its height must not become the tab's preferred height
        sp.setPrefViewportHeight(400);
        return sp;
    }

    private static int row(GridPane g, int r, String label, Node field) {
        Label l = new Label(label);
        l.setMinWidth(Region.USE_PREF_SIZE);
        g.addRow(r, l, field);
        return r + 1;
    }

    private Node live() {
        ProgressBar bar = new ProgressBar();
        bar.setId("trainProgress");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.setMinHeight(Region.USE_PREF_SIZE); // a low window shrinks the plot, not the bar
        Label status = new Label();
        status.setId("trainStatus");
        status.textProperty().bind(vm.statusProperty());
        status.setWrapText(true); // the progress line is long: it wraps on a narrow window instead of being cut
        status.setMinHeight(Region.USE_PREF_SIZE);
        TableView<Evaluation> table = new TableView<>(vm.evaluations());
        table.setId("trainEvaluations");
        table.getColumns().add(column("iteration", ev -> String.valueOf(ev.iteration())));
        table.getColumns().add(column("bbox AP", ev -> ap(ev.bboxAp())));
        TableColumn<Evaluation, String> segm = column("segm AP", ev -> ap(ev.segmAp()));
        TableColumn<Evaluation, String> keypoints = column("keypoints AP", ev -> ap(ev.keypointsAp()));
        table.getColumns().add(segm);
        table.getColumns().add(keypoints);
        table.getColumns().add(column("AP50", ev -> ap(ev.ap50())));
        // a column per IoU type the architecture is scored on
        segm.visibleProperty()
                .bind(Bindings.createBooleanBinding(
                        () -> arch.getValue() == null || arch.getValue().hasMasks(), arch.valueProperty()));
        keypoints
                .visibleProperty()
                .bind(Bindings.createBooleanBinding(
                        () -> arch.getValue() != null && arch.getValue().hasKeypoints(), arch.valueProperty()));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Evaluations on the validation set appear here"));
        table.setPrefHeight(130);
        table.setMinHeight(90);
        ListView<String> log = new ListView<>(vm.log());
        log.setId("trainLog");
        log.setPrefHeight(130);
        log.setMinHeight(70);
        vm.log().addListener((ListChangeListener<String>)
                c -> log.scrollTo(vm.log().size() - 1));
        chart.setMinHeight(220);
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox box = new VBox(8, bar, status, chart, table, log);
        box.setId("trainLive");
        box.getStyleClass().add("training-live");
        box.setPadding(new Insets(10));
        ScrollPane sp = new ScrollPane(box); // a low window scrolls rather than squeezing the plot to nothing
        sp.setFitToWidth(true);
        sp.setFitToHeight(true);
        return sp;
    }

    private static TableColumn<Evaluation, String> column(String name, Function<Evaluation, String> f) {
        TableColumn<Evaluation, String> c = new TableColumn<>(name);
        Text header = new Text(name);
        header.setFont(Font.font(
                Font.getDefault().getFamily(),
                FontWeight.BOLD,
                Font.getDefault().getSize()));
        c.setMinWidth(Math.ceil(header.getLayoutBounds().getWidth()) + 24); // the header is never cut ("keypoi...")
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        c.setSortable(false);
        return c;
    }

    private static String ap(double v) {
        return Double.isNaN(v) ? "" : String.format("%.3f", v);
    }

    private Button browse(TextField target, boolean directory, String title) {
        Button b = new Button("…");
        b.setTooltip(new Tooltip(title));
        b.setOnAction(e -> {
            Path current = currentPath(target.getText());
            (directory
                            ? dialogs.chooseDirectory(title, current)
                            : dialogs.chooseFileToOpen(
                                    title,
                                    current == null ? null : current.getParent(),
                                    new DialogService.FileType("All files", "*")))
                    .ifPresent(f -> target.setText(f.toString()));
        });
        return b;
    }

    /** What a path field holds, or null when it is empty or no path. */
    private static Path currentPath(String text) {
        try {
            return text.isBlank() ? null : Path.of(text.strip()).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static HBox row(TextField f, Button b) {
        HBox.setHgrow(f, Priority.ALWAYS);
        HBox h = new HBox(6, f, b);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static TextField field(String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        if (prompt != null) f.setPromptText(prompt);
        return f;
    }

    private static Path path(TextField f, String what, boolean required) {
        String t = f.getText().strip();
        if (t.isEmpty()) {
            if (required) throw new IllegalArgumentException(what + ": required");
            return null;
        }
        try {
            return Path.of(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": not a valid path: " + t);
        }
    }

    private static double number(TextField f, String what, double min, double max) {
        String t = f.getText().strip();
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": not a number: '" + t + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(
                    what + ": must be between " + fmt(min) + " and " + fmt(max) + ", got " + t);
        }
        return v;
    }

    private static int integer(TextField f, String what, int min, int max) {
        double v = number(f, what, min, max);
        if (v != Math.rint(v))
            throw new IllegalArgumentException(what + ": must be a whole number, got " + f.getText());
        return (int) v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
