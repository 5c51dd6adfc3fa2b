package dev.masklab.predict;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a point prompt ({@link Predictor#pointCandidates}): the detections of the image's full prediction
 * (every detection above the model's score threshold, however low the display threshold) that contain the point
 * ({@link Instance#contains}), best score first, and which of them is the current one. A second click on the same
 * object shows the next candidate: {@link #next()} (it wraps around after the last).
 *
 * @param x the point's x in original image pixels
 * @param y the point's y
 * @param candidates the detections containing the point, best score first (may be empty)
 * @param index the current candidate (0 <= index < size, 0 when empty)
 */
public record PointCandidates(double x, double y, List<Instance> candidates, int index) {
    public PointCandidates {
        candidates = List.copyOf(candidates);
        if (index < 0 || (index >= candidates.size() && !(candidates.isEmpty() && index == 0))) {
            throw new IllegalArgumentException("candidate " + index + " of " + candidates.size());
        }
    }

    public boolean isEmpty() {
        return candidates.isEmpty();
    }

    public int size() {
        return candidates.size();
    }

    /** The current candidate, empty when no detection contains the point. */
    public Optional<Instance> current() {
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(index));
    }

    /** The same candidates with the next one current (after the last: the first again). */
    public PointCandidates next() {
        return candidates.isEmpty() ? this : new PointCandidates(x, y, candidates, (index + 1) % candidates.size());
    }
}
