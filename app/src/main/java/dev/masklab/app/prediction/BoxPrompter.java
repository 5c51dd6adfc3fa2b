package dev.masklab.app.prediction;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.coco.CocoResult;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Asks the loaded model what is in a box of an image (#16 part 2: the engine's {@link
 * dev.masklab.predict.Predictor#prompt}), off the FX thread; the answer is handed back on the FX thread. The window
 * implements it with the {@link WarmModel} and its task executor; tests give a fake.
 */
@FunctionalInterface
public interface BoxPrompter {
    /**
     * @param image      the image (its file is read by the implementation)
     * @param box        x, y, w, h in the image's pixels (w, h at least 1)
     * @param categoryId the category whose mask / keypoints to compute, or empty for the box head's best class
     * @param done       receives the result (image id, category, score, the prompt's box, mask / keypoints as the
     *                   model gives them); not called when the prompt fails (the implementation says why)
     */
    void prompt(ImageEntry image, double[] box, OptionalLong categoryId, Consumer<CocoResult> done);
}
