package dev.masklab.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.io.DurableFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code RUN/metrics.jsonl}: one JSON object per line, {@code "type":"train"} per logged iteration (loss terms,
 * total, lr, images/s, eta) and {@code "type":"eval"} per evaluation (COCO stats per IoU type). Lines are
 * flushed as they are written; on resume, lines of iterations after the checkpoint are dropped first so the
 * file reads like an uninterrupted run. {@link #replay} reads a file back (a resumed run's earlier losses and
 * evaluations, for a plot that shows the whole run).
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    /** Opens {@code file} for appending; with {@code keepUpTo >= 0}, first drops entries after that iteration. */
    public MetricsLog(Path file, int keepUpTo) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (keepUpTo >= 0 && Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    if (!line.isBlank() && JSON.readTree(line).path("iteration").asInt(Integer.MAX_VALUE) <= keepUpTo) {
                        kept.add(line);
                    }
                } catch (IOException e) {
                    // a torn last line from a killed run: drop it
                }
            }
            DurableFiles.write(file, os -> {
                for (String line : kept) {
                    os.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        } else if (keepUpTo < 0) {
            Files.deleteIfExists(file);
        }
        out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void onIteration(Progress p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "train");
        n.put("iteration", p.iteration());
        for (Map.Entry<String, Double> e : p.losses().entrySet()) {
            n.put(e.getKey(), e.getValue());
        }
        n.put("loss", p.totalLoss());
        n.put("lr", p.lr());
        n.put("images_per_s", p.imagesPerSecond());
        n.put("eta_s", p.etaSeconds());
        n.put("grad_norm", p.gradNorm());
        write(n);
    }

    @Override
    public void onEvaluation(int iteration, Map<String, double[]> stats) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "eval");
        n.put("iteration", iteration);
        for (Map.Entry<String, double[]> e : stats.entrySet()) {
            var arr = n.putArray(e.getKey());
            for (double v : e.getValue()) {
                arr.add(v);
            }
        }
        write(n);
    }

    @Override
    public void onCheckpoint(int iteration, Path dir) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "checkpoint");
        n.put("iteration", iteration);
        n.put("path", dir.toString());
        write(n);
    }

    /**
     * Replays {@code file}'s {@code train} and {@code eval} lines to {@code to}, in file order, as the run reported them
     * ({@code checkpoint} lines are not: those checkpoints were written before). Lines that are not JSON objects of
     * those types (a torn last line of a killed run) are skipped; a missing file replays nothing.
     *
     * @param iterations the run's length, given to each replayed {@link TrainingListener.Progress} (the file does not
     *     store it)
     * @return the number of lines replayed
     */
    public static int replay(Path file, int iterations, TrainingListener to) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        int n = 0;
        try (java.io.BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode j;
                try {
                    j = JSON.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                if (j == null || !j.isObject() || !j.path("iteration").canConvertToInt()) {
                    continue;
                }
                int iteration = j.get("iteration").asInt();
                switch (j.path("type").asText()) {
                    case "train" -> {
                        Map<String, Double> losses = new LinkedHashMap<>();
                        j.properties().forEach(e -> {
                            if (e.getKey().startsWith("loss_") && e.getValue().isNumber()) {
                                losses.put(e.getKey(), e.getValue().asDouble());
                            }
                        });
                        to.onIteration(new Progress(
                                iteration,
                                iterations,
                                losses,
                                j.path("loss").asDouble(Double.NaN),
                                j.path("lr").asDouble(Double.NaN),
                                j.path("images_per_s").asDouble(Double.NaN),
                                j.path("eta_s").asDouble(Double.NaN),
                                j.path("grad_norm").asDouble(Double.NaN)));
                        n++;
                    }
                    case "eval" -> {
                        Map<String, double[]> stats = new LinkedHashMap<>();
                        j.properties().forEach(e -> {
                            if (e.getValue().isArray()) {
                                double[] v = new double[e.getValue().size()];
                                for (int i = 0; i < v.length; i++) {
                                    v[i] = e.getValue().get(i).asDouble(Double.NaN);
                                }
                                stats.put(e.getKey(), v);
                            }
                        });
                        to.onEvaluation(iteration, stats);
                        n++;
                    }
                    default -> {}
                }
            }
        }
        return n;
    }

    private void write(ObjectNode n) {
        try {
            out.write(JSON.writeValueAsString(n));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
