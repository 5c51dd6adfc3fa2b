package dev.masklab.app.browser;

import dev.masklab.app.task.DaemonThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.image.Image;

/**
 * Thumbnails decoded on a small pool of daemon threads, kept in a bounded LRU cache. Requests are served newest first
 * (the cells the user is looking at now), and a cell that is reused for another image cancels its pending request,
 * so fast scrolling through 100k images never queues up stale work.
 */
public final class ThumbnailCache implements AutoCloseable {
    private final int size;
    private final Map<Path, Image> lru;
    private final ThreadPoolExecutor pool;

    public ThumbnailCache(int size, int maxEntries, int threads) {
        this.size = size;
        this.lru = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Image> e) {
                return size() > maxEntries;
            }
        };
        // LIFO: a deque used as a stack serves the most recently requested thumbnails first
        LinkedBlockingDeque<Runnable> stack = new LinkedBlockingDeque<>() {
            @Override
            public boolean offer(Runnable r) {
                return offerFirst(r);
            }
        };
        this.pool = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                stack,
                DaemonThreads.factory("thumbnails", Thread.MIN_PRIORITY));
    }

    public int thumbnailSize() {
        return size;
    }

    /** The cached thumbnail or null; call on the FX thread. */
    public synchronized Image cached(Path file) {
        return lru.get(file);
    }

    public synchronized int cachedCount() {
        return lru.size();
    }

    /**
     * Decodes {@code file} scaled to fit the thumbnail size in the background, then calls {@code done} on the FX
     * thread with the image (an errored image when the file is missing or not decodable). The returned future may be
     * cancelled when the result is no longer wanted.
     */
    public Future<?> request(Path file, Consumer<Image> done) {
        return pool.submit(() -> {
            Image img;
            if (file == null || !Files.isRegularFile(file)) img = null;
            else img = new Image(file.toUri().toString(), size, size, true, true, false);
            Image result = img;
            if (img != null && !img.isError())
                synchronized (this) {
                    lru.put(file, img);
                }
            Platform.runLater(() -> done.accept(result));
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
