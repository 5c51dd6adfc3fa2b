package dev.masklab.app.training;

import dev.masklab.app.training.TrainingService.Settings;
import dev.masklab.app.training.TrainingViewModel.Evaluation;
import dev.masklab.train.Architecture;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingJob;
import dev.masklab.train.TrainingListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
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
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The training tab: the settings of {@code masklab train} (training and validation sets, architecture, starting
 * weights or from scratch, run folder, preset, iterations, batch, learning rate, size, trainable stages, clipping,
 * evaluation and checkpoint periods, resume), Start / Stop, a live progress line, the loss terms plotted against the
 * iteration, the evaluations as a table, a log, and "Run this model" once the run wrote its model.
 */
public final class TrainingView extends SplitPane {
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
    private final CheckBox resume = new CheckBox("Resume the run folder's last checkpoint (a larger iteration count "
            + "extends the run)");
    private final Label formError = new Label();
    private final LineChart<Number, Number> chart;
    private final Map<String, XYChart.Series<Number, Number>> series = new HashMap<>();
    private final Consumer<Path> runModel;
    private final BiConsumer<String, String> showError;

    /**
     * @param vm        the tab's state
     * @param runModel  opens "Run model" with a trained model (the window's dialog)
     * @param showError shows an error to the user (header, text): the window's error dialog
     */
    public TrainingView(TrainingViewModel vm, Consumer<Path> runModel, BiConsumer<String, String> showError) {
        this.vm = vm;
        this.runModel = runModel;
        this.showError = showError;
        setId("trainingView");
        arch.getItems().setAll(Architecture.values());
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

        NumberAxis x = new NumberAxis();
        x.setLabel("iteration");
        x.setForceZeroInRange(false);
        NumberAxis y = new NumberAxis();
        y.setLabel("loss");
        chart = new LineChart<>(x, y);
        chart.setId("lossChart");
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setTitle("Training losses");
        vm.iterations().addListener((ListChangeListener<TrainingListener.Progress>) c -> {
            while (c.next()) {
                if (c.wasRemoved() && vm.iterations().isEmpty()) {
                    chart.getData().clear();
                    series.clear();
                }
                if (c.wasAdded()) c.getAddedSubList().forEach(this::plot);
            }
        });

        getItems().addAll(form(), live());
        setDividerPositions(0.4);
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
            runDir.setText(json.toAbsolutePath().resolveSibling("runs").resolve(name).toString());
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
        return new Settings(ds, val, arch.getValue(), w, out, integer(iterations, "iterations", 1, 10_000_000),
                config.build(), integer(evalEvery, "evaluation period", 0, 10_000_000),
                integer(checkpointEvery, "checkpoint period", 0, 10_000_000), resume.isSelected());
    }

