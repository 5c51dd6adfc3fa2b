package dev.masklab.app.prediction;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.coco.CocoResult;
import java.util.List;
import java.util.function.Consumer;

/**
 * Asks the loaded model which objects are at a point of an image (#16 part 3: the engine's {@link
 * dev.masklab.predict.Predictor#pointCandidates}): the detections of the image's full prediction, however low their
 * score, whose mask contains the point. Off the FX thread (the first point on an image runs the backbone, later ones
 * use the predictor's cached prediction); the answer is handed back on the FX thread. The window implements it with
 * the {@link WarmModel}; tests give a fake.
 */
@FunctionalInterface
public interface PointPrompter {
    /**
     * @param image the image (its file is read by the implementation)
     * @param x     the point's x in the image's pixels
     * @param y     the point's y
     * @param done  receives the candidates, best score first (empty: no detection contains the point), each as a
     *              results-file entry (image id, category, score, box, mask, keypoints); not called when the model
     *              cannot answer (the implementation says why)
     */
    void candidates(ImageEntry image, double x, double y, Consumer<List<CocoResult>> done);
}
