package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Starts a model from existing weights (torchvision COCO weights or an engine checkpoint): every tensor
 * whose key and shape match is kept; tensors whose shape differs (the predictor layers of another class or
 * keypoint count) or that are missing are initialised afresh ({@link ModelInit}); source tensors the
 * architecture does not have are ignored. The {@link Report} says which was which.
 */
public final class FineTune {
    private FineTune() {}

    /** What happened to the weights. */
    public record Report(List<String> kept, List<String> reinitialised, List<String> missing, List<String> unused) {
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(kept.size()).append(" tensors kept");
            if (!reinitialised.isEmpty()) {
                sb.append(", re-initialised (shape differs): ").append(String.join(", ", reinitialised));
            }
            if (!missing.isEmpty()) {
                sb.append(", initialised (missing in the weights): ")
                        .append(
                                missing.size() > 8
                                        ? missing.size() + " tensors, e.g. " + missing.get(0)
                                        : String.join(", ", missing));
            }
            if (!unused.isEmpty()) {
                sb.append(", ignored (not in the architecture): ")
                        .append(
                                unused.size() > 8
                                        ? unused.size() + " tensors, e.g. " + unused.get(0)
                                        : String.join(", ", unused));
            }
            return sb.toString();
        }
    }

    /** Result: the full state for the architecture, on {@code manager}, and the report. */
    public record Result(Map<String, NDArray> weights, Report report) {}

    /**
     * @param source weights by torchvision key (not modified; kept tensors are copied to {@code manager})
     * @param missingAllowed when false, a missing tensor outside the predictor layers is an error
     */
    public static Result adapt(
            Map<String, NDArray> source,
            Architecture arch,
            int numClasses,
            int numKeypoints,
            long seed,
            NDManager manager,
            boolean missingAllowed) {
        Map<String, long[]> shapes = arch.shapes(numClasses, numKeypoints);
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        List<String> reinit = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Random r = new Random(seed);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String key = e.getKey();
            NDArray src = source.get(key);
            if (src != null && Arrays.equals(src.getShape().getShape(), e.getValue())) {
                NDArray copy = manager.create(
                        src.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                        new Shape(e.getValue()));
                out.put(key, copy);
                kept.add(key);
            } else {
                if (src == null) {
                    if (!missingAllowed && !Architecture.isPredictorKey(key)) {
                        throw new IllegalArgumentException("weights lack '" + key + "' needed by " + arch.cliName());
                    }
                    missing.add(key);
                } else {
                    reinit.add(key + " " + src.getShape() + " -> " + new Shape(e.getValue()));
                }
                out.put(key, ModelInit.tensor(key, e.getValue(), r, manager));
            }
        }
        List<String> unused = new ArrayList<>();
        for (String k : source.keySet()) {
            if (!shapes.containsKey(k) && !k.endsWith("num_batches_tracked")) {
                unused.add(k);
            }
        }
        return new Result(out, new Report(kept, reinit, missing, unused));
    }
}
