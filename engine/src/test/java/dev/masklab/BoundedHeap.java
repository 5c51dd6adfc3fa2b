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

    /** Reads one file (a probe's action). */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }

    /**
     * The body of a child-JVM probe's main: reads each file, printing each refusal's message; exits 0 when every file
     * was refused with {@code refusal}, 3 when one was read, 4 when anything else escaped (an OutOfMemoryError
     * included).
     */
    public static void probe(String[] files, Reader reader, Class<? extends Exception> refusal) {
        for (String f : files) {
            try {
                reader.read(Path.of(f));
                System.out.println("READ " + f);
                System.exit(3);
            } catch (Throwable e) {
                if (!refusal.isInstance(e)) {
                    System.out.println("ESCAPED " + f + ": " + e);
                    System.exit(4);
                }
                System.out.println(e.getMessage());
            }
        }
        System.exit(0);
    }

    public static Result run(Class<?> main, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
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
