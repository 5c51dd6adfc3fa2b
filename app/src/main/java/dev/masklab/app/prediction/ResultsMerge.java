package dev.masklab.app.prediction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.masklab.coco.CocoWriter;
import dev.masklab.predict.PredictionResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Merges a run's results into an existing COCO results file: the results of the images the run did are replaced by
 * the new ones, every other result is kept as it was (same JSON), and the file is written atomically with a
 * {@code .bak} of the previous one.
 */
final class ResultsMerge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsMerge() {}

    /**
     * @param file    the existing results file (a JSON array of results)
     * @param entries the run's results
     * @param done    the images the run did (with or without results): their old results go
     */
    static void merge(Path file, List<PredictionResults.Entry> entries, Set<Long> done) throws IOException {
        JsonNode old;
        try {
            old = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file.getFileName() + ": not a readable results file (" + e.getMessage() + ")", e);
        }
        if (old == null || !old.isArray()) throw new IOException(file.getFileName() + ": not a COCO results list");
        Path fresh = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".run");
        try {
            PredictionResults.write(entries, fresh);
            JsonNode added = JSON.readTree(fresh.toFile());
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode r : old) if (!done.contains(r.path("image_id").asLong())) out.add(r);
            for (JsonNode r : added) out.add(r);
            CocoWriter.writeAtomically(file, os -> JSON.writeValue(nonClosing(os), out), true);
        } finally {
            Files.deleteIfExists(fresh);
            Files.deleteIfExists(Path.of(fresh + ".bak"));
        }
    }

    private static java.io.OutputStream nonClosing(java.io.OutputStream os) {
        return new java.io.FilterOutputStream(os) {
            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
