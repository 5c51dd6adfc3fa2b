package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** JVM errors and unexpected exceptions thrown by a command become one line with a hint, never a stack trace. */
class CliErrorsTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Throwable what;

        Boom(Throwable what) {
            this.what = what;
        }

        @Override
        public Integer call() throws Exception {
            if (what instanceof Error e) {
                throw e;
            }
            throw (Exception) what;
        }
    }

    /** Runs {@code masklab boom} throwing {@code t}; returns the exit code and checks stderr is one line. */
    private static String run(Throwable t, int expectedCode) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("boom", new Boom(t));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("boom");
        String e = err.toString().strip();
        assertEquals(expectedCode, rc, e);
        assertEquals(1, e.lines().count(), e);
        assertFalse(e.contains("\tat ") || e.contains("Exception in thread"), e);
        assertTrue(e.startsWith("masklab boom: "), e);
        return e;
    }

    @Test
    void outOfMemoryNamesHowToRaiseTheHeap() {
        String e = run(new OutOfMemoryError("Java heap space"), 1);
        assertTrue(e.contains("out of memory") && e.contains("MASKLAB_HEAP") && e.contains("-Xmx"), e);
    }

    @Test
    void stackOverflowSaysTheInputNestsTooDeeply() {
        String e = run(new StackOverflowError(), 1);
        assertTrue(e.contains("nests too deeply"), e);
    }

    @Test
    void unexpectedExceptionsAreOneLineToo() {
        String e = run(new IllegalStateException("first line\nsecond line"), 1);
        assertTrue(e.endsWith("first line"), e);
        assertEquals("out of memory (no details); " + CliErrors.HEAP_HINT, CliErrors.describe(new OutOfMemoryError()));
    }
}
