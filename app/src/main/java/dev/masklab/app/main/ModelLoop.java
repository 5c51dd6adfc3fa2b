package dev.masklab.app.main;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.prediction.PredictionService;
import dev.masklab.app.prediction.RunSubset;
import dev.masklab.app.prediction.WarmModel;
import dev.masklab.app.review.LabelledImages;
import dev.masklab.app.training.FineTuneOnLabelled;
import dev.masklab.app.training.TrainingService;
import dev.masklab.app.training.TrainingView;
import dev.masklab.cli.CliErrors;
import dev.masklab.model.Architecture;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;

/**
 * The labelling loop's commands on the open window (#16 parts 4 and 7): the images each {@link RunSubset} covers
 * now, the results file a run joins, marking the current image done, and "fine-tune on what is labelled": the
 * complete images ({@link LabelledImages}) split and trained on from the loaded model in the Training tab (live plot),
 * after which the trained model is loaded and run again on the images not yet reviewed, merged into the loaded
 * predictions. FX thread only.
 */
public final class ModelLoop {
    private final MainViewModel vm;
    private final DialogService dialogs;
    private final TrainingView training;
    private final WarmModel model;
    private final Function<PredictionService.Request, Future<PredictionService.Outcome>> runModel;
    private final Supplier<PredictionService.Request> lastRun;
    private final Runnable showTraining;
    private Future<PredictionService.Outcome> rerun;

    /**
     * @param runModel     runs a request as Run model does (merge, progress, predictions shown)
     * @param lastRun      the last run's request (its threshold and device are kept), or null
     * @param showTraining brings the Training tab forward
     */
    public ModelLoop(
            MainViewModel vm,
            DialogService dialogs,
            TrainingView training,
            WarmModel model,
            Function<PredictionService.Request, Future<PredictionService.Outcome>> runModel,
            Supplier<PredictionService.Request> lastRun,
            Runnable showTraining) {
        this.vm = vm;
        this.dialogs = dialogs;
        this.training = training;
        this.model = model;
        this.runModel = runModel;
        this.lastRun = lastRun;
        this.showTraining = showTraining;
    }

    /** The loaded model (the one fine-tuning starts from, replaced by the trained one). */
    public WarmModel model() {
        return model;
    }

    /** The complete images of the open dataset as it is now (empty when none is open). */
    public Set<Long> complete() {
        if (vm.editor() == null) return Set.of();
        return LabelledImages.complete(
                vm.editor(),
                vm.predictions().predictionsProperty().get(),
                vm.predictions().scoreThresholdProperty().get());
    }

    /** Each subset's images as they are now. */
    public Map<RunSubset, List<Long>> subsets() {
        ImageEntry cur = vm.navigation().getCurrentImage();
        return RunSubset.all(new RunSubset.Context(
                vm.navigation().images().stream().map(ImageEntry::id).toList(),
                cur == null ? null : cur.id(),
                vm.navigation().filteredImages().stream().map(ImageEntry::id).toList(),
                vm.editor().coco(),
                complete()));
    }

    /** The loaded predictions' file (a run joins it), or null. */
    public Path loadedPredictions() {
        PredictionSet ps = vm.predictions().predictionsProperty().get();
        return ps == null ? null : ps.file();
    }

    /** Marks the current image done, or not done when it is (an undoable edit, saved with the review decisions). */
    public void toggleDone() {
        ImageEntry cur = vm.navigation().getCurrentImage();
        if (cur == null || vm.editor() == null) return;
        boolean done = !vm.editor().review().isDone(cur.id());
        vm.editor().setDone(cur.id(), done);
        vm.messageProperty()
                .set(cur.fileName() + (done ? " marked done: its annotations are complete" : " no longer marked done")
                        + " (" + complete().size() + " labelled images)");
    }

