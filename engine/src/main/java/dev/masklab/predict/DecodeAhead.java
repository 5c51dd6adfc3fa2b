package dev.masklab.predict;

import dev.masklab.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Image files decoded ahead of the model, in order: while the model runs on image i, decoder threads read images
 * i+1 .. i+window. Memory stays bounded by the window ({@code window} decoded images at most, whatever the number of
 * files), results come back in the files' order, and a file that can't be read comes back as its one-line error, at
 * its place, so the caller names it and goes on. Closing stops the decoders (daemon threads: a run cancelled half
 * way never keeps the JVM alive).
 *
 * <p>Written on an {@link ExecutorService} and a queue of futures rather than a library: the JDK has what is needed
 * and the order and window rules are the whole of it.
 */
public final class DecodeAhead implements AutoCloseable {
    /** One file's outcome: its image, or why it could not be read. */
    public record Decoded(int index, Path file, BufferedImage image, IOException error) {
        /** The image, or the read error thrown. */
        public BufferedImage imageOrThrow() throws IOException {
            if (error != null) throw error;
            return image;
        }
    }

    private final List<Path> files;
    private final Function<Path, BufferedImage> decoder;
    private final int window;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Decoded>> ahead = new ArrayDeque<>();
    private int submitted;
    private int taken;

    /**
     * @param threads decoder threads (at least 1)
     * @param window images decoded ahead at most (at least {@code threads})
     */
    public DecodeAhead(List<Path> files, int threads, int window) {
        this(files, threads, window, DecodeAhead::read);
    }

    DecodeAhead(List<Path> files, int threads, int window, Function<Path, BufferedImage> decoder) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        this.files = List.copyOf(files);
        this.decoder = decoder;
        this.window = Math.max(window, threads);
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "masklab-decode");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /** Decoder threads a machine with {@code cores} cores can spare for a model that uses the others: 1 or 2. */
    public static int defaultThreads(int cores) {
        return cores >= 8 ? 2 : 1;
    }

    public boolean hasNext() {
        return taken < files.size();
    }

    /** The next file's outcome, in order (waits for its decoder when it isn't done yet). */
    public Decoded next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        Future<Decoded> f = ahead.poll();
        taken++;
        fill();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while decoding");
        } catch (ExecutionException e) {
            // the decoder wraps read errors itself; anything else (out of memory) is the caller's to see
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    private void fill() {
        while (submitted < files.size() && submitted - taken < window) {
            int i = submitted++;
            Path file = files.get(i);
            ahead.add(pool.submit(() -> {
                try {
                    return new Decoded(i, file, decoder.apply(file), null);
                } catch (UncheckedReadException e) {
                    return new Decoded(i, file, null, e.getCause());
                }
            }));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        ahead.clear();
    }

    private static BufferedImage read(Path file) {
        try {
            return ImageDecoder.read(file);
        } catch (IOException e) {
            throw new UncheckedReadException(e);
        }
    }

    /** A read error carried out of a decoder function. */
    static final class UncheckedReadException extends RuntimeException {
        UncheckedReadException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
