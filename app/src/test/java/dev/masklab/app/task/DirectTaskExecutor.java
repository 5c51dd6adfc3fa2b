package dev.masklab.app.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Runs each {@link BackgroundTask} at once on the calling thread (tests without a display). */
public final class DirectTaskExecutor implements TaskExecutor {
    @Override
    public <T> Future<T> execute(BackgroundTask<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        T value;
        try {
            value = task.call(new BackgroundTask.Progress() {
                @Override
                public void message(String m) {
                }

                @Override
                public void progress(double d, double total) {
                }

                @Override
                public boolean isCancelled() {
                    return false;
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
