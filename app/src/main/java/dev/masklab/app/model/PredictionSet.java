package dev.masklab.app.model;

import dev.masklab.coco.CocoResult;
import dev.masklab.review.PredictionKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Predictions read from a COCO results file, grouped by image id, each list sorted by descending score.
 *
 * @param byImage predictions per image id (images without predictions are absent)
 * @param total   number of results in the file
 * @param results the results as read (file order, with ids and areas; what the evaluation compares)
 */
public record PredictionSet(Path file, Map<Long, List<Instance>> byImage, int total, List<CocoResult> results) {
    public PredictionSet {
        byImage = Map.copyOf(byImage);
        results = List.copyOf(results);
    }

    /** No predictions (the set a prompt's result joins when none were loaded). */
    public static PredictionSet empty() {
        return new PredictionSet(null, Map.of(), 0, List.of());
    }

    /** This set with {@code p} (made from {@code r}) added to its image, the lists kept by descending score. */
    public PredictionSet with(Instance p, CocoResult r) {
        Map<Long, List<Instance>> m = new java.util.HashMap<>(byImage);
        List<Instance> l = new java.util.ArrayList<>(forImage(p.imageId()));
        l.add(p);
        l.sort(java.util.Comparator.comparingDouble(Instance::score).reversed());
        m.put(p.imageId(), List.copyOf(l));
        List<CocoResult> rs = new java.util.ArrayList<>(results);
        rs.add(r);
        return new PredictionSet(file, m, total + 1, rs);
    }

    /** An id no prediction of this set has (one past the largest: ids stay unique when prompts come and go). */
    public long nextId() {
        long max = total;
        for (List<Instance> l : byImage.values()) for (Instance i : l) max = Math.max(max, i.id());
        return max + 1;
    }

    /** This set without {@code p} (the very instance) and its result. */
    public PredictionSet without(Instance p) {
        Map<Long, List<Instance>> m = new java.util.HashMap<>(byImage);
        List<Instance> l = new java.util.ArrayList<>(forImage(p.imageId()));
        if (!l.removeIf(i -> i == p)) return this;
        if (l.isEmpty()) m.remove(p.imageId());
        else m.put(p.imageId(), List.copyOf(l));
        List<CocoResult> rs = new java.util.ArrayList<>(results);
        rs.removeIf(r -> r.imageId() == p.imageId() && PredictionKey.of(r).equals(p.key()));
        return new PredictionSet(file, m, total - (results.size() - rs.size()), rs);
    }

    /** The shown prediction read from {@code r} (same {@link Instance#key()}), if any. */
    public Optional<Instance> instanceOf(CocoResult r) {
        PredictionKey key = PredictionKey.of(r);
        for (Instance i : forImage(r.imageId())) if (key.equals(i.key())) return Optional.of(i);
        return Optional.empty();
    }

    public List<Instance> forImage(long imageId) {
        return byImage.getOrDefault(imageId, List.of());
    }
}