    /**
     * Asks for the preset and iterations, writes the split and starts the fine-tune in the Training tab; null when
     * nothing started (no dataset, nothing labelled, a run already going, cancelled, or the split not written).
     */
    public Task<TrainingService.Outcome> fineTuneOnLabelled() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null || vm.editor() == null) return null;
        if (training.viewModel().runningProperty().get()) {
            dialogs.showError("A training run is going", "Stop it in the Training tab first.");
            return null;
        }
        Set<Long> complete = complete();
        if (complete.isEmpty()) {
            dialogs.showError(
                    "Nothing is labelled yet",
                    "Fine-tuning trains on the images whose annotations are complete: mark an image done ("
                            + dev.masklab.app.action.StandardAction.MARK_DONE.keyText()
                            + "), or review its predictions until none is pending.");
            return null;
        }
        Optional<FineTuneOnLabelled.Source> from = source();
        if (from.isEmpty()) return null;
        Path runDir = FineTuneOnLabelled.runFolder(ds.jsonFile(), LocalDateTime.now());
        Optional<FineTuneOnLabelled.Choice> choice =
                FineTuneOnLabelled.ask(dialogs, complete.size(), from.get(), runDir);
        if (choice.isEmpty()) return null;
        FineTuneOnLabelled.Plan plan;
        try {
            plan = FineTuneOnLabelled.prepare(
                    vm.editor().coco(), ds.imageRoot(), complete, from.get(), choice.get(), runDir);
        } catch (IOException | RuntimeException e) {
            dialogs.showError("Cannot write the training split into " + runDir, CliErrors.describe(e));
            return null;
        }
        showTraining.run();
        Task<TrainingService.Outcome> t = training.start(plan.settings());
        t.addEventHandler(WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> {
            TrainingService.Outcome o = t.getValue();
            if (!o.result().completed() || o.model() == null) return;
            // another dataset opened meanwhile: its images were not what the model learnt from; say so, run nothing
            if (vm.getDataset() == null || !vm.getDataset().jsonFile().equals(ds.jsonFile())) {
                vm.messageProperty()
                        .set("Fine-tuned model " + o.model() + " (not run: "
                                + ds.jsonFile().getFileName() + " is no longer open)");
                return;
            }
            rerun = rerunUnreviewed(o.model());
        });
        vm.messageProperty()
                .set("Fine-tuning on " + plan.split().train().images().size() + " training and "
                        + plan.split().validation().images().size() + " validation images -> " + runDir);
        return t;
    }

    /** The run that followed the last fine-tune (the trained model on the images not yet reviewed), or null. */
    public Future<PredictionService.Outcome> rerun() {
        return rerun;
    }

    /** Loads {@code trained} and runs it on the images not yet reviewed, merged into the loaded predictions. */
    private Future<PredictionService.Outcome> rerunUnreviewed(Path trained) {
        if (vm.getDataset() == null) return null;
        PredictionService.Request last = lastRun.get();
        List<Long> ids = subsets().get(RunSubset.NOT_REVIEWED);
        Path out = loadedPredictions() != null ? loadedPredictions() : PredictionService.defaultOutput(vm.getDataset());
        return runModel.apply(new PredictionService.Request(
                trained,
                null,
                last == null ? 0.05f : last.scoreThreshold(),
                last == null ? PredictionService.DeviceChoice.AUTO : last.device(),
                false,
                ids,
                out));
    }

    /** The loaded model, or weights and architecture asked for when none is loaded; empty when cancelled. */
    private Optional<FineTuneOnLabelled.Source> source() {
        Optional<WarmModel.Spec> spec = model.spec();
        Optional<Predictor> p = model.current();
        if (spec.isPresent() && p.isPresent()) {
            return Optional.of(new FineTuneOnLabelled.Source(
                    spec.get().weights(),
                    Architecture.parse(p.get().config().arch()),
                    p.get().config()));
        }
        Optional<Path> weights = dialogs.chooseFileToOpen(
                "Fine-tune which weights? (no model is loaded)",
                null,
                new DialogService.FileType("Weights (*.pth, *.pt, *.masklab)", "*.pth", "*.pt", "*.masklab"));
        if (weights.isEmpty()) return Optional.empty();
        Optional<Architecture> arch = dialogs.choose(
                "Architecture of " + weights.get().getFileName(),
                "The architecture the weights are for",
                List.of(Architecture.values()),
                Architecture.MASKRCNN_RESNET50_FPN);
        return arch.map(a -> new FineTuneOnLabelled.Source(weights.get(), a, null));
    }
}
