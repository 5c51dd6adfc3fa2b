package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code masklab train}'s argument checks, run in-process (training itself: TrainingSmokeTest, TrainCommandSignalTest). */
class TrainCommandTest {
  @TempDir Path tmp;

  @Test
  void badSettingsAreNamedBeforeAnythingIsRead() {
    Path run = tmp.resolve("run");
    String[] common = {"train", "--dataset", tmp.resolve("absent.json").toString(), "--arch", "maskrcnn_resnet50_fpn",
        "--out", run.toString(), "--iterations", "100"};
    GenerateCommandTest.Run r = GenerateCommandTest.run(concat(common, "--lr-steps", "60,30"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--lr-steps: milestones must be ascending iterations >= 0: [60, 30]"),
        r.err());
    r = GenerateCommandTest.run(concat(common, "--lr-steps=-5"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--lr-steps: milestones must be ascending iterations >= 0: [-5]"), r.err());
    r = GenerateCommandTest.run(concat(common, "--config", "tiny"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--config: configuration must be standard or small, got tiny"), r.err());
    assertFalse(Files.exists(run), "nothing written for a refused command");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
