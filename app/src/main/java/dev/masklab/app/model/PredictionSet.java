package dev.masklab.app.model;

import dev.masklab.coco.CocoResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    public List<Instance> forImage(long imageId) {
        return byImage.getOrDefault(imageId, List.of());
    }
}
