package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.coco.CocoDataset;
import dev.masklab.model.Architecture;
import dev.masklab.model.roi.FastRcnnPredictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The class count of starting weights against a training set's, for the health check before training: the box
 * predictor's {@code cls_score.weight} has one row per class (background included). When the counts differ,
 * {@link FineTune} starts the box (and mask) predictor afresh, which the user should know before a long run.
 */
public final class WeightsClasses {
    /** The key whose first dimension is the number of classes. */
    public static final String KEY = FastRcnnPredictor.PREFIX + "cls_score.weight";

    private WeightsClasses() {}

    /**
     * Classes (background included) of the box predictor of {@code weights} (as {@link TrainingRun#loadWeights} reads
     * them: a torchvision .pth, a {@code .masklab} model, a training checkpoint or run folder); -1 when the weights
     * have no box predictor (e.g. backbone-only weights).
     *
     * @throws IOException naming the file when it cannot be read
     */
    public static int count(Path weights) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = TrainingRun.loadWeights(weights, m);
            NDArray cls = w.get(KEY);
            return cls == null || cls.getShape().dimension() != 2
                    ? -1
                    : (int) cls.getShape().get(0);
        }
    }

    /** Classes (background included) a model trained on {@code ds} has: every category, or for keypoints theirs. */
    public static int ofDataset(CocoDataset ds, Architecture arch) {
        return CategoryMap.contiguous(arch.hasKeypoints() ? TrainingRun.keypointCategories(ds) : ds.categories())
                .numClasses();
    }

    /**
     * "" when the counts agree, else one line saying what training does about it.
     *
     * @param weightsClasses {@link #count} of the weights (-1: no box predictor)
     * @param datasetClasses {@link #ofDataset} of the training set
     */
    public static String compare(int weightsClasses, int datasetClasses) {
        if (weightsClasses == datasetClasses) return "";
        if (weightsClasses < 0) {
            return "the weights have no box predictor: it starts fresh for the training set's " + (datasetClasses - 1)
                    + " classes";
        }
        return "the weights have " + (weightsClasses - 1) + " classes, the training set " + (datasetClasses - 1)
                + ": the box and mask predictors start fresh (re-initialised), the rest is fine-tuned";
    }
}
