package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.synth.SyntheticDatasetGenerator;
import dev.masklab.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code masklab train} in its own JVM, stopped with SIGTERM (what {@code kill} and Ctrl-C's sibling send): the job
 * is cancelled between iterations, a checkpoint is written, and the process exits with 130 instead of dying in
 * libtorch without one.
 */
class TrainCommandSignalTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermCancelsTheJobWithACheckpointAndExitCode130() throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(4, 3).withSize(160, 120).withMeanObjects(3));
        Path json = gen.generate(tmp.resolve("data"), "train", null, 0)
                .annotationFiles()
                .get(0);
        Path run = tmp.resolve("run");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                "-Xmx2g",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--dataset",
                json.toString(),
                "--arch",
                "maskrcnn_resnet50_fpn",
                "--config",
                "small",
                "--min-size",
                "128",
                "--max-size",
                "224",
                "--trainable-layers",
                "0",
                "--batch",
                "1",
                "--iterations",
                "100000",
                "--log-every",
                "1",
                "--checkpoint-every",
                "100000",
                "--out",
                run.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        try {
            Path metrics = run.resolve("metrics.jsonl");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!(Files.exists(metrics) && Files.readString(metrics).contains("\"type\":\"train\""))) {
                assertTrue(p.isAlive(), "train exited early: " + Files.readString(tmp.resolve("err.txt")));
                assertTrue(System.nanoTime() < deadline, "no iteration logged in 180 s");
                Thread.sleep(200);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "train did not stop after SIGTERM");
            String err = Files.readString(tmp.resolve("err.txt"));
            assertEquals(130, p.exitValue(), "exit code; stderr: " + err);
            assertTrue(err.contains("SIGTERM: cancelling"), err);
            Path latest = TrainingCheckpoint.latest(run.resolve("checkpoints"));
            assertTrue(
                    latest != null && Files.isRegularFile(latest.resolve(TrainingCheckpoint.WEIGHTS)),
                    "checkpoint after cancel: " + latest + "; stderr: " + err);
            assertTrue(err.contains("cancelled after iteration"), err);
        } finally {
            p.destroyForcibly();
        }
    }
}
