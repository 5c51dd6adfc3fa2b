package dev.masklab.cli;

import dev.masklab.model.Architecture;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingJob;
import dev.masklab.train.TrainingListener;
import dev.masklab.train.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code masklab train}: trains Mask R-CNN / Keypoint R-CNN on a COCO dataset. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train maskrcnn_resnet50_fpn or keypointrcnn_resnet50_fpn on a COCO dataset (torchvision's "
                    + "losses, SGD momentum 0.9, weight decay 1e-4, linear warmup, step decay).",
            "Writes RUN_DIR/checkpoints/iter-NNNNNNNN/ (weights, optimizer state, settings), RUN_DIR/checkpoints/latest "
                    + "and RUN_DIR/metrics.jsonl (one JSON line per logged iteration, checkpoint and evaluation).",
            "--config small (shorter side 320, fewer proposals) is meant for CPUs; standard is the paper's."
        })
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "TRAIN.json", description = "COCO training annotations.")
    Path dataset;

    @Option(
            names = "--image-root",
            paramLabel = "DIR",
            description = "Folder of the training images (default: the JSON's folder).")
    Path imageRoot;

    @Option(names = "--val", paramLabel = "VAL.json", description = "COCO validation annotations.")
    Path val;

    @Option(
            names = "--val-image-root",
            paramLabel = "DIR",
            description = "Folder of the validation images (default: VAL.json's folder).")
    Path valImageRoot;

    @Option(
            names = "--arch",
            required = true,
            paramLabel = "ARCH",
            description = "maskrcnn_resnet50_fpn or keypointrcnn_resnet50_fpn.")
    String arch;

    @Option(
            names = "--weights",
            paramLabel = "W",
            description =
                    "Starting weights: torchvision .pth or an engine checkpoint folder; predictor layers whose shape "
                            + "differs (another class set) are re-initialised. Default: fresh torchvision initialisation.")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Output folder of the run.")
    Path out;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            description = "Optimizer steps (default: 1000; with --resume: the "
                    + "run's own length, a larger N extends the run, the learning-rate decay moved to the new length; N equal to the "
                    + "iterations done ends the run there: final evaluation and model).")
    Integer iterations;

    @Option(
            names = "--batch",
            defaultValue = "2",
            paramLabel = "B",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            description = "Base learning rate (default: 0.02 x images per step / 16).")
    Double lr;

    @Option(
            names = "--lr-steps",
            split = ",",
            paramLabel = "IT",
            description =
                    "Iterations at which the learning "
                            + "rate is divided by 10 (default: 2/3 and 8/9 of the run's length; with --resume they replace the run's).")
    int[] lrSteps;

    @Option(
            names = "--resume",
            description = "Continue from RUN_DIR/checkpoints/latest (its settings are kept; "
                    + "--iterations may extend the run).")
    boolean resume;

    @Option(
            names = "--config",
            defaultValue = "standard",
            paramLabel = "NAME",
            description =
                    "standard (paper: shorter side 800, 2000 RPN proposals, 512 RoIs) or small (CPU: 320, 600/300, 128).")
    String config;

    @Option(
            names = "--min-size",
            split = ",",
            paramLabel = "S",
            description = "Shorter-side training sizes (several: multi-scale).")
    int[] minSizes;

    @Option(names = "--max-size", paramLabel = "S", description = "Longer-side limit.")
    Integer maxSize;

    @Option(
            names = "--accumulate",
            defaultValue = "1",
            paramLabel = "K",
            description = "Batches whose gradients are summed per step.")
    int accumulate;

    @Option(
            names = "--clip-grad",
            defaultValue = "0",
            paramLabel = "NORM",
            description = "Clip the gradient norm (0: off).")
    double clipGrad;

    @Option(
            names = "--trainable-layers",
            defaultValue = "3",
            paramLabel = "0-5",
            description = "Trained ResNet stages (default: ${DEFAULT-VALUE}).")
    int trainableLayers;

    @Option(names = "--keep-empty", description = "Keep images without annotations as negatives (default: skip them).")
    boolean keepEmpty;

    @Option(
            names = "--keep-category-ids",
            description = "Label = COCO category id (keeps a COCO-trained predictor) instead of 1..K.")
    boolean keepCategoryIds;

    @Option(
            names = "--bn-eps",
            defaultValue = "1e-5",
            paramLabel = "EPS",
            description =
                    "Frozen batch-norm epsilon: 1e-5, or 0 for torchvision's original COCO checkpoints (default: ${DEFAULT-VALUE}).")
    float bnEps;

    @Option(
            names = "--batch-norm",
            defaultValue = "auto",
            paramLabel = "MODE",
            description =
                    "ResNet batch norms: frozen (fixed statistics), train (batch statistics, trained weights) or auto "
                            + "(default: train when starting from scratch, as torchvision does; frozen with --weights).")
    String batchNorm;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data order, augmentation and sampling.")
    long seed;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "500",
            paramLabel = "N",
            description = "Checkpoint period (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(
            names = "--log-every",
            defaultValue = "20",
            paramLabel = "N",
            description = "Metrics period (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(
            names = "--eval-every",
            defaultValue = "0",
            paramLabel = "N",
            description = "Evaluation period (0: at the end only).")
    int evalEvery;

    @Option(
            names = "--precise-bn",
            defaultValue = "0",
            paramLabel = "N",
            description = "Before each evaluation, average the batch norms' running statistics over N training batches "
                    + "(models trained with batch statistics; 0: off, the default).")
    int preciseBn;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Architecture a = Architecture.parse(arch);
            TrainingConfig c = config();
            if (iterations != null && iterations < 1) {
                throw new IllegalArgumentException("--iterations must be at least 1");
            }
            int n = iterations != null ? iterations : resume ? 0 : 1000;
            if (lrSteps != null) {
                TrainingConfig checked = c;
                option("--lr-steps", () -> checked.schedule(Math.max(n, 1), lrSteps));
            }
            TrainingRun run = new TrainingRun(
                    a,
                    dataset,
                    imageRoot,
                    val,
                    valImageRoot,
                    weights,
                    out,
                    n,
                    c,
                    resume,
                    checkpointEvery,
                    logEvery,
                    evalEvery,
                    keepCategoryIds,
                    lrSteps);
            SignalCancel[] signals = new SignalCancel[1];
            TrainingJob.Result r;
            try {
                r = run.run(new Progress(o, err), job -> {
                    job.preciseBatchNorm(preciseBn);
                    signals[0] = new SignalCancel(job::cancel, err);
                });
            } finally {
                if (signals[0] != null) {
                    signals[0].close();
                }
            }
            o.println();
            if (!r.completed()) {
                err.println("train: " + r.stopReason());
                err.flush();
                return r.stopReason().startsWith("cancelled") ? 130 : 3;
            }
            o.println("done: " + r.iteration() + " iterations, checkpoint " + r.lastCheckpoint());
            o.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("train: " + CliErrors.describe(e));
            err.flush();
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("train: interrupted");
            return 130;
        }
    }

    /**
     * The options as the engine's configuration: the {@code --config} preset with each option by name (what the app's
     * Training tab builds the same way); a bad value is named in the IllegalArgumentException.
     */
    TrainingConfig config() {
        TrainingConfig.Builder b = option("--config", () -> TrainingConfig.preset(config)).toBuilder()
                .batchSize(batch)
                .accumulation(accumulate)
                .clipGradNorm(clipGrad)
                .trainableBackboneLayers(trainableLayers)
                .skipEmptyImages(!keepEmpty)
                .seed(seed)
                .frozenBnEps(bnEps)
                .trainBatchNorm(
                        switch (batchNorm) {
                            case "train" -> true;
                            case "frozen" -> false;
                            case "auto" -> weights == null;
                            default ->
                                throw new IllegalArgumentException(
                                        "--batch-norm must be frozen, train or auto, got " + batchNorm);
                        });
        if (lr != null) {
            option("--lr", () -> b.baseLr(lr));
        }
        if (minSizes != null) {
            b.minSizes(minSizes);
        }
        if (maxSize != null) {
            b.maxSize(maxSize);
        }
        return b.build();
    }

    /** Progress bar on one line (carriage return), messages and checkpoints on their own lines. */
    private static final class Progress implements TrainingListener {
        private final PrintWriter out;
        private final PrintWriter err;

        Progress(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onIteration(TrainingListener.Progress p) {
            int width = 30;
            int filled = (int) ((long) width * p.iteration() / p.iterations());
            StringBuilder terms = new StringBuilder();
            for (Map.Entry<String, Double> e : p.losses().entrySet()) {
                terms.append(String.format(Locale.ROOT, " %s %.4f", e.getKey().replace("loss_", ""), e.getValue()));
            }
            out.printf(
                    Locale.ROOT,
                    "\r[%s%s] %d/%d loss %.4f%s lr %.2e %.2f img/s eta %s ",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    p.iteration(),
                    p.iterations(),
                    p.totalLoss(),
                    terms,
                    p.lr(),
                    p.imagesPerSecond(),
                    eta(p.etaSeconds()));
            out.flush();
        }

        @Override
        public void onCheckpoint(int iteration, Path dir) {
            out.println();
            out.println("checkpoint " + dir);
            out.flush();
        }

        @Override
        public void onEvaluation(int iteration, Map<String, double[]> stats) {
            out.println();
            for (Map.Entry<String, double[]> e : stats.entrySet()) {
                out.printf(
                        Locale.ROOT,
                        "eval %s at %d: AP %.4f AP50 %.4f AP75 %.4f%n",
                        e.getKey(),
                        iteration,
                        e.getValue()[0],
                        e.getValue()[1],
                        e.getValue()[2]);
            }
            out.flush();
        }

        @Override
        public void onMessage(String message) {
            out.println();
            out.println(message);
            out.flush();
        }

        private static String eta(double s) {
            if (!Double.isFinite(s)) {
                return "?";
            }
            long t = Math.round(s);
            return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
        }
    }

    /** Runs {@code check}, naming {@code option} in the message of the IllegalArgumentException it throws. */
    private static <T> T option(String option, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
