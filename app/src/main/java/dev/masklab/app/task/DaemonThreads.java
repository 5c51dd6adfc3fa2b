package dev.masklab.app.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the app makes threads: daemon threads named after their work. {@link FxTaskExecutor} runs the app's
 * tasks on them; the image loader and the thumbnail pool use their own lanes from here (one image at a time, newest
 * thumbnails first).
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** A factory of daemon threads named {@code name-N}. */
    public static ThreadFactory factory(String name) {
        return factory(name, Thread.NORM_PRIORITY);
    }

    /** A factory of daemon threads named {@code name-N} with {@code priority} (background work below the UI's). */
    public static ThreadFactory factory(String name, int priority) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(priority);
            return t;
        };
    }

    /** One daemon thread running its tasks in order. */
    public static ExecutorService serial(String name) {
        return Executors.newSingleThreadExecutor(factory(name));
    }

    /** Daemon threads made as needed and kept 60 s. */
    public static ExecutorService cached(String name) {
        return Executors.newCachedThreadPool(factory(name));
    }
}
