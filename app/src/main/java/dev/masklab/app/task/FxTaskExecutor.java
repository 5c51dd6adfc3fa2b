package dev.masklab.app.task;

import dev.masklab.app.dialog.DialogService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;

/**
 * The app's task runner: {@link BackgroundTask}s become JavaFX {@link Task}s on daemon threads; the latest one's
 * message and progress are shown by the status bar ({@link #messageProperty()}, {@link #progressProperty()}). A
 * failure without its own handler goes to the status line and to {@link DialogService#showError}.
 */
public final class FxTaskExecutor implements TaskExecutor {
    private final ExecutorService threads = DaemonThreads.cached("masklab-task");
    private final DialogService dialogs;
    private Consumer<String> status = s -> {};
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private Task<?> shown;

    public FxTaskExecutor(DialogService dialogs) {
        this.dialogs = dialogs;
    }

    /** Where a failure's one line goes (the status bar). */
    public void setStatusLine(Consumer<String> status) {
        this.status = status;
    }

    @Override
    public <T> Future<T> execute(BackgroundTask<T> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Task<T> t = new Task<>() {
            @Override
            protected T call() throws Exception {
                Task<T> self = this;
                return task.call(new BackgroundTask.Progress() {
                    @Override
                    public void message(String m) {
                        updateMessage(m);
                    }

                    @Override
                    public void progress(double d, double total) {
                        updateProgress(d, total);
                    }

                    @Override
                    public boolean isCancelled() {
                        return self.isCancelled() || done.isCancelled();
                    }
                });
            }

            @Override
            protected void succeeded() {
                unshow(this);
                task.succeeded(getValue());
                done.complete(getValue());
            }

            @Override
            protected void failed() {
                unshow(this);
                Throwable ex = getException();
                if (!task.failed(ex)) {
                    String line = task.failureTitle() + ": " + BackgroundTask.describe(ex);
                    status.accept(line);
                    dialogs.showError(task.failureTitle(), BackgroundTask.describe(ex));
                }
                done.completeExceptionally(ex);
            }

            @Override
            protected void cancelled() {
                unshow(this);
                task.cancelled();
                done.cancel(false);
            }
        };
        show(t);
        threads.submit(t);
        return new Future<>() {
            @Override
            public boolean cancel(boolean interrupt) {
                return t.cancel(interrupt);
            }

            @Override
            public boolean isCancelled() {
                return done.isCancelled();
            }

            @Override
            public boolean isDone() {
                return done.isDone();
            }

            @Override
            public T get() throws InterruptedException, java.util.concurrent.ExecutionException {
                return done.get();
            }

            @Override
            public T get(long timeout, java.util.concurrent.TimeUnit unit)
                    throws InterruptedException, java.util.concurrent.ExecutionException,
                            java.util.concurrent.TimeoutException {
                return done.get(timeout, unit);
            }
        };
    }

    private void show(Task<?> t) {
        shown = t;
        message.bind(t.messageProperty());
        progress.bind(t.progressProperty());
    }

    private void unshow(Task<?> t) {
        if (shown != t) return;
        message.unbind();
        progress.unbind();
        message.set("");
        progress.set(0);
        shown = null;
    }

    /** What the latest running task says ("" when none runs). */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The latest running task's progress (0..1, -1 indeterminate; 0 when none runs). */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }
}
