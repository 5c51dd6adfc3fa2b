package dev.masklab.app.task;

import java.util.concurrent.Future;

/**
 * Runs {@link BackgroundTask}s: the only place the app starts background work (as JabRef's {@code TaskExecutor}). The
 * JavaFX implementation is {@link FxTaskExecutor}; tests without a display run the work at once on their thread.
 */
public interface TaskExecutor {
    /** Starts {@code task}; the future ends once its handlers have run. Cancelling it asks the work to stop. */
    <T> Future<T> execute(BackgroundTask<T> task);
}
