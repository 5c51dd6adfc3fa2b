package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ResultsComparison} on the shared fixtures: a fixture's detections (A) against a copy without the two best
 * detections of its best-detected image (B). Each side equals a plain evaluation, the changed image ranks first and
 * is the only one that differs, and only the categories of the dropped detections change.
 */
class ResultsComparisonTest {

    private record Fixture(CocoDataset gt, List<CocoResult> results) {}

    private static Fixture fixture(String name) throws Exception {
        Path dir =
                CocoEvaluatorFixtureTest.shared().resolve("fixtures/coco-eval").resolve(name);
        String gtName = new ObjectMapper()
                .readTree(dir.resolve("expected.json").toFile())
                .get("gt")
                .asText();
        CocoDataset gt = CocoReader.read(CocoEvaluatorFixtureTest.groundTruth(dir, gtName));
        return new Fixture(gt, CocoResults.read(dir.resolve("detections.json"), gt));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"person-s1, bbox", "person-s1, segm", "voc-s1, segm", "person-s3-crowd, keypoints"})
    void theImageWithDroppedDetectionsRanksFirst(String name, String type) throws Exception {
        Fixture f = fixture(name);
        EvalParams params = EvalParams.defaults(IouType.parse(type));
        ImageEvaluations plainA = CocoEvaluator.evaluateImages(f.gt(), f.results(), params, true);
        double[] aps = plainA.imageAps();
        // the best-detected image with at least two detections: dropping its two best detections must lower its AP
        int best = -1;
        for (int i = 0; i < aps.length; i++) {
            long id = plainA.imgIds()[i];
            if (f.results().stream().filter(r -> r.imageId() == id).count() >= 2 && (best < 0 || aps[i] > aps[best]))
                best = i;
        }
        assertTrue(best >= 0 && aps[best] > 0, "the fixture has a detected image");
        long changed = plainA.imgIds()[best];
        Set<CocoResult> dropped = f.results().stream()
                .filter(r -> r.imageId() == changed)
                .sorted(Comparator.comparingDouble(r -> -r.score()))
                .limit(2)
                .collect(Collectors.toSet());
        List<CocoResult> b =
                f.results().stream().filter(r -> !dropped.contains(r)).toList();

        AtomicInteger maxDone = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        ResultsComparison c = ResultsComparison.compare(f.gt(), f.results(), b, params, (done, n) -> {
            maxDone.accumulateAndGet(done, Math::max);
            total.set(n);
        });
        assertEquals(2 * plainA.imageCount(), total.get());
        assertEquals(total.get(), maxDone.get());

        // each side is what a plain evaluation of it gives
        EvalResult plainB = CocoEvaluator.evaluate(f.gt(), b, params);
        assertEquals(List.of(toList(plainA.result().stats())), List.of(toList(c.a().stats())));
        assertEquals(plainA.result().perCategory(), c.a().perCategory());
        assertEquals(plainB.perCategory(), c.b().perCategory());
        Set<Long> droppedCats = dropped.stream().map(CocoResult::categoryId).collect(Collectors.toSet());
        for (ResultsComparison.CategoryComparison cc : c.categories()) {
            assertEquals(
                    cc.a(),
                    c.a().perCategory().stream()
                            .filter(x -> x.id() == cc.id())
                            .findFirst()
                            .orElseThrow());
            if (cc.a().ap() < 0) {
                assertTrue(Double.isNaN(cc.apDelta()));
            } else {
                assertEquals(cc.b().ap() - cc.a().ap(), cc.apDelta(), 0);
                assertEquals(cc.b().ap50() - cc.a().ap50(), cc.ap50Delta(), 0);
                // a category none of whose detections was dropped is evaluated on the same cells
                if (!droppedCats.contains(cc.id())) assertEquals(0, cc.apDelta(), 0, cc.name());
            }
        }

        // images: the changed one first, with its plain per-image AP and counts; every other one agrees
        assertEquals(plainA.imageCount(), c.images().size());
        ResultsComparison.ImageComparison first = c.images().getFirst();
        assertEquals(changed, first.imageId());
        assertEquals(aps[best], first.apA(), 0);
        assertNotEquals(first.apA(), first.apB());
        assertTrue(first.disagreement() > 0);
        ImageEvaluations plainBImages = CocoEvaluator.evaluateImages(f.gt(), b, params, true);
        int t50 = 0;
        assertEquals(plainA.counts(best, t50), first.a());
        assertEquals(plainBImages.counts(best, t50), first.b());
        assertEquals(plainBImages.imageAp(best), first.apB(), 0);
        for (ResultsComparison.ImageComparison ic :
                c.images().subList(1, c.images().size())) {
            assertEquals(0, ic.disagreement(), 0, "image " + ic.imageId());
            assertEquals(0, ic.countDifference(), "image " + ic.imageId());
        }
    }

    @Test
    void countsBreakTiesBetweenImagesOfEqualAp() throws Exception {
        Fixture f = fixture("person-s1");
        EvalParams params = EvalParams.defaults(IouType.BBOX);
        // B adds a far-off false positive to an image: its AP (.50:.95) may stay, its fp count grows by one
        CocoResult any = f.results().getFirst();
        long image = any.imageId();
        CocoDataset gt = f.gt();
        int w = gt.image(image).width();
        int h = gt.image(image).height();
        String extra = "[{\"image_id\": " + image + ", \"category_id\": " + any.categoryId()
                + ", \"bbox\": [0, 0, 1, 1], \"score\": 0.0001}]";
        Path file = java.nio.file.Files.createTempFile("extra", ".json");
        try {
            java.nio.file.Files.writeString(file, extra);
            CocoResult fp = CocoResults.read(file, gt).getFirst();
            assertTrue(w > 1 && h > 1);
            List<CocoResult> b = new java.util.ArrayList<>(f.results());
            b.add(fp);
            ResultsComparison c = ResultsComparison.compare(gt, f.results(), b, params, null);
            ResultsComparison.ImageComparison first = c.images().getFirst();
            assertEquals(image, first.imageId());
            assertEquals(first.a().fp() + 1, first.b().fp());
            assertEquals(1, first.countDifference());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void progressCancels() throws Exception {
        Fixture f = fixture("person-s1");
        assertThrows(
                CancellationException.class,
                () -> ResultsComparison.compare(
                        f.gt(), f.results(), f.results(), EvalParams.defaults(IouType.BBOX), (done, total) -> {
                            if (done > total / 2) throw new CancellationException("stop");
                        }));
    }

    @Test
    void aResultWithoutWhatTheTypeNeedsIsNamedWithItsSide() throws Exception {
        Fixture f = fixture("person-s3-crowd");
        List<CocoResult> withoutKeypoints = f.results().stream()
                .map(r -> new CocoResult(
                        r.imageId(), r.categoryId(), r.score(), r.bbox(), r.segmentation(), null, r.id(), r.area()))
                .toList();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ResultsComparison.compare(
                        f.gt(), f.results(), withoutKeypoints, EvalParams.defaults(IouType.KEYPOINTS), null));
        assertTrue(e.getMessage().startsWith("B: "), e.getMessage());
    }

    private static List<Double> toList(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
