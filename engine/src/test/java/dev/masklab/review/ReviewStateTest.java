package dev.masklab.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review decisions on the shared person set's detections: keys, the file, reconciling with an edited dataset. */
class ReviewStateTest {
    static final Path SHARED = SharedData.root();
    static final Path GT = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path DT = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");

    @TempDir
    Path tmp;

    @Test
    void keysFollowAPredictionAcrossReadsAndTellPredictionsApart() throws IOException {
        CocoDataset gt = CocoReader.read(GT);
        List<CocoResult> a = CocoResults.read(DT, gt);
        List<CocoResult> b = CocoResults.read(DT, gt);
        Set<PredictionKey> keys = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(PredictionKey.of(a.get(i)), PredictionKey.of(b.get(i)));
            keys.add(PredictionKey.of(a.get(i)));
        }
        assertEquals(a.size(), keys.size(), "every detection of the fixture has its own key");
        // the position-dependent id and the derived area are not part of the identity
        CocoResult r = a.get(3);
        CocoResult moved = new CocoResult(
                r.imageId(), r.categoryId(), r.score(), r.bbox(), r.segmentation(), r.keypoints(), 999, 1.0);
        assertEquals(PredictionKey.of(r), PredictionKey.of(moved));
        CocoResult rescored = new CocoResult(
                r.imageId(),
                r.categoryId(),
                Math.nextUp(r.score()),
                r.bbox(),
                r.segmentation(),
                r.keypoints(),
                r.id(),
                r.area());
        assertNotEquals(PredictionKey.of(r), PredictionKey.of(rescored));
    }

    @Test
    void decisionsSurviveWriteAndRead() throws IOException {
        CocoDataset gt = CocoReader.read(GT);
        List<CocoResult> dt = CocoResults.read(DT, gt);
        ReviewState s = ReviewState.empty();
        long annId = gt.annotations().getFirst().id();
        s.accept(dt.get(0), annId);
        s.reject(dt.get(1));
        s.reject(dt.get(5));
        Optional<ReviewState.Decision> before = s.accept(dt.get(5), 0); // changed mind: accepted after all
        assertEquals(ReviewState.Status.REJECTED, before.orElseThrow().status());
        Path file = ReviewState.fileFor(tmp.resolve("test_coco.json"));
        assertEquals("test_coco.review.json", file.getFileName().toString());
        s.write(file);
        ReviewState read = ReviewState.read(file);
        assertEquals(s.decisions(), read.decisions());
        assertEquals(
                ReviewState.Status.ACCEPTED,
                read.decision(dt.get(0)).orElseThrow().status());
        assertEquals(annId, read.decision(dt.get(0)).orElseThrow().annotationId());
        assertEquals(
                ReviewState.Status.REJECTED,
                read.decision(dt.get(1)).orElseThrow().status());
        assertTrue(read.isPending(dt.get(2)));
        assertEquals(new ReviewState.Progress(3, dt.size()), read.progress(dt));
        assertEquals(3 + 2, Files.readAllLines(file).size(), "one line per decision between the header and the end");
        // undo of a decision: clear gives back what was there, put restores it
        ReviewState.Decision d = read.clear(dt.get(1)).orElseThrow();
        assertTrue(read.isPending(dt.get(1)));
        read.put(d);
        assertEquals(s.decisions().size(), read.decisions().size());
        assertEquals(0, ReviewState.read(tmp.resolve("absent.review.json")).size(), "no file: nothing reviewed yet");
    }

    @Test
    void reconcileSaysWhatChangedInAnEditedDataset() throws IOException {
        CocoDataset gt = CocoReader.read(GT);
        List<CocoResult> dt = CocoResults.read(DT, gt);
        ReviewState s = ReviewState.empty();
        CocoResult onRemovedImage = dt.getFirst();
        CocoResult other = dt.stream()
                .filter(r -> r.imageId() != onRemovedImage.imageId())
                .findFirst()
                .orElseThrow();
        CocoAnnotation deleted = gt.annotationsOf(other.imageId()).getFirst();
        s.reject(onRemovedImage);
        s.accept(other, deleted.id());
        assertTrue(s.reconcile(gt).isEmpty(), "nothing to say while the dataset is as it was");
        for (CocoAnnotation a : new ArrayList<>(gt.annotationsOf(onRemovedImage.imageId())))
            gt.removeAnnotation(a.id());
        gt.removeImage(onRemovedImage.imageId());
        gt.removeAnnotation(deleted.id());
        List<String> notes = s.reconcile(gt);
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("1 review decision was on images no longer"), notes.get(0));
        assertTrue(notes.get(1).startsWith("1 accepted prediction's annotation was deleted"), notes.get(1));
        assertTrue(s.isPending(onRemovedImage));
        ReviewState.Decision kept = s.decision(other).orElseThrow();
        assertEquals(ReviewState.Status.ACCEPTED, kept.status(), "an accepted prediction is not offered again");
        assertEquals(0, kept.annotationId());
    }

    @Test
    void imagesMarkedDoneSurviveWriteReadCopyAndReconcile() throws IOException {
        CocoDataset gt = CocoReader.read(GT);
        List<CocoResult> dt = CocoResults.read(DT, gt);
        long first = gt.images().get(0).id();
        long second = gt.images().get(1).id();
        ReviewState s = ReviewState.empty();
        assertTrue(s.isEmpty());
        assertFalse(s.setDone(second, true), "was not done before");
        assertTrue(s.setDone(second, true), "marking twice: it was done");
        assertFalse(s.isEmpty(), "a done image alone is worth a file");
        assertEquals(0, s.size(), "no decision");
        s.setDone(first, true);
        s.reject(dt.get(2));
        Path file = tmp.resolve("done.review.json");
        s.write(file);
        assertTrue(Files.readString(file).contains("\"done_images\":[" + Math.min(first, second) + ","));
        ReviewState read = ReviewState.read(file);
        assertEquals(Set.of(first, second), read.doneImages());
        assertTrue(read.isDone(first) && read.isDone(second));
        assertEquals(s.decisions(), read.decisions());
        ReviewState copy = read.copy();
        assertTrue(read.setDone(first, false), "it was done");
        assertFalse(read.isDone(first));
        assertTrue(copy.isDone(first), "a copy is independent");
        // a file without the field (written before done flags existed) has none
        s.setDone(first, false);
        s.setDone(second, false);
        s.write(file);
        assertFalse(Files.readString(file).contains("done_images"));
        assertTrue(ReviewState.read(file).doneImages().isEmpty());
        // an image removed from the dataset is no longer done
        copy.reconcile(gt);
        for (CocoAnnotation a : new ArrayList<>(gt.annotationsOf(first))) gt.removeAnnotation(a.id());
        gt.removeImage(first);
        List<String> notes = copy.reconcile(gt);
        assertEquals(Set.of(second), copy.doneImages());
        assertTrue(notes.getLast().startsWith("1 image marked done is no longer in the dataset"), notes.toString());
    }

    @Test
    void aFileThatIsNotAReviewIsOneLineNamingIt() throws IOException {
        String key = "0123456789abcdef0123456789abcdef";
        String ok =
                "{\"image_id\":1,\"category_id\":1,\"score\":0.5,\"decision\":\"rejected\",\"key\":\"" + key + "\"}";
        String[] bad = {
            "",
            "[]",
            "{\"format\":\"masklab-review\",\"version\":2,\"decisions\":[]}",
            "{\"version\":1,\"decisions\":[]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":{}}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok + "," + ok + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok.replace("0.5", "NaN") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok.replace("rejected", "maybe") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok.replace(key, "xyz") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":["
                    + ok.replace("\"image_id\":1", "\"image_id\":\"1\"") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":["
                    + ok.replace("\"image_id\":1", "\"image_id\":-1") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":["
                    + ok.replace("\"image_id\":1", "\"image_id\":99999999999999999999999") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok.replace("\"score\":0.5,", "") + "]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[" + ok,
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[[[[[[[[[[[]]]]]]]]]]]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[],\"done_images\":3}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[],\"done_images\":[1,\"2\"]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[],\"done_images\":[1,-2]}",
            "{\"format\":\"masklab-review\",\"version\":1,\"decisions\":[],\"done_images\":[4,4]}",
        };
        for (int i = 0; i < bad.length; i++) {
            Path f = tmp.resolve("bad" + i + ".review.json");
            Files.writeString(f, bad[i]);
            ReviewFormatException e = assertThrows(ReviewFormatException.class, () -> ReviewState.read(f), bad[i]);
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        Path good = tmp.resolve("good.review.json");
        Files.writeString(
                good, "{\"format\":\"masklab-review\",\"version\":1,\"extra\":{\"a\":[1]},\"decisions\":[" + ok + "]}");
        assertEquals(1, ReviewState.read(good).size());
    }
}
