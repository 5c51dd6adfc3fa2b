package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl written, cut back on resume, and replayed (what the Training tab plots after Resume). */
class MetricsLogTest {
    @TempDir
    Path tmp;

    private static TrainingListener.Progress progress(int iteration) {
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("loss_classifier", 0.5 / iteration);
        losses.put("loss_mask", 0.25 / iteration);
        return new TrainingListener.Progress(
                iteration, 10, losses, 0.75 / iteration, 0.01 * iteration, 2.5, 30, 1.5 + iteration);
    }

    /** Records what a listener is told. */
    private static final class Recorder implements TrainingListener {
        final List<Progress> iterations = new ArrayList<>();
        final List<String> other = new ArrayList<>();

        @Override
        public void onIteration(Progress p) {
            iterations.add(p);
        }

        @Override
        public void onEvaluation(int iteration, Map<String, double[]> stats) {
            other.add("eval " + iteration + " " + stats.keySet() + " " + stats.get("bbox")[0]);
        }

        @Override
        public void onCheckpoint(int iteration, Path dir) {
            other.add("checkpoint " + iteration);
        }
    }

    @Test
    void replayGivesBackTheLoggedIterationsAndEvaluationsUpToTheResumedCheckpoint() throws Exception {
        Path file = tmp.resolve("run/metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, -1)) {
            for (int i = 1; i <= 4; i++) {
                log.onIteration(progress(i));
                if (i == 2) {
                    log.onCheckpoint(2, tmp.resolve("run/checkpoints/iter-00000002"));
                    log.onEvaluation(2, Map.of("bbox", new double[] {0.25, 0.5}));
                }
            }
        }
        Files.writeString(
                file,
                "{\"type\":\"train\",\"itera",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND); // a killed run's torn line

        Recorder all = new Recorder();
        assertEquals(5, MetricsLog.replay(file, 10, all));
        assertEquals(
                List.of(1, 2, 3, 4),
                all.iterations.stream()
                        .map(TrainingListener.Progress::iteration)
                        .toList());
        assertEquals(progress(3), all.iterations.get(2), "every field as logged; the run length as given");
        assertEquals(List.of("eval 2 [bbox] 0.25"), all.other, "checkpoints are not replayed");

        // resuming the checkpoint at 2 cuts the later lines; the replay then shows the run up to there
        new MetricsLog(file, 2).close();
        Recorder resumed = new Recorder();
        assertEquals(3, MetricsLog.replay(file, 20, resumed));
        assertEquals(
                List.of(1, 2),
                resumed.iterations.stream()
                        .map(TrainingListener.Progress::iteration)
                        .toList());
        assertEquals(20, resumed.iterations.getFirst().iterations());
        assertArrayEquals(
                new Object[] {"loss_classifier", "loss_mask"},
                resumed.iterations.getFirst().losses().keySet().toArray());

        assertEquals(0, MetricsLog.replay(tmp.resolve("absent.jsonl"), 10, new Recorder()));
    }
}
