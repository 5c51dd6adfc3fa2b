package dev.masklab.app.task;

import dev.masklab.cli.CliErrors;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Work for a background thread and what happens on the FX thread when it ends (as JabRef's {@code BackgroundTask}):
 * built by the feature that needs it, run by a {@link TaskExecutor}. The work reports through {@link Progress} and
 * never touches the scene graph.
 *
 * @param <T> the work's result
 */
public final class BackgroundTask<T> {
    /** The work itself, on the background thread. */
    @FunctionalInterface
    public interface Work<T> {
        T call(Progress progress) throws Exception;
    }

    /** What the work tells while it runs; {@link #isCancelled()} asks it to end early. */
    public interface Progress {
        void message(String message);

        /** {@code done} of {@code total}; a negative {@code done} means "unknown" (an indeterminate bar). */
        void progress(double done, double total);

        boolean isCancelled();
    }

    private final String failureTitle;
    private final Work<T> work;
    private Consumer<T> onSuccess = v -> {};
    private Consumer<Throwable> onFailure;
    private Runnable onFinished = () -> {};

    private BackgroundTask(String failureTitle, Work<T> work) {
        this.failureTitle = Objects.requireNonNull(failureTitle);
        this.work = Objects.requireNonNull(work);
    }

    /** @param failureTitle how a failure is headed ("Cannot save x.json"); the exception's message follows it */
    public static <T> BackgroundTask<T> of(String failureTitle, Work<T> work) {
        return new BackgroundTask<>(failureTitle, work);
    }

    /** On the FX thread with the result. */
    public BackgroundTask<T> onSuccess(Consumer<T> c) {
        onSuccess = Objects.requireNonNull(c);
        return this;
    }

    /** On the FX thread with the failure; without it the executor reports it ({@link #failureTitle()}). */
    public BackgroundTask<T> onFailure(Consumer<Throwable> c) {
        onFailure = c;
        return this;
    }

    /** On the FX thread after success, failure or cancellation, before their handlers. */
    public BackgroundTask<T> onFinished(Runnable r) {
        onFinished = Objects.requireNonNull(r);
        return this;
    }

    public String failureTitle() {
        return failureTitle;
    }

    public T call(Progress p) throws Exception {
        return work.call(p);
    }

    public void succeeded(T value) {
        onFinished.run();
        onSuccess.accept(value);
    }

    /** Runs the failure handler; false when there is none (the executor then reports the failure itself). */
    public boolean failed(Throwable t) {
        onFinished.run();
        if (onFailure == null) return false;
        onFailure.accept(t);
        return true;
    }

    public void cancelled() {
        onFinished.run();
    }

    /** The one line a failure is reported with ({@link CliErrors#describe}: out of memory and stack overflow with a hint). */
    public static String describe(Throwable t) {
        return t == null ? "unknown error" : CliErrors.describe(t);
    }
}
