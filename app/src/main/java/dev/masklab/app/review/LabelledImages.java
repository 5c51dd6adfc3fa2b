package dev.masklab.app.review;

import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoImage;
import dev.masklab.review.ReviewState;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which images of the open dataset are labelled, i.e. their annotations complete (#16 part 7): an image is complete
 * when it is marked done ({@link ReviewState#isDone}), or when it has at least one review decision (a prediction
 * accepted or rejected, in this session or an earlier one) and no pending prediction, a pending prediction being a
 * loaded one at or above the score threshold (what the image view shows and the review queue walks) that was neither
 * accepted nor rejected. An image that was never reviewed is not complete, whatever annotations it has: "fine-tune on
 * what is labelled" trains on the complete images, and "run on the images not yet reviewed" runs on the others.
 */
public final class LabelledImages {
    private LabelledImages() {}

    /**
     * The complete images, in the dataset's order.
     *
     * @param editor      the open dataset's editor (its dataset as edited and its review decisions)
     * @param predictions the loaded predictions, or null
     * @param threshold   the score threshold in use
     */
    public static Set<Long> complete(AnnotationEditor editor, PredictionSet predictions, double threshold) {
        ReviewState review = editor.review();
        Set<Long> decided = new HashSet<>();
        for (ReviewState.Decision d : review.decisions()) decided.add(d.imageId());
        Set<Long> out = new LinkedHashSet<>();
        for (CocoImage im : editor.coco().images()) {
            long id = im.id();
            if (review.isDone(id)) {
                out.add(id);
                continue;
            }
            boolean reviewed = decided.contains(id);
            boolean pending = false;
            if (predictions != null) {
                for (Instance p : predictions.forImage(id)) {
                    if (editor.isReviewed(p)) reviewed = true; // also predictions without a key
                    else if (p.score() >= threshold) pending = true;
                }
            }
            if (reviewed && !pending) out.add(id);
        }
        return out;
    }
}
