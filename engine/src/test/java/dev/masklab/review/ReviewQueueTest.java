package dev.masklab.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The review queue over the shared VOC set's detections: orders, skipping decided predictions, wrapping. */
class ReviewQueueTest {
    static final Path SHARED = ReviewStateTest.SHARED;

    @Test
    void walksEveryPendingPredictionOnceInTheChosenOrder() throws IOException {
        CocoDataset gt = CocoReader.read(SHARED.resolve("data/labelme-voc/annotations.json"));
        List<CocoResult> dt = CocoResults.read(SHARED.resolve("fixtures/coco-eval/voc-s1/detections.json"), gt);
        List<Long> images = gt.images().stream().map(CocoImage::id).toList();
        double min = 0.3;
        long shown = dt.stream().filter(r -> r.score() >= min).count();
        for (ReviewQueue.Order order : ReviewQueue.Order.values()) {
            ReviewQueue q = new ReviewQueue(dt, order, min, images);
            assertEquals(shown, q.predictions().size());
            ReviewState s = ReviewState.empty();
            List<CocoResult> seen = new ArrayList<>();
            Optional<CocoResult> r = q.next(s, null);
            while (r.isPresent()) {
                seen.add(r.get());
                s.reject(r.get());
                r = q.next(s, r.get());
            }
            assertEquals(q.predictions(), seen, order + ": deciding each one walks the queue in its order");
            assertEquals(new ReviewState.Progress((int) shown, (int) shown), q.progress(s));
            for (int i = 1; i < seen.size(); i++) {
                CocoResult a = seen.get(i - 1);
                CocoResult b = seen.get(i);
                switch (order) {
                    case LOWEST_SCORE_FIRST -> assertTrue(a.score() <= b.score());
                    case HIGHEST_SCORE_FIRST -> assertTrue(a.score() >= b.score());
                    case BY_IMAGE -> {
                        int ia = images.indexOf(a.imageId());
                        int ib = images.indexOf(b.imageId());
                        assertTrue(ia < ib || ia == ib && a.score() >= b.score());
                    }
                }
            }
        }
    }

    @Test
    void nextAndPreviousSkipDecidedOnesAndWrap() throws IOException {
        CocoDataset gt = CocoReader.read(SHARED.resolve("data/labelme-voc/annotations.json"));
        List<CocoResult> dt = CocoResults.read(SHARED.resolve("fixtures/coco-eval/voc-s1/detections.json"), gt);
        ReviewQueue q = new ReviewQueue(dt, ReviewQueue.Order.LOWEST_SCORE_FIRST, 0, List.of());
        List<CocoResult> w = q.predictions();
        assertTrue(w.size() >= 4);
        ReviewState s = ReviewState.empty();
        s.accept(w.get(1), 0);
        assertEquals(w.get(2), q.next(s, w.get(0)).orElseThrow(), "the decided one is skipped");
        assertEquals(w.get(0), q.previous(s, w.get(2)).orElseThrow());
        assertEquals(w.get(0), q.next(s, w.getLast()).orElseThrow(), "past the end it wraps to the start");
        assertEquals(w.getLast(), q.previous(s, null).orElseThrow());
        Set<CocoResult> all = new HashSet<>(w);
        all.forEach(s::reject);
        assertTrue(q.next(s, null).isEmpty(), "nothing pending: no next");
        s.clear(w.get(3));
        assertEquals(w.get(3), q.next(s, w.get(3)).orElseThrow(), "the last pending one is found again from itself");
    }
}
