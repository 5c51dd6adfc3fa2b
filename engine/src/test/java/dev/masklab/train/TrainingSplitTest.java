package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Fine-tune on what is labelled": only complete images, a seeded split stratified by each image's rarest category. */
class TrainingSplitTest {
    static final Path SAMPLE =
            Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");

    private static Set<Long> ids(CocoDataset ds) {
        return ds.images().stream().map(CocoImage::id).collect(Collectors.toSet());
    }

    @Test
    void onlyCompleteImagesWithAllTheirAnnotationsInDisjointSets(@TempDir Path tmp) throws Exception {
        CocoDataset ds = CocoReader.read(SAMPLE);
        Set<Long> complete = ds.images().stream()
                .map(CocoImage::id)
                .filter(id -> id % 3 != 0)
                .collect(Collectors.toSet());
        complete.add(987_654L); // not in the dataset: ignored
        TrainingSplit s = TrainingSplit.of(ds, complete, 0.25, 7);
        Set<Long> train = ids(s.train());
        Set<Long> val = ids(s.validation());
        Set<Long> union = new HashSet<>(train);
        union.addAll(val);
        complete.remove(987_654L);
        assertEquals(complete, union);
        assertTrue(train.stream().noneMatch(val::contains));
        assertEquals(Math.round(0.25 * complete.size()), val.size());
        for (CocoDataset part : List.of(s.train(), s.validation())) {
            assertEquals(ds.categories(), part.categories());
            for (CocoImage im : part.images()) {
                assertEquals(ds.annotationsOf(im.id()), part.annotationsOf(im.id()));
            }
            assertEquals(
                    part.images().stream()
                            .mapToInt(im -> ds.annotationsOf(im.id()).size())
                            .sum(),
                    part.annotations().size());
        }
        // written as COCO files the training reads
        List<Path> files = s.write(tmp.resolve("split"));
        assertEquals(train, ids(CocoReader.read(files.get(0))));
        assertEquals(val, ids(CocoReader.read(files.get(1))));
        assertEquals(
                s.validation().annotations().size(),
                CocoReader.read(files.get(1)).annotations().size());
        assertTrue(Files.isRegularFile(tmp.resolve("split/train.json")));
    }

    @Test
    void theSeedDecidesTheSplit() throws Exception {
        CocoDataset ds = CocoReader.read(SAMPLE);
        Set<Long> all = ids(ds);
        assertEquals(
                ids(TrainingSplit.of(ds, all, 0.3, 1).validation()),
                ids(TrainingSplit.of(ds, all, 0.3, 1).validation()));
        Set<Set<Long>> seen = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            seen.add(ids(TrainingSplit.of(ds, all, 0.3, seed).validation()));
        }
        assertTrue(seen.size() > 1, "five seeds gave one split");
    }

    /** 20 images of "common" (ids 1..20), 5 of which also show "rare" (ids 16..20); 4 without annotations (21..24). */
    private static CocoDataset rareAndCommon() {
        CocoDataset ds = new CocoDataset();
        ds.addCategory(new CocoCategory(1, "common", null));
        ds.addCategory(new CocoCategory(2, "rare", null));
        long ann = 1;
        for (long id = 1; id <= 24; id++) {
            ds.addImage(new CocoImage(id, id + ".png", 64, 64));
            if (id <= 20) {
                ds.addAnnotation(new CocoAnnotation(ann++, id, 1));
            }
            if (id > 15 && id <= 20) {
                ds.addAnnotation(new CocoAnnotation(ann++, id, 2));
            }
        }
        return ds;
    }

    @Test
    void eachRarestCategoryGroupGivesItsShareToValidation() {
        CocoDataset ds = rareAndCommon();
        Set<Long> all = ids(ds);
        for (long seed = 0; seed < 20; seed++) {
            TrainingSplit s = TrainingSplit.of(ds, all, 0.2, seed);
            Set<Long> val = ids(s.validation());
            assertEquals(5, val.size()); // 0.2 x 24 rounded
            // groups: rare 16..20 (5 -> 1), common only 1..15 (15 -> 3), empty 21..24 (4 -> 0.8 -> 1 by the remainder)
            assertEquals(1, val.stream().filter(id -> id > 15 && id <= 20).count(), seed + ": " + val);
            assertEquals(3, val.stream().filter(id -> id <= 15).count(), seed + ": " + val);
            assertEquals(1, val.stream().filter(id -> id > 20).count(), seed + ": " + val);
        }
    }

    @Test
    void aCategoryOnOneImageStaysInTrainingAndSmallSetsStillSplit() {
        CocoDataset ds = rareAndCommon();
        // complete: three "common" images and the first "rare" one
        Set<Long> complete = Set.of(1L, 2L, 3L, 16L);
        for (long seed = 0; seed < 20; seed++) {
            TrainingSplit s = TrainingSplit.of(ds, complete, 0.25, seed);
            assertEquals(1, s.validation().images().size());
            assertTrue(ids(s.train()).contains(16L), "the only image of 'rare' is trained on");
        }
        TrainingSplit two = TrainingSplit.of(ds, Set.of(1L, 2L), 0.1, 3);
        assertEquals(1, two.validation().images().size(), "two images: one each, whatever the fraction");
        assertEquals(1, two.train().images().size());
        TrainingSplit one = TrainingSplit.of(ds, Set.of(5L), 0.5, 3);
        assertEquals(Set.of(5L), ids(one.train()));
        assertTrue(one.validation().images().isEmpty());
        TrainingSplit none = TrainingSplit.of(ds, ids(ds), 0, 3);
        assertEquals(24, none.train().images().size());
    }

    @Test
    void nothingCompleteOrABadFractionIsRefused() {
        CocoDataset ds = rareAndCommon();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TrainingSplit.of(ds, Set.of(99L), 0.2, 0));
        assertEquals("no image of the dataset is marked complete: nothing to train on", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingSplit.of(ds, ids(ds), 0.95, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainingSplit.of(ds, ids(ds), Double.NaN, 0));
    }
}
