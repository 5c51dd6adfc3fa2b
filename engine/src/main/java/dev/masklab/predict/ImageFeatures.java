package dev.masklab.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.ImageList;
import dev.masklab.model.roi.MultiScaleRoiAlign;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * What {@link Predictor} keeps of the last image it saw, so that further prompts on it run only the heads: the
 * transformed image ({@link ImageList}: padded tensor, resized and original sizes, hence the transform's scale), the
 * FPN features on the model's device (~80 MB for an 800 x 1216 input), their heap copy for RoI pooling (made on the
 * first prompt) and the image's full prediction (made on the first {@code predict} or point prompt). The key is the
 * {@link BufferedImage} instance. All arrays live on one sub-manager of the model's, freed by {@link #close}.
 * Guarded by the predictor's lock.
 */
final class ImageFeatures implements AutoCloseable {
    private final BufferedImage image;
    private final NDManager manager;
    private final ImageList batch;
    private final Map<String, NDArray> features;
    private MultiScaleRoiAlign.HeapFeatures heap;
    private List<Instance> prediction;

    ImageFeatures(BufferedImage image, NDManager manager, ImageList batch, Map<String, NDArray> features) {
        this.image = image;
        this.manager = manager;
        this.batch = batch;
        this.features = features;
    }

    boolean isOf(BufferedImage img) {
        return image == img;
    }

    ImageList batch() {
        return batch;
    }

    Map<String, NDArray> features() {
        return features;
    }

    NDManager manager() {
        return manager;
    }

    /** The features for RoI pooling (levels copied channels-last on first use, then reused). */
    MultiScaleRoiAlign.HeapFeatures heap() {
        if (heap == null) {
            heap = new MultiScaleRoiAlign.HeapFeatures(features, manager);
        }
        return heap;
    }

    /** The cached full prediction, or null before the first. */
    List<Instance> prediction() {
        return prediction;
    }

    void setPrediction(List<Instance> p) {
        prediction = List.copyOf(p);
    }

    @Override
    public void close() {
        heap = null;
        prediction = null;
        manager.close();
    }
}
