package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code masklab train}'s argument checks, run in-process (training itself: TrainingSmokeTest, TrainCommandSignalTest). */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void badSettingsAreNamedBeforeAnythingIsRead() {
        Path run = tmp.resolve("run");
        String[] common = {
            "train",
            "--dataset",
            tmp.resolve("absent.json").toString(),
            "--arch",
            "maskrcnn_resnet50_fpn",
            "--out",
            run.toString(),
            "--iterations",
            "100"
        };
        GenerateCommandTest.Run r = GenerateCommandTest.run(concat(common, "--lr-steps", "60,30"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--lr-steps: milestones must be ascending iterations >= 0: [60, 30]"), r.err());
        r = GenerateCommandTest.run(concat(common, "--lr-steps=-5"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--lr-steps: milestones must be ascending iterations >= 0: [-5]"), r.err());
        r = GenerateCommandTest.run(concat(common, "--config", "tiny"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--config: configuration must be standard or small, got tiny"), r.err());
        assertFalse(Files.exists(run), "nothing written for a refused command");
    }

    private static TrainingConfig config(String... options) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd)
                .parseArgs(concat(
                        new String[] {"--dataset", "t.json", "--arch", "maskrcnn_resnet50_fpn", "--out", "run"},
                        options));
        return cmd.config();
    }

    private static ObjectNode json(TrainingConfig c) {
        return new ObjectMapper().valueToTree(c);
    }

    @Test
    void optionsBecomeTheNamedSettingsOfThePresetAndDefaultsKeepIt() {
        // no options: the standard preset, batch norms trained from scratch (--batch-norm auto without --weights)
        assertEquals(
                json(TrainingConfig.standard().toBuilder().trainBatchNorm(true).build()), json(config()));
        assertEquals(
                json(TrainingConfig.smallCpu().toBuilder().trainBatchNorm(false).build()),
                json(config("--config", "small", "--weights", "w.pth")));
        TrainingConfig c = config(
                "--config",
                "small",
                "--batch",
                "4",
                "--lr",
                "0.01",
                "--min-size",
                "640,800",
                "--max-size",
                "1000",
                "--accumulate",
                "2",
                "--clip-grad",
                "5",
                "--trainable-layers",
                "5",
                "--keep-empty",
                "--bn-eps",
                "0",
                "--batch-norm",
                "frozen",
                "--seed",
                "7");
        assertEquals(
                json(TrainingConfig.smallCpu().toBuilder()
                        .batchSize(4)
                        .baseLr(0.01)
                        .minSizes(640, 800)
                        .maxSize(1000)
                        .accumulation(2)
                        .clipGradNorm(5)
                        .trainableBackboneLayers(5)
                        .skipEmptyImages(false)
                        .frozenBnEps(0)
                        .trainBatchNorm(false)
                        .seed(7)
                        .build()),
                json(c));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> config("--batch-norm", "sometimes"));
        assertEquals("--batch-norm must be frozen, train or auto, got sometimes", e.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
