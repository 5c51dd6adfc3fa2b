package dev.masklab.app.prediction;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.stage.Window;

/**
 * Model runs from the window: Model &gt; Run model ({@link RunModelDialog}) as a background task of
 * {@link PredictionService} with Stop between images, the written results shown as the predictions; the warm model
 * (Unload model, the status bar's name, the box prompter while one is loaded); "Run this model" of the Training tab.
 */
public final class ModelRunController {
    private final MainViewModel vm;
    private final DialogService dialogs;
    private final TaskExecutor tasks;
    private final Supplier<Window> window;
    private final Runnable showImages;
    private final PredictionService predictionService = new PredictionService();
    private final BooleanProperty predicting = new SimpleBooleanProperty(this, "predicting", false);
    /** The loaded model as the status bar shows it ("" when none), set on the FX thread after runs and unloading. */
    private final StringProperty loadedModel = new SimpleStringProperty(this, "loadedModel", "");

    private final ModelPrompter prompter;
    private final ModelExporter exporter;
    private final AtomicBoolean stopPrediction = new AtomicBoolean();
    private PredictionService.Request lastRun;
    /** The run dialog's subsets with their images, and the loaded predictions' file a run joins (the loop's). */
    private Supplier<java.util.Map<RunSubset, java.util.List<Long>>> subsets = java.util.Map::of;

    private Supplier<java.nio.file.Path> loadedPredictions = () -> null;

    /**
     * {@code window}: the dialog's owner (null before the window shows); {@code showImages}: brings the Image tab
     * to the front (a trained model is run from the Training tab).
     */
    public ModelRunController(
            MainViewModel vm, DialogService dialogs, TaskExecutor tasks, Supplier<Window> window, Runnable showImages) {
        this.vm = vm;
        this.dialogs = dialogs;
        this.tasks = tasks;
        this.window = window;
        this.showImages = showImages;
        this.prompter = new ModelPrompter(predictionService.model(), tasks);
        this.exporter = new ModelExporter(predictionService.model(), dialogs, tasks, vm.messageProperty()::set);
    }

    /** What the run dialog offers: the subsets with their images, and the loaded predictions' file a run joins. */
    public void setRunChoices(
            Supplier<java.util.Map<RunSubset, java.util.List<Long>>> subsets,
            Supplier<java.nio.file.Path> loadedPredictions) {
        this.subsets = subsets;
        this.loadedPredictions = loadedPredictions;
    }

    /** The last run's request (the next run dialog starts from it), or null. */
    public PredictionService.Request lastRun() {
        return lastRun;
    }

    /** Model > Export to torchvision… of the loaded model. */
    public void exportModel() {
        exporter.export();
    }

    /** The loaded (warm) model. */
    public WarmModel model() {
        return predictionService.model();
    }

    /** Asks for weights and options ({@link RunModelDialog}) and runs the model on the open dataset. */
    public void chooseAndRunModel() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null || predicting.get()) return;
        new RunModelDialog(
                        window.get(),
                        dialogs,
                        ds,
                        vm.navigation().getCurrentImage(),
                        lastRun,
                        subsets.get(),
                        loadedPredictions.get())
                .showAndWait()
                .ifPresent(this::runModel);
    }

    /**
     * Runs a model on the open dataset in the background (progress and a Stop button in the status bar) and shows
     * the written results as the predictions; stopping keeps the images already done.
     */
    public Future<PredictionService.Outcome> runModel(PredictionService.Request request) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) throw new IllegalStateException("no dataset open");
        lastRun = request;
        // a run on some images merges into an existing file; a run on all of them replaces it, when the user agrees
        if (request.imageIds() == null
                && Files.isRegularFile(request.output())
                && !dialogs.confirm(
                        "Replace " + request.output().getFileName() + "?",
                        "The run writes the predictions of every image to "
                                + request.output()
                                + ", replacing the results it holds (the previous file is kept as .bak). "
                                + "A run stopped early merges into it instead.",
                        "Replace")) {
            vm.messageProperty().set("Model run cancelled: " + request.output().getFileName() + " kept");
            return null;
        }
        stopPrediction.set(false);
        predicting.set(true);
        return tasks.execute(BackgroundTask.<PredictionService.Outcome>of(
                        "Cannot run model " + request.weights().getFileName(), p -> {
                            p.progress(-1, 1);
                            return predictionService.run(
                                    ds, request, () -> stopPrediction.get() || p.isCancelled(), (done, total, msg) -> {
                                        p.message(msg);
                                        if (done > 0 || total == 0) p.progress(done, Math.max(1, total));
                                    });
                        })
                .onFinished(() -> {
                    predicting.set(false);
                    showLoadedModel();
                })
                .onSuccess(out -> {
                    if (out.predictions() == null) {
                        vm.messageProperty().set("Stopped before the first image: nothing written");
                        return;
                    }
                    vm.predictions().setPredictions(out.predictions());
                    StringBuilder msg = new StringBuilder(out.stopped() ? "Stopped: " : "");
                    msg.append(String.format(
                            "%d predictions in %d of %d images -> %s",
                            out.instanceCount(),
                            out.imagesPredicted(),
                            out.imagesRequested(),
                            request.output().getFileName()));
                    if (out.merged())
                        msg.append(String.format(
                                " (merged: %d results in the file)",
                                out.predictions().total()));
                    if (!out.skipped().isEmpty()) {
                        msg.append("; ")
                                .append(out.skipped().size())
                                .append(" skipped (")
                                .append(out.skipped().get(0))
                                .append(out.skipped().size() > 1 ? ", …" : "")
                                .append(")");
                    }
                    if (!out.unknownCategories().isEmpty()) {
                        msg.append("; category ids not in the dataset: ").append(out.unknownCategories());
                    }
                    vm.messageProperty().set(msg.toString());
                }));
    }

    /** Frees the loaded model (Model > Unload model); the next run loads its model again. */
    public void unloadModel() {
        if (predicting.get()) return;
        String was = loadedModel.get();
        if (predictionService.model().unload()) vm.messageProperty().set("Unloaded " + was);
        showLoadedModel();
    }

    /** The loaded model, as the status bar shows it ("" when none). */
    public StringProperty loadedModelProperty() {
        return loadedModel;
    }

    private void showLoadedModel() {
        loadedModel.set(predictionService.model().info().map(i -> "Model: " + i).orElse(""));
        vm.tools().boxPrompterProperty().set(predictionService.model().current().isPresent() ? prompter : null);
        vm.tools().pointPrompterProperty().set(vm.tools().boxPrompterProperty().get() == null ? null : prompter);
    }

    /** "Run this model" of the training tab: the run-model dialog with the trained model filled in. */
    public void runTrainedModel(Path model) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) {
            vm.messageProperty().set("Open a dataset to run the trained model " + model + " on");
            return;
        }
        lastRun = new PredictionService.Request(
                model,
                null,
                0.05f,
                PredictionService.DeviceChoice.AUTO,
                false,
                null,
                PredictionService.defaultOutput(ds));
        showImages.run();
        chooseAndRunModel();
    }

    /** Stops a running prediction after the current image. */
    public void stopPrediction() {
        stopPrediction.set(true);
    }

    public BooleanProperty predictingProperty() {
        return predicting;
    }
}
