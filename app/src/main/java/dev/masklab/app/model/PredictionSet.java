package dev.masklab.app.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Predictions read from a COCO results file, grouped by image id, each list sorted by descending score.
 *
 * @param byImage predictions per image id (images without predictions are absent)
 * @param total   number of results in the file
 */
public record PredictionSet(Path file, Map<Long, List<Instance>> byImage, int total) {
    public PredictionSet {
        byImage = Map.copyOf(byImage);
    }

    public List<Instance> forImage(long imageId) {
        return byImage.getOrDefault(imageId, List.of());
    }
}
