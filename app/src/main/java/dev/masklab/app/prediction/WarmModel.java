package dev.masklab.app.prediction;

import ai.djl.Device;
import dev.masklab.app.prediction.PredictionService.DeviceChoice;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The app's loaded model (#16 part 1): one engine {@link Predictor} (weights, architecture and device loaded once,
 * with its cached features of the last image) kept across model runs and prompts. Asking for the same
 * {@link Spec} again gives the same predictor; another one closes it and opens the new one; {@link #unload()} frees
 * it. Thread-safe (a background run obtains it while the FX thread reads {@link #info()}); do not unload while a run
 * uses it (the window disables Unload during a run).
 */
public final class WarmModel implements AutoCloseable {

    /**
     * What a loaded model is: the fields of a {@link PredictionService.Request} that go into {@link Predictor#open}.
     *
     * @param weights        torchvision state dict (.pth) or MaskLab checkpoint (compared as an absolute path)
     * @param arch           architecture name, null for a checkpoint
     * @param scoreThreshold box score threshold
     * @param device         where it runs
     * @param legacyEps      FrozenBatchNorm eps 0
     * @param fileVersion    the weights file's size and modification time when asked for (a file written again, e.g.
     *                       by a new training run, is another model)
     */
    public record Spec(
            Path weights,
            String arch,
            float scoreThreshold,
            DeviceChoice device,
            boolean legacyEps,
            String fileVersion) {
        public Spec {
            weights = weights.toAbsolutePath().normalize();
        }

        /** The model a run request asks for, with its weights file as it is now. */
        public static Spec of(PredictionService.Request r) throws IOException {
            String version = Files.size(r.weights()) + "@"
                    + Files.getLastModifiedTime(r.weights()).toMillis();
            return new Spec(r.weights(), r.arch(), r.scoreThreshold(), r.device(), r.legacyEps(), version);
        }
    }

    /**
     * The loaded model as the status bar shows it.
     *
     * @param name    the weights file's name
     * @param device  "cpu" or "gpu N"
     * @param classes object classes (background not counted)
     */
    public record Info(String name, String device, int classes) {
        @Override
        public String toString() {
            return name + " · " + device + " · " + classes + (classes == 1 ? " class" : " classes");
        }
    }

    /** Opens the predictor of a spec (the engine's {@link Predictor#open}, or a fake in tests). */
    @FunctionalInterface
    public interface Opener {
        Predictor open(Spec spec) throws IOException;
    }

    private final Opener opener;
    private Predictor predictor;
    private Spec spec;
    private int loads;

    public WarmModel(Opener opener) {
        this.opener = opener;
    }

    /** The predictor of {@code s}: the loaded one when it is {@code s}, else {@code s} opened (the old one closed). */
    public synchronized Predictor obtain(Spec s) throws IOException {
        if (predictor != null && s.equals(spec)) return predictor;
        unload();
        Predictor p = opener.open(s);
        predictor = p;
        spec = s;
        loads++;
        return p;
    }

    /** Whether {@code s} is the loaded model (a run with it does not load anything). */
    public synchronized boolean isLoaded(Spec s) {
        return predictor != null && s.equals(spec);
    }

    /** The loaded predictor, if any. */
    public synchronized Optional<Predictor> current() {
        return Optional.ofNullable(predictor);
    }

    /** The loaded model's spec (its weights file, architecture, options), if one is loaded. */
    public synchronized Optional<Spec> spec() {
        return Optional.ofNullable(predictor == null ? null : spec);
    }

    /** What is loaded, if anything. */
    public synchronized Optional<Info> info() {
        if (predictor == null) return Optional.empty();
        Device d = predictor.device();
        return Optional.of(new Info(
                spec.weights().getFileName().toString(),
                d.isGpu() ? "gpu " + d.getDeviceId() : "cpu",
                predictor.config().numClasses() - 1));
    }

    /** How many times a model was opened (a run with the loaded model does not count). */
    public synchronized int loads() {
        return loads;
    }

    /** Closes the loaded model (its native memory freed); false when none was loaded. */
    public synchronized boolean unload() {
        if (predictor == null) return false;
        Predictor p = predictor;
        predictor = null;
        spec = null;
        p.close();
        return true;
    }

    @Override
    public void close() {
        unload();
    }
}
