package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.model.ModelCheckpoint;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.ops.Autograd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets up and runs a training job from files, as the {@code train} command does: reads the COCO training
 * set, maps its categories, starts the model from weights (torchvision {@code .pth}, an engine checkpoint
 * folder, or fresh torchvision initialisation) or resumes {@code RUN/checkpoints/latest}, and runs
 * {@link TrainingJob} writing {@code RUN/checkpoints/} and {@code RUN/metrics.jsonl}.
 *
 * @param arch architecture
 * @param dataset COCO training annotations
 * @param imageRoot folder of the training images (null: the JSON's folder)
 * @param validation COCO validation annotations (null: no evaluation)
 * @param validationRoot folder of the validation images (null: the JSON's folder)
 * @param weights starting weights (null: fresh initialisation)
 * @param runDir output folder
 * @param iterations optimizer steps; when resuming, 0 keeps the run's planned length and another value extends (or
 *     shortens) it, with the learning-rate milestones recomputed for the new length
 * @param config settings
 * @param resume continue from the run's latest checkpoint when there is one
 * @param checkpointEvery checkpoint period in iterations (0: only at the end)
 * @param logEvery metrics period in iterations
 * @param evalEvery evaluation period in iterations (0: only at the end)
 * @param keepCategoryIds label = COCO category id (for COCO-trained predictors) instead of 1..K
 * @param lrSteps (0-based) iterations at which the learning rate decays, or null for the configuration's fractions
 *     of the run; when resuming, given steps replace the checkpoint's
 */
public record TrainingRun(
        Architecture arch,
        Path dataset,
        Path imageRoot,
        Path validation,
        Path validationRoot,
        Path weights,
        Path runDir,
        int iterations,
        TrainingConfig config,
        boolean resume,
        int checkpointEvery,
        int logEvery,
        int evalEvery,
        boolean keepCategoryIds,
        int[] lrSteps) {

    public TrainingRun {
        lrSteps = lrSteps == null ? null : lrSteps.clone();
    }

    /** A run whose learning rate decays at the configuration's fractions of its length. */
    public TrainingRun(
            Architecture arch,
            Path dataset,
            Path imageRoot,
            Path validation,
            Path validationRoot,
            Path weights,
            Path runDir,
            int iterations,
            TrainingConfig config,
            boolean resume,
            int checkpointEvery,
            int logEvery,
            int evalEvery,
            boolean keepCategoryIds) {
        this(
                arch,
                dataset,
                imageRoot,
                validation,
                validationRoot,
                weights,
                runDir,
                iterations,
                config,
                resume,
                checkpointEvery,
                logEvery,
                evalEvery,
                keepCategoryIds,
                null);
    }

    @Override
    public int[] lrSteps() {
        return lrSteps == null ? null : lrSteps.clone();
    }

    public Path checkpointsDir() {
        return runDir.resolve("checkpoints");
    }

    public Path metricsFile() {
        return runDir.resolve("metrics.jsonl");
    }

    /** Runs the job; {@code jobHook} receives the job before it starts (to add listeners or cancel it). */
    public TrainingJob.Result run(TrainingListener listener, java.util.function.Consumer<TrainingJob> jobHook)
            throws IOException, InterruptedException {
        Autograd.noGradOnThisThread(); // weights are set up with in-place operations, on whatever thread runs this
        CocoDataset ds = CocoReader.read(dataset);
        Path root = imageRoot != null ? imageRoot : dataset.toAbsolutePath().getParent();
        try (NDManager manager = NDManager.newBaseManager()) {
            Path latest = resume ? TrainingCheckpoint.latest(checkpointsDir()) : null;
            TrainingCheckpoint.Loaded resumed = latest != null ? TrainingCheckpoint.read(latest, manager) : null;
            TrainingConfig cfg = resumed != null ? resumed.state().config() : config;
            if (resumed == null && iterations <= 0) {
                throw new IllegalArgumentException("no checkpoint to resume in " + checkpointsDir()
                        + ": give the number of iterations to start a new run");
            }
            int total = resumed != null && iterations <= 0 ? resumed.state().iterations() : iterations;
            if (resumed != null
                    && total != resumed.state().iterations()
                    && total < resumed.state().iteration()) {
                throw new IllegalArgumentException("the run in " + runDir + " has completed "
                        + resumed.state().iteration() + " iterations: to extend it, ask for more (got " + total
                        + "; as many ends it there)");
            }
            int numKeypoints = arch.hasKeypoints() ? keypointCount(ds) : 0;
            List<String> kpNames = arch.hasKeypoints() ? keypointNames(ds) : List.of();
            CategoryMap categories;
            if (resumed != null) {
                if (resumed.state().arch() != arch) {
                    throw new IllegalArgumentException("checkpoint " + latest + " is a "
                            + resumed.state().architecture() + ", not a " + arch.cliName());
                }
                categories = resumed.state().categoryMap();
            } else {
                List<CocoCategory> cats = arch.hasKeypoints() ? keypointCategories(ds) : ds.categories();
                categories =
                        keepCategoryIds ? CategoryMap.identity(cats, maxId(cats) + 1) : CategoryMap.contiguous(cats);
            }
            Map<String, NDArray> start;
            if (resumed != null) {
                start = resumed.weights();
                listener.onMessage("resuming " + latest + " at iteration "
                        + resumed.state().iteration() + " of " + total);
            } else {
                Map<String, NDArray> source = loadWeights(weights, manager);
                FineTune.Result ft = FineTune.adapt(
                        source, arch, categories.numClasses(), numKeypoints, cfg.seed(), manager, weights == null);
                start = ft.weights();
                listener.onMessage(
                        weights == null
                                ? "fresh torchvision initialisation (" + start.size() + " tensors)"
                                        + (cfg.trainBatchNorm() ? ", batch norms with batch statistics" : "")
                                : "weights " + weights + ": " + ft.report().summary());
            }
            CocoTrainingSet train =
                    CocoTrainingSet.of(ds, root, categories, arch.hasMasks(), numKeypoints, cfg.skipEmptyImages());
            listener.onMessage(train.size() + " training images"
                    + (train.skipped() > 0 ? " (" + train.skipped() + " without usable annotations skipped)" : "")
                    + ", " + (categories.numClasses() - 1) + " classes");
            int[] flipMap = HorizontalFlip.flipMap(kpNames, numKeypoints);
            TrainingBatches batches = new TrainingBatches(train, cfg, flipMap);
            if (resumed == null && weights == null && !cfg.trainBatchNorm()) {
                int n = ModelInit.calibrateFrozenBatchNorms(start, batches, cfg.frozenBnEps(), manager);
                listener.onMessage(
                        "frozen batch norms calibrated on " + n + " training images (training from scratch)");
            }
            MaskRcnnTraining net =
                    new MaskRcnnTraining(arch, start, categories.numClasses(), numKeypoints, cfg, manager);
            SgdOptimizer opt = new SgdOptimizer(net.trainable(), cfg.momentum(), cfg.weightDecay(), manager);
            if (resumed != null) {
                opt.loadState(resumed.momentum());
            }
            LrSchedule schedule = lrSteps != null
                    ? cfg.schedule(total, lrSteps)
                    : resumed != null && total == resumed.state().iterations()
                            ? resumed.state().schedule()
                            : cfg.schedule(total);
            if (resumed != null && total != resumed.state().iterations()) {
                listener.onMessage("run length changed from " + resumed.state().iterations() + " to " + total
                        + " iterations: learning-rate milestones now at "
                        + java.util.Arrays.toString(schedule.milestones()));
            } else if (resumed != null && lrSteps != null) {
                listener.onMessage(
                        "learning-rate milestones now at " + java.util.Arrays.toString(schedule.milestones()));
            }
            TrainingJob.RunInfo info =
                    new TrainingJob.RunInfo(arch, total, cfg, schedule, categories, numKeypoints, kpNames);
            TrainingJob.Evaluation eval = validation == null
                    ? null
                    : new ValidationEvaluator(
                            arch,
                            validation,
                            validationRoot != null
                                    ? validationRoot
                                    : validation.toAbsolutePath().getParent(),
                            categories,
                            cfg,
                            numKeypoints,
                            runDir);
            TrainingJob job =
                    new TrainingJob(net, batches, info, checkpointsDir(), checkpointEvery, logEvery, evalEvery, eval);
            int startIteration = resumed != null ? resumed.state().iteration() : 0;
            try (MetricsLog metrics = new MetricsLog(metricsFile(), resumed != null ? startIteration : -1)) {
                job.addListener(metrics).addListener(listener);
                if (jobHook != null) {
                    jobHook.accept(job);
                }
                TrainingJob.Result result = job.run(startIteration, opt, manager);
                if (result.completed()) {
                    // the trained model in the engine's checkpoint format, for the predictor and the app
                    Path model = runDir.resolve("model.masklab");
                    ModelCheckpoint.save(
                            model,
                            ValidationEvaluator.meta(
                                    ValidationEvaluator.modelConfig(arch, categories, cfg, numKeypoints),
                                    categories,
                                    cfg),
                            net.weights());
                    listener.onMessage("model written to " + model);
                }
                return result;
            }
        }
    }

    /**
     * Weights by key from a torchvision .pth, an engine model checkpoint ({@code .masklab}), a training checkpoint
     * folder (or its state.json, or a run's checkpoints folder: its latest), or none.
     */
    public static Map<String, NDArray> loadWeights(Path weights, NDManager manager) throws IOException {
        if (weights == null) {
            return Map.of();
        }
        if (!Files.exists(weights)) {
            throw new IOException("weights not found: " + weights);
        }
        Path dir = Files.isDirectory(weights)
                ? weights
                : weights.getFileName().toString().equals(TrainingCheckpoint.STATE) ? weights.getParent() : null;
        if (dir != null) {
            Path latest =
                    Files.isRegularFile(dir.resolve(TrainingCheckpoint.LATEST)) ? TrainingCheckpoint.latest(dir) : null;
            return TrainingCheckpoint.readWeights(latest != null ? latest : dir, manager);
        }
        if (ModelCheckpoint.isCheckpoint(weights)) {
            return new LinkedHashMap<>(
                    ModelCheckpoint.load(weights, manager).weights().asMap());
        }
        StateDict sd = PthLoader.load(weights, manager);
        return new LinkedHashMap<>(sd.asMap());
    }

    /** The categories that define keypoints (what a keypoint model is trained on); an error when there are none. */
    public static List<CocoCategory> keypointCategories(CocoDataset ds) {
        List<CocoCategory> out = new ArrayList<>();
        for (CocoCategory c : ds.categories()) {
            if (c.keypoints() != null && !c.keypoints().isEmpty()) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the dataset has no category with keypoints; keypointrcnn_resnet50_fpn "
                    + "needs one (e.g. COCO's person)");
        }
        return out;
    }

    /** Keypoints per instance of the keypoint categories; an error when they disagree. */
    public static int keypointCount(CocoDataset ds) {
        int n = -1;
        for (CocoCategory c : keypointCategories(ds)) {
            if (n >= 0 && c.keypoints().size() != n) {
                throw new IllegalArgumentException("categories with keypoints disagree on their number (" + n + " vs "
                        + c.keypoints().size() + " for '" + c.name() + "')");
            }
            n = c.keypoints().size();
        }
        return n;
    }

    static List<String> keypointNames(CocoDataset ds) {
        return keypointCategories(ds).get(0).keypoints();
    }

    private static int maxId(List<CocoCategory> cats) {
        long m = 0;
        for (CocoCategory c : cats) {
            m = Math.max(m, c.id());
        }
        return (int) m;
    }
}
