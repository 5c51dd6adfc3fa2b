package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.synth.SyntheticDatasetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetHealth} lists exactly the images {@link CocoTrainingSet} skips; a validation set with other categories
 * is refused by {@link ValidationEvaluator} (it would be scored AP -1).
 */
class DatasetHealthTest {
    @TempDir
    Path tmp;

    @Test
    void skippedImagesAreThoseTheTrainingSetLeavesOut() throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(40, 3).withMeanObjects(1.5).withAnnotationsOnly(true));
        Path json = gen.generate(tmp.resolve("data"), "train", null, 0)
                .annotationFiles()
                .get(0);
        Path edited = tmp.resolve("edited.json");
        // shrink some boxes to a pixel so that the degenerate-box rule applies too
        String text = Files.readString(json)
                .replaceAll("\"bbox\": ?\\[([0-9.]+), ?([0-9.]+), ?[0-9.]+, ?[0-9.]+\\]", "\"bbox\":[$1,$2,1,1]");
        Files.writeString(edited, text);
        for (Path file : List.of(json, edited)) {
            CocoDataset ds = CocoReader.read(file);
            DatasetHealth h = DatasetHealth.of(ds);
            CategoryMap all = CategoryMap.contiguous(ds.categories());
            assertEquals(ids(ds, CocoTrainingSet.of(ds, tmp, all, true, 0, true)), kept(ds, h.skipped()));
            CategoryMap kp = CategoryMap.contiguous(TrainingRun.keypointCategories(ds));
            assertEquals(
                    ids(ds, CocoTrainingSet.of(ds, tmp, kp, false, TrainingRun.keypointCount(ds), true)),
                    kept(ds, h.skippedKeypoints()));
            assertTrue(
                    h.skippedKeypoints().size() > h.skipped().size() || file == edited,
                    h.skippedKeypoints().toString());
        }
        DatasetHealth h = DatasetHealth.of(CocoReader.read(edited));
        assertTrue(h.skipped().stream().anyMatch(s -> s.reason() == CocoTrainingSet.SkipReason.DEGENERATE_BOXES));
    }

    private static Set<Long> ids(CocoDataset ds, CocoTrainingSet set) {
        return set.entries().stream().map(e -> e.image().id()).collect(Collectors.toSet());
    }

    private static Set<Long> kept(CocoDataset ds, List<DatasetHealth.SkippedImage> skipped) {
        Set<Long> out = ds.images().stream().map(CocoImage::id).collect(Collectors.toSet());
        skipped.forEach(s -> out.remove(s.imageId()));
        return out;
    }

    @Test
    void aValidationSetWithOtherCategoriesIsRefused() throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(4, 5).withAnnotationsOnly(true));
        Path json = gen.generate(tmp.resolve("data"), "val", null, 0)
                .annotationFiles()
                .get(0);
        CocoDataset ds = CocoReader.read(json);
        CategoryMap categories = CategoryMap.contiguous(ds.categories());
        assertEquals("", categories.differences(ds.categories()));
        Path renamed = tmp.resolve("renamed.json");
        String firstName = ds.categories().get(0).name();
        Files.writeString(renamed, Files.readString(json).replace("\"" + firstName + "\"", "\"other\""));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ValidationEvaluator(
                        Architecture.MASKRCNN_RESNET50_FPN,
                        renamed,
                        tmp,
                        categories,
                        TrainingConfig.smallCpu(),
                        0,
                        tmp));
        assertTrue(
                e.getMessage()
                        .contains("validation set " + renamed + ": its categories differ from the training set's ("
                                + ds.categories().get(0).id() + " is '" + firstName + "' here, 'other' there)"),
                e.getMessage());
    }
}
