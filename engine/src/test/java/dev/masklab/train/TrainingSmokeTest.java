package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.model.Architecture;
import dev.masklab.synth.SyntheticDatasetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20 iterations of Mask R-CNN from fresh weights on 4 synthetic images (small configuration: shorter side 128,
 * few proposals; ResNet body frozen, or trained with batch-statistics batch norms as from scratch), then a resume from the iteration-10 checkpoint: the loss goes down, checkpoints are written,
 * and the resumed iteration 11 has exactly the uninterrupted run's losses.
 */
class TrainingSmokeTest {
    @TempDir
    Path tmp;

    static TrainingConfig tiny() {
        return tiny(false);
    }

    /** @param batchNorm train from scratch as torchvision does: every stage trained, batch norms with batch statistics */
    static TrainingConfig tiny(boolean batchNorm) {
        return TrainingConfig.smallCpu().toBuilder()
                .minSizes(128)
                .maxSize(224)
                .rpnPreNmsTopN(200)
                .rpnPostNmsTopN(50)
                .boxBatchPerImage(32)
                .batchSize(1)
                .baseLr(0.01)
                .warmupIterations(3)
                .clipGradNorm(10.0)
                .trainableBackboneLayers(batchNorm ? 5 : 0)
                .seed(7)
                .trainBatchNorm(batchNorm)
                .build();
    }

