package dev.masklab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a cooperative cancel while a long command runs: the first signal calls
 * {@code cancel} (a training job then writes a checkpoint after the current iteration and the command exits with
 * 130); a second one restores the JVM's handlers and exits at once. Without this the JVM's shutdown would start
 * while the main thread is inside libtorch, and DJL's shutdown hook frees arrays that backward still uses (a
 * native crash, no checkpoint). Uses {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only signal API;
 * where a signal cannot be handled (e.g. reserved by the JVM) the default behaviour stays.
 */
final class SignalCancel implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    SignalCancel(Runnable cancel, PrintWriter err) {
        SignalHandler handler = new SignalHandler() {
            private boolean cancelling;

            @Override
            public synchronized void handle(Signal sig) {
                if (cancelling) {
                    err.println();
                    err.println("second SIG" + sig.getName() + ": stopping now, without a checkpoint");
                    err.flush();
                    restore();
                    Runtime.getRuntime().halt(130);
                }
                cancelling = true;
                err.println();
                err.println("SIG" + sig.getName() + ": cancelling after the current iteration (checkpoint follows); "
                        + "send it again to stop at once");
                err.flush();
                cancel.run();
            }
        };
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal s = new Signal(name);
                previous.add(Signal.handle(s, handler));
                signals.add(s);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not available on this platform or reserved: keep the default
            }
        }
    }

    private synchronized void restore() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
        signals.clear();
        previous.clear();
    }

    @Override
    public void close() {
        restore();
    }
}
