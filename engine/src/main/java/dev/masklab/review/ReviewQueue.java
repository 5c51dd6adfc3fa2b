package dev.masklab.review;

import dev.masklab.coco.CocoResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A walk through the pending predictions of a whole dataset, across images: the review queue. The predictions at or
 * above a score are put in one order once ({@link Order}); {@link #next} and {@link #previous} skip those that have
 * a decision in the {@link ReviewState} at the time of the call, so decisions made (or undone) meanwhile are
 * respected without rebuilding the queue.
 */
public final class ReviewQueue {
    /** The order of the walk. */
    public enum Order {
        /** Image by image (the dataset's order), highest score first within an image. */
        BY_IMAGE,
        /** Lowest confidence first across all images (where the model most needs a person). */
        LOWEST_SCORE_FIRST,
        /** Highest confidence first across all images (quick acceptance of the sure ones). */
        HIGHEST_SCORE_FIRST
    }

    private final List<CocoResult> walk;
    private final PredictionKey[] keys;
    private final Map<PredictionKey, Integer> position = new HashMap<>();

    /**
     * @param predictions every loaded prediction
     * @param order       the order of the walk
     * @param minScore    predictions below this score are not in the queue (the display threshold)
     * @param imageOrder  image ids in the dataset's order, for {@link Order#BY_IMAGE} (images not listed go last, by id)
     */
    public ReviewQueue(Collection<CocoResult> predictions, Order order, double minScore, List<Long> imageOrder) {
        Map<Long, Integer> rank = new HashMap<>();
        for (Long id : imageOrder) rank.putIfAbsent(id, rank.size());
        Comparator<CocoResult> byImage = Comparator.<CocoResult>comparingInt(
                        r -> rank.getOrDefault(r.imageId(), Integer.MAX_VALUE))
                .thenComparingLong(CocoResult::imageId);
        Comparator<CocoResult> c = switch (order) {
            case BY_IMAGE ->
                byImage.thenComparing(
                        Comparator.comparingDouble(CocoResult::score).reversed());
            case LOWEST_SCORE_FIRST ->
                Comparator.comparingDouble(CocoResult::score).thenComparing(byImage);
            case HIGHEST_SCORE_FIRST ->
                Comparator.comparingDouble(CocoResult::score).reversed().thenComparing(byImage);
        };
        List<CocoResult> w = new ArrayList<>();
        for (CocoResult r : predictions) if (r.score() >= minScore) w.add(r);
        w.sort(c.thenComparingLong(CocoResult::id));
        walk = List.copyOf(w);
        keys = new PredictionKey[walk.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = PredictionKey.of(walk.get(i));
            position.putIfAbsent(keys[i], i);
        }
    }

    /** The predictions in the queue, in walk order (decided ones included). */
    public List<CocoResult> predictions() {
        return walk;
    }

    /** The first pending prediction after {@code current} (null: from the start), wrapping around; empty when none is pending. */
    public Optional<CocoResult> next(ReviewState state, CocoResult current) {
        return step(state, current, +1);
    }

    /** The first pending prediction before {@code current} (null: from the end), wrapping around. */
    public Optional<CocoResult> previous(ReviewState state, CocoResult current) {
        return step(state, current, -1);
    }

    /** Reviewed of all predictions in the queue. */
    public ReviewState.Progress progress(ReviewState state) {
        int reviewed = 0;
        for (PredictionKey k : keys) if (state.decision(k).isPresent()) reviewed++;
        return new ReviewState.Progress(reviewed, keys.length);
    }

    private Optional<CocoResult> step(ReviewState state, CocoResult current, int dir) {
        int n = keys.length;
        if (n == 0) return Optional.empty();
        Integer at = current == null ? null : position.get(PredictionKey.of(current));
        int start = at != null ? at : (dir > 0 ? -1 : n);
        for (int k = 1; k <= n; k++) {
            int i = Math.floorMod(start + dir * k, n);
            if (state.decision(keys[i]).isEmpty()) return Optional.of(walk.get(i));
        }
        return Optional.empty();
    }
}