    @ParameterizedTest(name = "batch-statistics batch norms: {0}")
    @ValueSource(booleans = {false, true})
    void lossGoesDownCheckpointsAreWrittenAndResumeIsExact(boolean batchNorm) throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(4, 3).withSize(160, 120).withMeanObjects(3));
        Path data = tmp.resolve("data");
        Path json = gen.generate(data, "train", null, 0).annotationFiles().get(0);
        Path run = tmp.resolve("run");
        List<String> messages = new ArrayList<>();
        TrainingListener log = new TrainingListener() {
            @Override
            public void onMessage(String m) {
                messages.add(m);
            }
        };
        TrainingRun spec = new TrainingRun(
                Architecture.MASKRCNN_RESNET50_FPN,
                json,
                null,
                null,
                null,
                null,
                run,
                20,
                tiny(batchNorm),
                false,
                10,
                1,
                0,
                false);
        long t0 = System.nanoTime();
        TrainingJob.Result result = spec.run(log, null);
        System.out.printf("20 iterations in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertTrue(result.completed(), "stopped: " + result.stopReason() + " " + messages);
        Map<Integer, JsonNode> first = trainLines(run.resolve("metrics.jsonl"));
        assertEquals(20, first.size());
        double early = 0;
        double late = 0;
        for (int i = 1; i <= 5; i++) {
            early += first.get(i).get("loss").asDouble();
            late += first.get(15 + i).get("loss").asDouble();
        }
        System.out.println("mean loss iterations 1-5 " + early / 5 + ", 16-20 " + late / 5);
        assertTrue(late < early * 0.9, "loss did not go down: " + early / 5 + " -> " + late / 5);
        Path ck10 = run.resolve("checkpoints/iter-00000010");
        Path ck20 = run.resolve("checkpoints/iter-00000020");
        assertTrue(Files.isRegularFile(ck10.resolve(TrainingCheckpoint.WEIGHTS)));
        assertTrue(Files.isRegularFile(ck20.resolve(TrainingCheckpoint.STATE)));
        assertEquals(ck20, TrainingCheckpoint.latest(run.resolve("checkpoints")));
        assertTrue(
                dev.masklab.model.ModelCheckpoint.isCheckpoint(run.resolve("model.masklab")), "engine model written");

        // resume a copy of the run from its iteration-10 checkpoint and stop after one iteration
        Path run2 = tmp.resolve("run2");
        Files.createDirectories(run2.resolve("checkpoints/iter-00000010"));
        for (String f : List.of(TrainingCheckpoint.WEIGHTS, TrainingCheckpoint.OPTIMIZER, TrainingCheckpoint.STATE)) {
            Files.copy(
                    ck10.resolve(f), run2.resolve("checkpoints/iter-00000010").resolve(f));
        }
        Files.writeString(run2.resolve("checkpoints/latest"), "iter-00000010\n");
        TrainingJob.Result r2 = resumeOneIteration(json, run2, 20, batchNorm, log);
        assertEquals(11, r2.iteration());
        assertTrue(r2.stopReason().contains("cancelled"), r2.stopReason());
        JsonNode resumed = trainLines(run2.resolve("metrics.jsonl")).get(11);
        JsonNode uninterrupted = first.get(11);
        for (String k :
                List.of("loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg")) {
            assertEquals(
                    uninterrupted.get(k).asDouble(),
                    resumed.get(k).asDouble(),
                    1e-6 * Math.abs(uninterrupted.get(k).asDouble()),
                    k + " at iteration 11");
        }
        if (batchNorm) {
            // batch statistics moved the running statistics saved with the weights away from their initial 0 / 1
            float[] var = weightsOf(ck20).get("backbone.body.layer4.2.bn3.running_var");
            float[] mean = weightsOf(ck20).get("backbone.body.bn1.running_mean");
            assertTrue(
                    Math.abs(var[0] - 1) > 1e-3 && Math.abs(mean[0]) > 1e-3,
                    "running statistics not updated: " + var[0] + " " + mean[0]);
        }
        // the cancelled run left a valid checkpoint of its last iteration
        assertEquals(run2.resolve("checkpoints/iter-00000011"), TrainingCheckpoint.latest(run2.resolve("checkpoints")));

        // extend the finished run to 40 iterations: the learning-rate decay moves to the new length (the 20-iteration
        // schedule had decayed twice by iteration 21, the 40-iteration one not yet)
        TrainingJob.Result r3 = resumeOneIteration(json, run, 40, batchNorm, log);
        assertEquals(21, r3.iteration());
        assertEquals(
                tiny(batchNorm).schedule(40).lr(20),
                trainLines(run.resolve("metrics.jsonl")).get(21).get("lr").asDouble(),
                1e-12);
        assertTrue(tiny(batchNorm).schedule(40).lr(20)
                > 50 * tiny(batchNorm).schedule(20).lr(19));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            Path ck21 = TrainingCheckpoint.latest(run.resolve("checkpoints"));
            assertEquals(run.resolve("checkpoints/iter-00000021"), ck21);
            assertEquals(
                    40, TrainingCheckpoint.read(ck21, m).state().iterations(), "the new length is kept for resuming");
        }
        // explicit learning-rate steps replace the resumed run's milestones: the decay at 21 applies to iteration 22
        TrainingJob.Result r4 = resumeOneIteration(json, run, 40, new int[] {21, 30}, batchNorm, log);
        assertEquals(22, r4.iteration());
        double stepLr =
                trainLines(run.resolve("metrics.jsonl")).get(22).get("lr").asDouble();
        assertEquals(tiny(batchNorm).schedule(40).lr(21) * 0.1, stepLr, 1e-12);
        assertTrue(messages.contains("learning-rate milestones now at [21, 30]"), messages.toString());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertArrayEquals(
                    new int[] {21, 30},
                    TrainingCheckpoint.read(TrainingCheckpoint.latest(run.resolve("checkpoints")), m)
                            .state()
                            .schedule()
                            .milestones(),
                    "the steps are kept for resuming");
        }
        // a run cannot be "extended" to fewer iterations than it has done
        TrainingRun shorter = new TrainingRun(
                Architecture.MASKRCNN_RESNET50_FPN,
                json,
                null,
                null,
                null,
                null,
                run,
                15,
                tiny(batchNorm),
                true,
                10,
                1,
                0,
                false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shorter.run(log, null));
        assertTrue(e.getMessage().contains("has completed 22 iterations"), e.getMessage());
    }

    /** Resumes {@code run} planned for {@code iterations} and cancels it after one iteration. */
    private static TrainingJob.Result resumeOneIteration(
            Path json, Path run, int iterations, boolean batchNorm, TrainingListener log) throws Exception {
        return resumeOneIteration(json, run, iterations, null, batchNorm, log);
    }

    /** The same with explicit learning-rate steps (null: the configuration's fractions of the run). */
    private static TrainingJob.Result resumeOneIteration(
            Path json, Path run, int iterations, int[] lrSteps, boolean batchNorm, TrainingListener log)
            throws Exception {
        TrainingRun resume = new TrainingRun(
                Architecture.MASKRCNN_RESNET50_FPN,
                json,
                null,
                null,
                null,
                null,
                run,
                iterations,
                tiny(batchNorm),
                true,
                10,
                1,
                0,
                false,
                lrSteps);
        return resume.run(
                log,
                job -> job.addListener(new TrainingListener() {
                    @Override
                    public void onIteration(Progress p) {
                        job.cancel();
                    }
                }));
    }

    private static Map<String, float[]> weightsOf(Path checkpoint) throws Exception {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            Map<String, float[]> out = new TreeMap<>();
            TrainingCheckpoint.readWeights(checkpoint, m).forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    static Map<Integer, JsonNode> trainLines(Path metrics) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Integer, JsonNode> out = new TreeMap<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("train")) {
                out.put(n.get("iteration").asInt(), n);
            }
        }
        return out;
    }
}
