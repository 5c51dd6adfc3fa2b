package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.masklab.io.DurableFiles;
import dev.masklab.model.ModelCheckpoint;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training checkpoint: a folder {@code iter-NNNNNNNN} under a run's {@code checkpoints/} with
 * {@code weights.ndlist} (every state_dict tensor, named, DJL's NDList encoding), {@code optimizer.ndlist}
 * (SGD momentum buffers by parameter name) and {@code state.json} ({@link TrainingState}: iteration,
 * settings, schedule, category map, seed). The folder is written under a temporary name and renamed when
 * complete, then {@code checkpoints/latest} (one line: the folder name) is replaced atomically, so a cancelled
 * or crashed run always leaves the previous checkpoint valid.
 */
public final class TrainingCheckpoint {
    public static final String WEIGHTS = "weights.ndlist";
    public static final String OPTIMIZER = "optimizer.ndlist";
    public static final String STATE = "state.json";
    public static final String LATEST = "latest";
    /** The checkpoint's weights as a model file, written by {@link #model} when asked. */
    public static final String MODEL = "model.masklab";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingCheckpoint() {}

    /** A checkpoint read back: weights and momentum on the given manager, plus the state. */
    public record Loaded(Path dir, Map<String, NDArray> weights, Map<String, NDArray> momentum, TrainingState state) {}

    /**
     * Writes a checkpoint for {@code state.iteration()} and points {@code latest} at it; returns its folder. Every file is
     * forced to disk before the folder is renamed into place and the rename is forced before {@code latest} is replaced
     * ({@link DurableFiles}), so a crash or power cut leaves {@code latest} naming a complete checkpoint. Folders of
     * earlier writes that were killed ({@code .iter-*.tmp}) are removed first.
     */
    public static Path write(
            Path checkpointsDir, Map<String, NDArray> weights, Map<String, NDArray> momentum, TrainingState state)
            throws IOException {
        Files.createDirectories(checkpointsDir);
        String name = String.format("iter-%08d", state.iteration());
        try (Stream<Path> leftovers = Files.list(checkpointsDir)) {
            for (Path p : leftovers
                    .filter(p -> p.getFileName().toString().matches("\\.iter-\\d+\\.tmp"))
                    .toList()) {
                deleteTree(p);
            }
        }
        Path tmp = checkpointsDir.resolve("." + name + ".tmp");
        Files.createDirectories(tmp);
        DurableFiles.write(tmp.resolve(WEIGHTS), os -> writeList(os, weights));
        DurableFiles.write(tmp.resolve(OPTIMIZER), os -> writeList(os, momentum));
        DurableFiles.write(tmp.resolve(STATE), os -> os.write(JSON.writeValueAsBytes(state)));
        Path dir = checkpointsDir.resolve(name);
        deleteTree(dir);
        move(tmp, dir);
        DurableFiles.syncDirectory(checkpointsDir);
        DurableFiles.write(
                checkpointsDir.resolve(LATEST), os -> os.write((name + "\n").getBytes(StandardCharsets.UTF_8)));
        return dir;
    }

    /** The folder named by {@code checkpoints/latest}, or null when the run has no checkpoint yet. */
    public static Path latest(Path checkpointsDir) throws IOException {
        Path f = checkpointsDir.resolve(LATEST);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        String name = Files.readString(f, StandardCharsets.UTF_8).trim();
        Path dir = checkpointsDir.resolve(name);
        if (name.isEmpty() || !Files.isDirectory(dir)) {
            throw new IOException(f + " names checkpoint '" + name + "', which does not exist");
        }
        return dir;
    }

    /** Reads a checkpoint folder. Errors name the file that is missing or unreadable. */
    public static Loaded read(Path dir, NDManager manager) throws IOException {
        TrainingState state = readState(dir);
        return new Loaded(
                dir, readList(dir.resolve(WEIGHTS), manager), readList(dir.resolve(OPTIMIZER), manager), state);
    }

    /**
     * The checkpoint as a model the predictor opens ({@code DIR/model.masklab}, what a completed run writes as
     * {@code RUN/model.masklab}: the inference config and categories of the run), written on the first call: the
     * model of a stopped run, for "Run this model".
     */
    public static Path model(Path dir) throws IOException {
        Path model = dir.resolve(MODEL);
        if (Files.isRegularFile(model)) {
            return model;
        }
        TrainingState state = readState(dir);
        CategoryMap categories = state.categoryMap();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelCheckpoint.save(
                    model,
                    ValidationEvaluator.meta(
                            ValidationEvaluator.modelConfig(
                                    state.arch(), categories, state.config(), state.numKeypoints()),
                            categories),
                    readList(dir.resolve(WEIGHTS), manager));
        }
        return model;
    }

    private static TrainingState readState(Path dir) throws IOException {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException("not a training checkpoint (no " + STATE + "): " + dir);
        }
        try {
            return JSON.readValue(stateFile.toFile(), TrainingState.class);
        } catch (IOException e) {
            throw new IOException("corrupted checkpoint state " + stateFile + ": " + e.getMessage(), e);
        }
    }

    /** Only the weights of a checkpoint folder (for fine-tuning from an engine checkpoint). */
    public static Map<String, NDArray> readWeights(Path dir, NDManager manager) throws IOException {
        return readList(dir.resolve(WEIGHTS), manager);
    }

    private static void writeList(OutputStream os, Map<String, NDArray> arrays) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue().stopGradient();
            a.setName(e.getKey());
            list.add(a);
        }
        list.encode(os);
    }

    private static Map<String, NDArray> readList(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint file missing: " + file);
        }
        NDList list;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new IOException("corrupted checkpoint file " + file + ": " + e.getMessage(), e);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NDArray a : list) {
            if (a.getName() == null) {
                throw new IOException("corrupted checkpoint file " + file + ": unnamed tensor");
            }
            out.put(a.getName(), a);
        }
        return out;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all =
                    s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path x : all) {
                Files.deleteIfExists(x);
            }
        }
    }
}
