package dev.masklab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.masklab.model.Architecture;
import dev.masklab.model.ops.Autograd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the optimisation loop: per iteration {@code accumulation} batches (loaded ahead on background threads),
 * the summed loss terms back-propagated, optional gradient clipping, one SGD step at the scheduled rate; every
 * {@code checkpointEvery} iterations and at the end a {@link TrainingCheckpoint}; every {@code evalEvery}
 * iterations an evaluation. A non-finite loss term (or gradient) stops the run before the update with a
 * message naming the term and the iteration, leaving the last checkpoint as it was; {@link #cancel()} stops
 * between iterations after writing a checkpoint of the last completed one.
 */
public final class TrainingJob {

    /** Evaluation hook: COCO stats per IoU type for the weights after {@code iteration} completed iterations. */
    public interface Evaluation {
        Map<String, double[]> evaluate(Map<String, NDArray> weights, int iteration) throws IOException;
    }

    /** How a run ended. */
    public record Result(int iteration, Path lastCheckpoint, String stopReason, Map<String, Double> lastLosses) {
        public boolean completed() {
            return stopReason == null;
        }
    }

    /** The fixed part of the checkpoint state (everything but the iteration and last losses). */
    public record RunInfo(
            Architecture arch,
            int iterations,
            TrainingConfig config,
            LrSchedule schedule,
            CategoryMap categories,
            int numKeypoints,
            List<String> keypointNames) {}

    private final DetectorTraining model;
    private final TrainingBatches batches;
    private final RunInfo info;
    private final Path checkpointsDir;
    private final int checkpointEvery;
    private final int logEvery;
    private final int evalEvery;
    private final Evaluation evaluation;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private int preciseBatchNorm;

    public TrainingJob(
            DetectorTraining model,
            TrainingBatches batches,
            RunInfo info,
            Path checkpointsDir,
            int checkpointEvery,
            int logEvery,
            int evalEvery,
            Evaluation evaluation) {
        this.model = model;
        this.batches = batches;
        this.info = info;
        this.checkpointsDir = checkpointsDir;
        this.checkpointEvery = checkpointEvery;
        this.logEvery = Math.max(1, logEvery);
        this.evalEvery = evalEvery;
        this.evaluation = evaluation;
    }

    public TrainingJob addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Before each evaluation, recompute the batch norms' running statistics over {@code batches} training batches
     * ({@link PreciseBatchNorm}); only for a model trained with batch statistics. 0 (the default): off.
     */
    public TrainingJob preciseBatchNorm(int batches) {
        this.preciseBatchNorm = Math.max(0, batches);
        return this;
    }

    /** Asks the run to stop after the current iteration (thread-safe). */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * Runs from {@code start} (completed iterations, 0 for a new run) to the planned length.
     *
     * @param optimizer over {@link DetectorTraining#trainable()}, with restored momentum when resuming
     */
    public Result run(int start, SgdOptimizer optimizer, NDManager manager) throws IOException, InterruptedException {
        Autograd.noGradOnThisThread(); // any thread may run a job; gradients are recorded inside each step's collector
        TrainingConfig c = info.config();
        int iterations = info.iterations();
        int accumulation = c.accumulation();
        Path lastCheckpoint = TrainingCheckpoint.latest(checkpointsDir);
        Map<String, Double> last = Map.of();
        int threads = Math.max(1, c.loaderThreads());
        long t0 = System.nanoTime();
        double avgStep = Double.NaN;
        int it = start;
        try (BackgroundLoader<List<TrainingSample>> loader =
                new BackgroundLoader<>(batches::batch, start * accumulation, threads, Math.max(2, threads + 1))) {
            for (; it < iterations; it++) {
                if (cancelled.get()) {
                    Path ck = checkpoint(it, optimizer, last, lastCheckpoint);
                    String reason = "cancelled after iteration " + it;
                    message(reason + (ck != null ? "; checkpoint " + ck : ""));
                    return new Result(it, ck, reason, last);
                }
                long s0 = System.nanoTime();
                optimizer.zeroGradients();
                Map<String, Double> sums = new LinkedHashMap<>();
                for (int micro = 0; micro < accumulation; micro++) {
                    List<TrainingSample> batch = loader.next();
                    Random random = new Random(
                            TrainingBatches.mix(c.seed() ^ 0x243F6A8885A308D3L, (long) it * accumulation + micro));
                    try (NDManager step = manager.newSubManager();
                            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        Map<String, NDArray> losses = model.losses(batch, random, step);
                        NDArray total = null;
                        for (Map.Entry<String, NDArray> e : losses.entrySet()) {
                            float v = e.getValue().getFloat();
                            if (!Float.isFinite(v)) {
                                String reason =
                                        e.getKey() + " is " + v + " at iteration " + (it + 1) + "; training stopped"
                                                + (lastCheckpoint != null
                                                        ? ", last good checkpoint " + lastCheckpoint
                                                        : " (no checkpoint written yet)");
                                message(reason);
                                return new Result(it, lastCheckpoint, reason, last);
                            }
                            sums.merge(e.getKey(), (double) v / accumulation, Double::sum);
                            total = total == null ? e.getValue() : total.add(e.getValue());
                        }
                        gc.backward(accumulation == 1 ? total : Autograd.div(total, accumulation));
                    }
                }
                double gradNorm =
                        c.clipGradNorm() > 0 ? optimizer.clipGradientNorm(c.clipGradNorm()) : optimizer.gradientNorm();
                if (!Double.isFinite(gradNorm)) {
                    String reason = "gradient norm is " + gradNorm + " at iteration " + (it + 1) + "; training stopped"
                            + (lastCheckpoint != null
                                    ? ", last good checkpoint " + lastCheckpoint
                                    : " (no checkpoint written yet)");
                    message(reason);
                    return new Result(it, lastCheckpoint, reason, last);
                }
                double lr = info.schedule().lr(it);
                optimizer.step(lr);
                last = sums;
                double stepS = (System.nanoTime() - s0) / 1e9;
                avgStep = Double.isNaN(avgStep) ? stepS : 0.8 * avgStep + 0.2 * stepS;
                int done = it + 1;
                if (done % logEvery == 0 || done == iterations || done == start + 1) {
                    double total = sums.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
                    var p = new TrainingListener.Progress(
                            done,
                            iterations,
                            sums,
                            total,
                            lr,
                            c.batchSize() * accumulation / stepS,
                            avgStep * (iterations - done),
                            gradNorm);
                    for (TrainingListener l : listeners) {
                        l.onIteration(p);
                    }
                }
                if ((checkpointEvery > 0 && done % checkpointEvery == 0) || done == iterations) {
                    lastCheckpoint = checkpoint(done, optimizer, last, lastCheckpoint);
                }
                if (evaluation != null && ((evalEvery > 0 && done % evalEvery == 0) || done == iterations)) {
                    evaluate(done, manager);
                }
            }
        }
        if (start >= iterations && evaluation != null) {
            // nothing left to train (a finished run resumed, or re-planned to end where it is): the final evaluation
            evaluate(iterations, manager);
        }
        message(String.format("finished %d iterations in %.1f s", iterations - start, (System.nanoTime() - t0) / 1e9));
        return new Result(iterations, lastCheckpoint, null, last);
    }

    private void evaluate(int done, NDManager manager) throws IOException {
        if (preciseBatchNorm > 0 && info.config().trainBatchNorm() && model instanceof MaskRcnnTraining m) {
            long t = System.nanoTime();
            PreciseBatchNorm.recompute(m, batches, preciseBatchNorm, manager);
            message(String.format(
                    "precise batch norm: running statistics averaged over %d batches (%.1f s)",
                    preciseBatchNorm, (System.nanoTime() - t) / 1e9));
        }
        Map<String, double[]> stats = evaluation.evaluate(model.weights(), done);
        for (TrainingListener l : listeners) {
            l.onEvaluation(done, stats);
        }
    }

    private Path checkpoint(int done, SgdOptimizer optimizer, Map<String, Double> last, Path previous)
            throws IOException {
        if (previous != null && previous.getFileName().toString().equals(String.format("iter-%08d", done))) {
            return previous;
        }
        LrSchedule s = info.schedule();
        CategoryMap cm = info.categories();
        TrainingState state = new TrainingState(
                1,
                info.arch().cliName(),
                done,
                info.iterations(),
                info.config(),
                s.baseLr(),
                s.warmupIterations(),
                s.warmupFactor(),
                s.milestones(),
                s.gamma(),
                cm.categoryIds(),
                cm.names(),
                info.numKeypoints(),
                info.keypointNames(),
                last);
        Path dir = TrainingCheckpoint.write(checkpointsDir, model.weights(), optimizer.state(), state);
        for (TrainingListener l : listeners) {
            l.onCheckpoint(done, dir);
        }
        return dir;
    }

    private void message(String m) {
        for (TrainingListener l : listeners) {
            l.onMessage(m);
        }
    }
}
