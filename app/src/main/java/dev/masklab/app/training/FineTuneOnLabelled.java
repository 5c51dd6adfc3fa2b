package dev.masklab.app.training;

import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.training.TrainingService.Settings;
import dev.masklab.coco.CocoDataset;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Fine-tune on what is labelled" (#16 part 7), the part that needs no window: the complete images of the open
 * dataset (as edited) split into training and validation sets made for the user ({@link TrainingSplit}: seeded,
 * stratified, a fifth for validation), written into a new run folder beside the dataset ({@code runs/NAME-finetune-
 * TIME/train.json} and {@code val.json}, durably), and the Training tab's {@link Settings} to fine-tune the loaded
 * model on them in that folder. The preset and the iteration count are asked ({@link #ask}).
 */
public final class FineTuneOnLabelled {
    /** Share of the complete images held out for the evaluations the Training tab shows. */
    public static final double VALIDATION_FRACTION = 0.2;
    /** Seed of the split (the same labelled images always split the same way). */
    public static final long SEED = 42;
    /** Iterations proposed: a short fine-tune that a CPU finishes in minutes with the small preset. */
    public static final int DEFAULT_ITERATIONS = 300;

    private FineTuneOnLabelled() {}

    /**
     * The model to start from.
     *
     * @param weights the loaded model's weights file (MaskLab checkpoint or torchvision .pth)
     * @param arch    its architecture
     * @param model   its settings, for its image size (null: the preset's)
     */
    public record Source(Path weights, Architecture arch, MaskRcnnConfig model) {}

    /** What the user chose: a preset of {@link TrainingConfig#preset} and the number of iterations. */
    public record Choice(String preset, int iterations) {}

    /** A prepared run: the split (written into the run folder) and the settings that train on it. */
    public record Plan(TrainingSplit split, Settings settings) {}

    /** {@code DIR/runs/NAME-finetune-yyyyMMdd-HHmmss} beside {@code DIR/NAME.json}. */
    public static Path runFolder(Path datasetJson, LocalDateTime now) {
        String name = datasetJson.getFileName().toString().replaceFirst("(?i)\\.json$", "");
        return datasetJson
                .toAbsolutePath()
                .resolveSibling("runs")
                .resolve(name + "-finetune-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /**
     * Asks for the preset (small for CPUs, standard) and the iterations; empty when cancelled or when the number typed
     * is not a whole number from 1 to 1,000,000 (said in an error).
     */
    public static Optional<Choice> ask(DialogService dialogs, int completeImages, Source from, Path runDir) {
        String what = completeImages + (completeImages == 1 ? " labelled image" : " labelled images")
                + " (marked done, or reviewed with nothing pending), a fifth of them held out for validation; from "
                + from.weights().getFileName() + "; into " + runDir + ". When it finishes, its model becomes the "
                + "loaded model and the images not yet reviewed are predicted again.";
        Optional<String> preset =
                dialogs.choose("Fine-tune on what is labelled: preset", what, List.of("small", "standard"), "small");
        if (preset.isEmpty()) return Optional.empty();
        Optional<String> typed = dialogs.askText(
                "Fine-tune on what is labelled: iterations",
                "Optimizer steps (" + preset.get() + " preset)",
                Integer.toString(DEFAULT_ITERATIONS));
        if (typed.isEmpty()) return Optional.empty();
        int n;
        try {
            n = Integer.parseInt(typed.get().strip());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 1_000_000) {
            dialogs.showError(
                    "Not a number of iterations",
                    "\"" + typed.get() + "\": give a whole number from 1 to " + "1,000,000");
            return Optional.empty();
        }
        return Optional.of(new Choice(preset.get(), n));
    }

    /**
     * Splits the complete images of {@code coco}, writes the split into {@code runDir} and makes the settings: the
     * chosen preset fine-tuning {@code from} (frozen batch norms, as {@code masklab train} fine-tunes), at the preset's
     * image size or the model's own when that is smaller (a model is not trained at a size it was not made for, and
     * the preset bounds the cost), evaluated on the validation set at the end, a checkpoint at the end.
     *
     * @param imageRoot the folder the dataset's image file names resolve against
     * @throws IllegalArgumentException when no image is complete
     */
    public static Plan prepare(
            CocoDataset coco, Path imageRoot, Set<Long> complete, Source from, Choice choice, Path runDir)
            throws IOException {
        TrainingSplit split = TrainingSplit.of(coco, complete, VALIDATION_FRACTION, SEED);
        List<Path> files = split.write(runDir);
        TrainingConfig preset = TrainingConfig.preset(choice.preset());
        TrainingConfig.Builder config = preset.toBuilder().trainBatchNorm(false);
        MaskRcnnConfig m = from.model();
        if (m != null && m.minSize() < preset.minSizes()[0]) {
            config.minSizes(m.minSize()).maxSize(Math.min(preset.maxSize(), Math.max(m.maxSize(), m.minSize())));
        }
        Settings s = new Settings(
                files.get(0),
                split.validation().images().isEmpty() ? null : files.get(1),
                from.arch(),
                from.weights(),
                runDir,
                choice.iterations(),
                config.build(),
                0,
                0,
                false,
                imageRoot);
        return new Plan(split, s);
    }
}
