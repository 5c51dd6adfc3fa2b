package dev.masklab.app.prediction;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.TaskExecutor;
import dev.masklab.model.TorchvisionExport;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Model > Export to torchvision…: the {@link WarmModel}'s weights file (a MaskLab checkpoint or a torchvision .pth,
 * with the architecture and eps it was loaded with) written by the engine's {@link TorchvisionExport} (what
 * {@code masklab export} runs) as {@code M.pth} plus {@code M.json}, in a background task; the status line names both
 * files.
 */
public final class ModelExporter {
    private static final DialogService.FileType PTH = new DialogService.FileType("PyTorch state dict", "*.pth");

    private final WarmModel model;
    private final DialogService dialogs;
    private final TaskExecutor tasks;
    private final Consumer<String> status;

    public ModelExporter(WarmModel model, DialogService dialogs, TaskExecutor tasks, Consumer<String> status) {
        this.model = model;
        this.dialogs = dialogs;
        this.tasks = tasks;
        this.status = status;
    }

    /**
     * Asks where to write the loaded model and exports it there; empty when no model is loaded or the dialog was
     * cancelled. Failures go to the executor's error report (one line naming the file).
     */
    public Optional<Future<TorchvisionExport.Result>> export() {
        Optional<WarmModel.Spec> loaded = model.spec();
        if (loaded.isEmpty()) {
            status.accept("Load a model first (Model > Run model…) to export it");
            return Optional.empty();
        }
        WarmModel.Spec spec = loaded.get();
        Path weights = spec.weights();
        Optional<Path> chosen =
                dialogs.chooseFileToSave("Export to torchvision", weights.getParent(), defaultName(weights), PTH);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        Path out = withPthExtension(chosen.get());
        return Optional.of(tasks.execute(BackgroundTask.<TorchvisionExport.Result>of(
                        "Cannot export " + weights.getFileName() + " to " + out.getFileName(), p -> {
                            p.message("Exporting " + weights.getFileName() + " to torchvision…");
                            p.progress(-1, 1);
                            return TorchvisionExport.write(weights, spec.arch(), spec.legacyEps(), out);
                        })
                .onSuccess(r -> status.accept("Exported " + weights.getFileName() + " ("
                        + r.manifest().arch() + ", " + r.manifest().numClasses() + " classes) to " + r.pth() + " and "
                        + r.json()))));
    }

    /** The weights file's name with .pth (its own extension replaced: {@code model.masklab} -> {@code model.pth}). */
    static String defaultName(Path weights) {
        String name = weights.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        // a .pth exported next to itself would overwrite the source
        return (name.endsWith(".pth") ? base + "-torchvision" : base) + ".pth";
    }

    /** A name typed without an extension gets .pth (the manifest is the same name with .json). */
    static Path withPthExtension(Path p) {
        String name = p.getFileName().toString();
        return name.contains(".") ? p : p.resolveSibling(name + ".pth");
    }
}
