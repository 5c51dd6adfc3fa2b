package dev.masklab.app.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Runs each {@link BackgroundTask} at once on the calling thread (tests without a display). */
public final class DirectTaskExecutor implements TaskExecutor {
    private final boolean cancelled;

    public DirectTaskExecutor() {
        this(false);
    }

    /** @param cancelled what the work's {@code isCancelled()} answers (true: as if Stop was pressed at once) */
    public DirectTaskExecutor(boolean cancelled) {
        this.cancelled = cancelled;
    }

    @Override
    public <T> Future<T> execute(BackgroundTask<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        T value;
        try {
            value = task.call(new BackgroundTask.Progress() {
                @Override
                public void message(String m) {}

                @Override
                public void progress(double d, double total) {}

                @Override
                public boolean isCancelled() {
                    return cancelled;
                }
            });
        } catch (Exception e) {
            if (!task.failed(e)) throw new AssertionError(task.failureTitle(), e);
            f.completeExceptionally(e);
            return f;
        }
        task.succeeded(value);
        f.complete(value);
        return f;
    }
}
