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
 * @param results the results as read, in file order (what the engine's review queue walks)
 */
public record PredictionSet(Path file, Map<Long, List<Instance>> byImage, int total, List<CocoResult> results) {
    public PredictionSet {
        byImage = Map.copyOf(byImage);
        results = List.copyOf(results);
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
