package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.IouType;
import dev.masklab.synth.SyntheticDatasetGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation stats of a keypoint model on a dataset with other categories too: scored on its own category. */
class ValidationEvaluatorTest {
    @TempDir
    Path tmp;

    @Test
    void aKeypointModelIsScoredOnItsOwnCategoryOnly() throws Exception {
        var gen = new SyntheticDatasetGenerator(
                SyntheticDatasetGenerator.Options.of(12, 5).withMeanObjects(6).withAnnotationsOnly(true));
        Path json = gen.generate(tmp.resolve("data"), "val", null, 0)
                .annotationFiles()
                .get(0);
        CocoDataset val = CocoReader.read(json);
        CategoryMap figures = CategoryMap.contiguous(TrainingRun.keypointCategories(val));
        assertEquals(1, figures.numClasses() - 1, "the generator has one keypoint category");
        long figure = figures.categoryId(1);
        // a perfect keypoint model: every non-crowd figure found with its box and keypoints, nothing else
        List<CocoResult> results = new ArrayList<>();
        Set<Long> categories = new HashSet<>();
        for (CocoAnnotation a : val.annotations()) {
            categories.add(a.categoryId());
            if (a.categoryId() == figure && !a.isCrowd()) {
                results.add(CocoResult.of(a.imageId(), figure, 1.0, a.bbox(), null, a.keypoints()));
            }
        }
        assertTrue(categories.size() > 2 && !results.isEmpty(), "figures and other shapes: " + categories);
        Path file = tmp.resolve("results.json");
        CocoResults.write(results, file);
        List<CocoResult> loaded = CocoResults.read(file, val);

        assertEquals(1.0, ValidationEvaluator.stats(val, loaded, figures, IouType.BBOX)[0], 1e-12, "bbox AP");
        assertEquals(1.0, ValidationEvaluator.stats(val, loaded, figures, IouType.KEYPOINTS)[0], 1e-12, "keypoint AP");
        // over every category of the dataset the same results score far lower (zeros for shapes it never predicts)
        double allCategories = CocoEvaluator.evaluate(val, loaded, EvalParams.defaults(IouType.BBOX))
                .stats()[0];
        assertTrue(allCategories < 0.6, "bbox AP over all categories " + allCategories);
    }
}
