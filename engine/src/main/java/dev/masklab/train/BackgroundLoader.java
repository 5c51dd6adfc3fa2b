package dev.masklab.train;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Produces items {@code first, first+1, ...} on background threads, at most {@code capacity} ahead of the
 * consumer (a bounded queue), and hands them out in index order whatever thread finished first, so a run
 * is deterministic when each item only depends on its index.
 *
 * @param <T> item type (e.g. a batch of {@link TrainingSample})
 */
public final class BackgroundLoader<T> implements AutoCloseable {
    private final IntFunction<T> producer;
    private final ExecutorService pool;
    private final ArrayDeque<Future<T>> pending = new ArrayDeque<>();
    private final int capacity;
    private int nextToSubmit;

    /**
     * @param producer builds item {@code i}; called concurrently from {@code threads} threads
     * @param first index of the first item
     * @param threads loader threads (>= 1)
     * @param capacity items prepared ahead (>= 1)
     */
    public BackgroundLoader(IntFunction<T> producer, int first, int threads, int capacity) {
        if (threads < 1 || capacity < 1) {
            throw new IllegalArgumentException(
                    "loader needs >= 1 thread and capacity, got " + threads + ", " + capacity);
        }
        this.producer = producer;
        this.capacity = capacity;
        this.nextToSubmit = first;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "masklab-train-loader");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    private void fill() {
        while (pending.size() < capacity) {
            int i = nextToSubmit++;
            pending.add(pool.submit(() -> producer.apply(i)));
        }
    }

    /** The next item in index order; waits for it. Failures of the producer are rethrown unwrapped when unchecked. */
    public T next() throws InterruptedException {
        Future<T> f = pending.poll();
        fill();
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading training data failed: " + c, c);
        }
    }

    @Override
    public void close() {
        for (Future<T> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        pool.shutdownNow();
    }
}
