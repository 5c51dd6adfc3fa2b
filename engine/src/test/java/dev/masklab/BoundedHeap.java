package dev.masklab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs a main class of the test classpath in a child JVM limited to a 1 GB heap (issue #18's bound for
 * untrusted input), returning its exit code and its stdout and stderr together.
 */
public final class BoundedHeap {
  /** The heap of the child JVM. */
  public static final String HEAP = "-Xmx1g";

  private BoundedHeap() {}

  /** The child's exit code and output. */
  public record Result(int exitCode, String output) {}

  public static Result run(Class<?> main, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", HEAP, "-cp",
        System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish: " + output);
    }
    return new Result(p.exitValue(), output);
  }
}
