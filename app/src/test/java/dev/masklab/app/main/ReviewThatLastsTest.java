package dev.masklab.app.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.Instance;
import dev.masklab.app.task.DirectTaskExecutor;
import dev.masklab.review.ReviewState;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review decisions last (#16 part 5): accepted and rejected predictions are saved beside the dataset with it, restored
 * when it is opened again, undone with the edit they belong to, recovered after a crash with the edits (or given up
 * with them), and walked by the review queue. No display: the
 * view-model over a document with scripted dialogs and tasks run at once, on the shared person data and detections.
 */
class ReviewThatLastsTest {
    static final Path SHARED = SharedData.root();
    static final Path PERSON = SHARED.resolve("data/coco-person-kp/test_coco.json");
    static final Path DETECTIONS = SHARED.resolve("fixtures/coco-eval/person-s1/detections.json");
    final DatasetService service = new DatasetService();

    /** A fresh window's view-model with {@code file} opened and the detections loaded, all of them shown. */
    MainViewModel open(Path file) throws Exception {
        return open(file, new ScriptedDialogs());
    }

    MainViewModel open(Path file, ScriptedDialogs dialogs) throws Exception {
        MainViewModel vm = new MainViewModel(new DatasetDocument(dialogs, new DirectTaskExecutor()));
        assertNotNull(vm.document().open(file).get());
        vm.predictions().setPredictions(service.loadPredictions(DETECTIONS, vm.getDataset()));
        vm.predictions().scoreThresholdProperty().set(0.0);
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(2)); // 196141: 9 predictions
        return vm;
    }

    static int totalPredictions(MainViewModel vm) {
        int n = 0;
        for (List<Instance> l :
                vm.predictions().predictionsProperty().get().byImage().values()) n += l.size();
        return n;
    }

    static boolean shownWithKey(MainViewModel vm, Instance p) {
        return vm.shown().shownPredictionsProperty().get().stream()
                .anyMatch(i -> i.key().equals(p.key()));
    }

    @Test
    void acceptedAndRejectedPredictionsStayDecidedAfterSaveAndReopen(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        MainViewModel vm = open(file);
        int all = totalPredictions(vm);
        assertEquals(
                "0 of " + all + " reviewed",
                vm.review().reviewProgressProperty().get());
        List<Instance> pr0 = vm.shown().shownPredictionsProperty().get();
        int gt0 = vm.shown().shownGroundTruthProperty().get().size();
        assertTrue(pr0.size() >= 3);
        Instance accepted = pr0.get(0);
        Instance rejected = pr0.get(1);

        vm.selection().selectedProperty().set(accepted);
        assertTrue(vm.review().acceptSelected());
        long annotationId =
                vm.shown().shownGroundTruthProperty().get().getLast().id();
        vm.selection().selectedProperty().set(rejected);
        assertTrue(vm.edits().deleteSelected());
        assertEquals(
                "2 of " + all + " reviewed",
                vm.review().reviewProgressProperty().get());
        ReviewState state = vm.editor().review();
        assertEquals(
                ReviewState.Status.ACCEPTED,
                state.decision(accepted.key()).orElseThrow().status());
        assertEquals(annotationId, state.decision(accepted.key()).orElseThrow().annotationId());
        assertEquals(
                ReviewState.Status.REJECTED,
                state.decision(rejected.key()).orElseThrow().status());

        // one undo takes back the rejection and its decision; redo makes both again
        assertTrue(vm.edits().undo());
        assertTrue(state.decision(rejected.key()).isEmpty());
        assertTrue(shownWithKey(vm, rejected));
        assertEquals(
                "1 of " + all + " reviewed",
                vm.review().reviewProgressProperty().get());
        assertTrue(vm.edits().redo());
        assertEquals(
                ReviewState.Status.REJECTED,
                state.decision(rejected.key()).orElseThrow().status());

        Path reviewFile = ReviewState.fileFor(file);
        assertFalse(Files.exists(reviewFile), "decisions are written with the dataset, not before");
        vm.document().save().get();
        assertTrue(Files.exists(reviewFile));

        // reopened in a new window: the decisions are restored, nothing is pending twice
        MainViewModel again = open(file);
        assertEquals(
                "2 of " + all + " reviewed",
                again.review().reviewProgressProperty().get());
        assertEquals(
                pr0.size() - 2, again.shown().shownPredictionsProperty().get().size());
        assertFalse(shownWithKey(again, accepted), "an accepted prediction is not shown beside its annotation");
        assertFalse(shownWithKey(again, rejected), "a rejected prediction stays hidden");
        assertEquals(gt0 + 1, again.shown().shownGroundTruthProperty().get().size());
        assertEquals(
                1,
                again.shown().shownGroundTruthProperty().get().stream()
                        .filter(a -> a.id() == annotationId)
                        .count());
        assertEquals(
                annotationId,
                again.editor().review().decision(accepted.key()).orElseThrow().annotationId());

        // undoing an accept made in an earlier session is not possible (the history is new), but deleting its
        // annotation and reopening keeps the prediction reviewed, and says so
        again.selection()
                .selectedProperty()
                .set(again.shown().shownGroundTruthProperty().get().getLast());
        assertTrue(again.edits().deleteSelected());
        again.document().save().get();
        MainViewModel third = open(file);
        assertTrue(
                third.messageProperty().get().contains("deleted since"),
                third.messageProperty().get());
        assertFalse(shownWithKey(third, accepted));
        assertEquals(
                0,
                third.editor().review().decision(accepted.key()).orElseThrow().annotationId());
    }

    @Test
    void theReviewQueueWalksPendingPredictionsAcrossImagesLowestConfidenceFirst(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        MainViewModel vm = open(file);
        vm.navigation().currentImageProperty().set(vm.navigation().images().get(0));
        // the lowest-scored prediction of the whole dataset comes first, on its own image
        Instance lowest = null;
        for (List<Instance> l :
                vm.predictions().predictionsProperty().get().byImage().values())
            for (Instance p : l) if (lowest == null || p.score() < lowest.score()) lowest = p;
        assertTrue(vm.review().nextPending(true));
        assertEquals(lowest.key(), vm.selection().selectedProperty().get().key());
        assertEquals(lowest.imageId(), vm.navigation().getCurrentImage().id());
        // rejected: the queue goes on to the next one, never back to a decided prediction
        assertTrue(vm.edits().deleteSelected());
        Instance second = null;
        for (List<Instance> l :
                vm.predictions().predictionsProperty().get().byImage().values())
            for (Instance p : l)
                if (!p.key().equals(lowest.key()) && (second == null || p.score() < second.score())) second = p;
        vm.selection().selectedProperty().set(null);
        assertTrue(vm.review().nextPending(true));
        assertEquals(second.key(), vm.selection().selectedProperty().get().key());

        // image by image: walks every pending prediction once, then says nothing is left
        int all = totalPredictions(vm);
        vm.selection().selectedProperty().set(null);
        int accepted = 0;
        while (vm.review().nextPending(false)) {
            assertTrue(vm.review().acceptSelected());
            accepted++;
            assertTrue(accepted < all, "the queue ends");
        }
        assertEquals(all - 1, accepted);
        assertEquals(
                all + " of " + all + " reviewed",
                vm.review().reviewProgressProperty().get());
        assertTrue(
                vm.messageProperty().get().startsWith("Nothing left to review"),
                vm.messageProperty().get());
    }

    @Test
    void anUnreadableReviewFileIsSetAsideAndSaid(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        Files.writeString(ReviewState.fileFor(file), "{\"format\": 7, \"decisions\": [oops");
        MainViewModel vm = open(file);
        assertTrue(
                vm.messageProperty().get().contains("Review decisions not read"),
                vm.messageProperty().get());
        assertTrue(Files.exists(Path.of(ReviewState.fileFor(file) + ".bad")));
        assertEquals(
                "0 of " + totalPredictions(vm) + " reviewed",
                vm.review().reviewProgressProperty().get());
    }

    @Test
    void decisionsMadeBeforeACrashAreRecoveredWithTheEditsOrGivenUpWithThem(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("person.json");
        Files.copy(PERSON, file);
        MainViewModel vm = open(file);
        int all = totalPredictions(vm);
        List<Instance> pr0 = vm.shown().shownPredictionsProperty().get();
        Instance accepted = pr0.get(0);
        Instance rejected = pr0.get(1);
        Instance undone = pr0.get(2);
        vm.selection().selectedProperty().set(accepted);
        assertTrue(vm.review().acceptSelected());
        long annotationId =
                vm.shown().shownGroundTruthProperty().get().getLast().id();
        vm.selection().selectedProperty().set(rejected);
        assertTrue(vm.edits().deleteSelected());
        vm.selection()
                .selectedProperty()
                .set(vm.shown().shownPredictionsProperty().get().stream()
                        .filter(p -> p.key().equals(undone.key()))
                        .findFirst()
                        .orElseThrow());
        assertTrue(vm.edits().deleteSelected());
        assertTrue(vm.edits().undo(), "the third decision taken back before the crash");
        vm.document().setDataset(null); // a crash: nothing saved, nothing asked
        assertFalse(Files.exists(ReviewState.fileFor(file)), "nothing was saved");

        // recovered: the rejection too (it changed no annotation), the accept with its annotation, the undo
        ScriptedDialogs recover = new ScriptedDialogs();
        recover.recovery = j -> true;
        MainViewModel again = open(file, recover);
        ReviewState state = again.editor().review();
        assertEquals(
                ReviewState.Status.REJECTED,
                state.decision(rejected.key()).orElseThrow().status());
        assertEquals(
                ReviewState.Status.ACCEPTED,
                state.decision(accepted.key()).orElseThrow().status());
        assertEquals(annotationId, state.decision(accepted.key()).orElseThrow().annotationId());
        assertNotNull(again.editor().coco().annotation(annotationId));
        assertTrue(state.decision(undone.key()).isEmpty(), "undone before the crash: pending");
        assertEquals(
                "2 of " + all + " reviewed",
                again.review().reviewProgressProperty().get());
        assertFalse(shownWithKey(again, rejected));
        assertTrue(shownWithKey(again, undone));

        // saved: in the review file, the journal gone
        again.document().save().get();
        assertTrue(Files.exists(ReviewState.fileFor(file)));
        assertEquals(2, ReviewState.read(ReviewState.fileFor(file)).size());

        // a rejection after the save, a crash, recovery declined: the decision is given up with the edits
        again.selection()
                .selectedProperty()
                .set(again.shown().shownPredictionsProperty().get().stream()
                        .filter(p -> p.key().equals(undone.key()))
                        .findFirst()
                        .orElseThrow());
        assertTrue(again.edits().deleteSelected());
        again.document().setDataset(null);
        MainViewModel declined = open(file); // the scripted answer: no recovery
        assertTrue(declined.editor().review().decision(undone.key()).isEmpty());
        assertEquals(
                "2 of " + all + " reviewed",
                declined.review().reviewProgressProperty().get());
    }
}