    /** Reads the form and starts the run; shows what is wrong instead when a field is bad. */
    public Task<TrainingJob.Result> start() {
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
    public Task<TrainingJob.Result> start(Settings s) {
        if (vm.runningProperty().get()) throw new IllegalStateException("a training run is already running");
        vm.started(s.arch().cliName() + " on " + s.dataset().getFileName() + " -> " + s.runDir()
                + (s.weights() == null ? " (from scratch)" : " from " + s.weights().getFileName()));
        Task<TrainingJob.Result> t = new Task<>() {
            @Override
            protected TrainingJob.Result call() throws Exception {
                return service.run(s, vm.listener(Platform::runLater));
            }
        };
        t.setOnSucceeded(e -> {
            TrainingJob.Result r = t.getValue();
            if (r.completed()) {
                Path model = s.modelFile();
                vm.finished("Done: " + r.iteration() + " iterations; model " + model,
                        Files.isRegularFile(model) ? model : null);
            } else {
                vm.finished("Stopped at iteration " + r.iteration() + ": " + r.stopReason(), null);
            }
        });
        t.setOnFailed(e -> {
            Throwable ex = t.getException();
            String msg = ex == null ? "unknown error" : ex.getMessage() != null ? ex.getMessage() : ex.toString();
            vm.finished("Training failed: " + msg, null);
            showError.accept("Training failed", msg);
        });
        Thread th = new Thread(t, "masklab-training");
        th.setDaemon(true);
        th.start();
        return t;
    }

    /** Stops the run after its current iteration (it writes a checkpoint; Resume continues it). */
    public void stop() {
        service.stop();
    }

    private void plot(TrainingListener.Progress p) {
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
        int r = 0;
        g.addRow(r++, new Label("Training set"), row(dataset, browseData));
        g.addRow(r++, new Label("Validation set"), row(validation, browseVal));
        g.addRow(r++, new Label("Architecture"), arch);
        g.addRow(r++, new Label("Start from"), row(weights, browseWeights));
        g.addRow(r++, new Label("Run folder"), row(runDir, browseRun));
        g.addRow(r++, new Label("Preset"), preset);
        g.addRow(r++, new Label("Iterations"), iterations);
        g.addRow(r++, new Label("Images per step"), batch);
        g.addRow(r++, new Label("Learning rate"), lr);
        g.addRow(r++, new Label("Shorter side"), minSize);
        g.addRow(r++, new Label("Trained stages (0-5)"), trainable);
        g.addRow(r++, new Label("Clip gradient norm"), clip);
        g.addRow(r++, new Label("Evaluate every"), evalEvery);
        g.addRow(r++, new Label("Checkpoint every"), checkpointEvery);
        g.add(resume, 0, r++, 2, 1);
        resume.setWrapText(true);

        Button startButton = new Button("Start", new FontIcon("mdi2p-play"));
        startButton.setId("trainStart");
        startButton.setDefaultButton(false);
        startButton.setOnAction(e -> start());
        startButton.disableProperty().bind(vm.runningProperty());
        Button stopButton = new Button("Stop", new FontIcon("mdi2s-stop-circle-outline"));
        stopButton.setId("trainStop");
        stopButton.setTooltip(new Tooltip("Stop after the current iteration; a checkpoint is written (Resume continues)"));
        stopButton.setOnAction(e -> stop());
        stopButton.disableProperty().bind(vm.runningProperty().not());
        Button use = new Button("Run this model…", new FontIcon("mdi2r-robot"));
        use.setId("trainRunModel");
        use.setTooltip(new Tooltip("Run the trained model on the open dataset (Model > Run model)"));
        use.disableProperty().bind(vm.trainedModelProperty().isNull());
        use.setOnAction(e -> runModel.accept(vm.trainedModelProperty().get()));
        HBox buttons = new HBox(8, startButton, stopButton, use);
        buttons.setAlignment(Pos.CENTER_LEFT);
        g.add(buttons, 0, r++, 2, 1);
        g.add(formError, 0, r, 2, 1);
        List.of(arch, preset).forEach(c -> c.disableProperty().bind(vm.runningProperty()));
        ScrollPane sp = new ScrollPane(g);
        sp.setFitToWidth(true);
        return sp;
    }

    private Node live() {
        ProgressBar bar = new ProgressBar();
        bar.setId("trainProgress");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        Label status = new Label();
        status.setId("trainStatus");
        status.textProperty().bind(vm.statusProperty());
        TableView<Evaluation> table = new TableView<>(vm.evaluations());
        table.setId("trainEvaluations");
        table.getColumns().add(column("iteration", ev -> String.valueOf(ev.iteration())));
        table.getColumns().add(column("bbox AP", ev -> ap(ev.bboxAp())));
        table.getColumns().add(column("segm AP", ev -> ap(ev.segmAp())));
        table.getColumns().add(column("keypoints AP", ev -> ap(ev.keypointsAp())));
        table.getColumns().add(column("AP50", ev -> ap(ev.ap50())));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Evaluations on the validation set appear here"));
        table.setPrefHeight(150);
        ListView<String> log = new ListView<>(vm.log());
        log.setId("trainLog");
        log.setPrefHeight(150);
        vm.log().addListener((ListChangeListener<String>) c -> log.scrollTo(vm.log().size() - 1));
        SplitPane lower = new SplitPane(table, log);
        lower.setOrientation(Orientation.HORIZONTAL);
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox box = new VBox(8, bar, status, chart, lower);
        box.setPadding(new Insets(10));
        return box;
    }

    private static TableColumn<Evaluation, String> column(String name, Function<Evaluation, String> f) {
        TableColumn<Evaluation, String> c = new TableColumn<>(name);
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
            File current = target.getText().isBlank() ? null : Path.of(target.getText().strip()).toFile();
            File f;
            if (directory) {
                DirectoryChooser dc = new DirectoryChooser();
                dc.setTitle(title);
                if (current != null && current.isDirectory()) dc.setInitialDirectory(current);
                f = dc.showDialog(getScene().getWindow());
            } else {
                FileChooser fc = new FileChooser();
                fc.setTitle(title);
                if (current != null && current.getParentFile() != null && current.getParentFile().isDirectory()) {
                    fc.setInitialDirectory(current.getParentFile());
                }
                f = fc.showOpenDialog(getScene().getWindow());
            }
            if (f != null) target.setText(f.getPath());
        });
        return b;
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
            throw new IllegalArgumentException(what + ": must be between " + fmt(min) + " and " + fmt(max)
                    + ", got " + t);
        }
        return v;
    }

    private static int integer(TextField f, String what, int min, int max) {
        double v = number(f, what, min, max);
        if (v != Math.rint(v)) throw new IllegalArgumentException(what + ": must be a whole number, got " + f.getText());
        return (int) v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
