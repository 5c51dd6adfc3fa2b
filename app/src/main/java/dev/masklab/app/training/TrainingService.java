package dev.masklab.app.training;

import dev.masklab.model.Architecture;
import dev.masklab.train.MetricsLog;
import dev.masklab.train.TrainingCheckpoint;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.TrainingJob;
import dev.masklab.train.TrainingListener;
import dev.masklab.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a training job of the engine ({@link TrainingRun}, what {@code masklab train} runs) from the app: the same
 * run folder ({@code checkpoints/}, {@code metrics.jsonl}, evaluations, {@code model.masklab} at the end), so a run
 * started here can be resumed or extended from the command line and the other way round. Stopping asks the job to
 * end after the current iteration, which writes a checkpoint; its weights become the model to run.
 */
public final class TrainingService {

    /**
     * What to train, as {@code masklab train}'s options.
     *
     * @param dataset         COCO training annotations (images resolved against the JSON's folder)
     * @param validation      COCO validation annotations, or null for no evaluation
     * @param arch            architecture
     * @param weights         starting weights (.pth, .masklab, checkpoint folder), or null to train from scratch
     * @param runDir          output folder
     * @param iterations      optimizer steps (with {@code resume}: the run's new length, which may extend it)
     * @param config          the engine's settings, built as {@code masklab train} builds them
     *                        ({@link TrainingConfig#toBuilder()} on a preset)
     * @param evalEvery       evaluation period (0: at the end only)
     * @param checkpointEvery checkpoint period (0: at the end only)
     * @param resume          continue from the run folder's latest checkpoint (whose settings are kept)
     * @param imageRoot       folder the image file names of both datasets are resolved against (null: each JSON's
     *                        folder); a split written into a run folder names the open dataset's images
     */
    public record Settings(
            Path dataset,
            Path validation,
            Architecture arch,
            Path weights,
            Path runDir,
            int iterations,
            TrainingConfig config,
            int evalEvery,
            int checkpointEvery,
            boolean resume,
            Path imageRoot) {

        /** Settings whose images lie beside their JSON files (the Training tab's form). */
        public Settings(
                Path dataset,
                Path validation,
                Architecture arch,
                Path weights,
                Path runDir,
                int iterations,
                TrainingConfig config,
                int evalEvery,
                int checkpointEvery,
                boolean resume) {
            this(
                    dataset,
                    validation,
                    arch,
                    weights,
                    runDir,
                    iterations,
                    config,
                    evalEvery,
                    checkpointEvery,
                    resume,
                    null);
        }

        /** The trained model, written when the run completes. */
        public Path modelFile() {
            return runDir.resolve("model.masklab");
        }
    }

    private final AtomicReference<TrainingJob> job = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * How a run ended.
     *
     * @param result the job's result (completed, or where and why it stopped)
     * @param model  the model to run: {@code RUN/model.masklab} when the run completed, the last checkpoint's model
     *               when it stopped after one, else null
     * @param note   why a stopped run's checkpoint gave no model (it could not be written), else null
     */
    public record Outcome(TrainingJob.Result result, Path model, String note) {}

    /**
     * Runs the settings to the end or until {@link #stop()}; blocking, listener called on this thread. A resumed run
     * first replays its {@code metrics.jsonl} (the losses and evaluations up to the checkpoint it continues) to the
     * listener, so a plot shows the whole run.
     */
    public Outcome run(Settings s, TrainingListener listener) throws IOException, InterruptedException {
        check(s);
        stop.set(false);
        TrainingRun run = new TrainingRun(
                s.arch(),
                s.dataset(),
                s.imageRoot(),
                s.validation(),
                s.imageRoot(),
                s.weights(),
                s.runDir(),
                s.iterations(),
                s.config(),
                s.resume(),
                s.checkpointEvery(),
                logEvery(s.iterations()),
                s.evalEvery(),
                false);
        TrainingJob.Result r;
        try {
            r = run.run(listener, j -> {
                job.set(j);
                // called once the run has cut metrics.jsonl back to the checkpoint it resumes (or started it anew)
                if (s.resume()) {
                    try {
                        MetricsLog.replay(run.metricsFile(), s.iterations(), listener);
                    } catch (IOException e) {
                        listener.onMessage("earlier losses not shown: " + e.getMessage());
                    }
                }
                if (stop.get()) j.cancel();
            });
        } finally {
            job.set(null);
        }
        if (r.completed()) return new Outcome(r, Files.isRegularFile(s.modelFile()) ? s.modelFile() : null, null);
        if (r.lastCheckpoint() == null) return new Outcome(r, null, null);
        try {
            return new Outcome(r, TrainingCheckpoint.model(r.lastCheckpoint()), null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(r, null, "no model from checkpoint " + r.lastCheckpoint() + ": " + e.getMessage());
        }
    }

    /** Metrics period: every iteration up to 400, then at most ~400 points over the run (the loss plot's budget). */
    static int logEvery(int iterations) {
        return Math.max(1, iterations / 400);
    }

    /** Ends the running job after its current iteration (with a checkpoint); thread-safe. */
    public void stop() {
        stop.set(true);
        TrainingJob j = job.get();
        if (j != null) j.cancel();
    }

    private static void check(Settings s) throws IOException {
        if (s.dataset() == null || !Files.isRegularFile(s.dataset())) {
            throw new IOException("training dataset not found: " + s.dataset());
        }
        if (s.validation() != null && !Files.isRegularFile(s.validation())) {
            throw new IOException("validation dataset not found: " + s.validation());
        }
        if (s.weights() != null && !Files.exists(s.weights())) {
            throw new IOException("starting weights not found: " + s.weights());
        }
        if (s.runDir() == null) throw new IOException("no run folder given");
        if (s.iterations() < 1 && !s.resume()) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + s.iterations());
        }
    }
}
