package dev.masklab.eval;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import java.util.List;

/**
 * A COCO evaluation of results against a ground truth that follows edits: after one image's annotations or
 * detections change (a prediction accepted, rejected or corrected, an annotation deleted), {@link #update} evaluates
 * that image again and re-accumulates the summary, without evaluating the other images again. The result equals a
 * full {@link CocoEvaluator#evaluate} of the edited data. The per-image matching is kept ({@link #images()}) for the
 * errors, per-image counts and per-image AP. Not thread-safe.
 */
public final class IncrementalEvaluation {
    private final CocoEvalCells cells;
    private final ImageEvaluations images;
    private EvalResult result;

    private IncrementalEvaluation(CocoEvalCells cells, ImageEvaluations images) {
        this.cells = cells;
        this.images = images;
        this.result = images.result();
    }

    /**
     * Evaluates every image (as {@link CocoEvaluator#evaluate(CocoDataset, List, EvalParams)}, matching kept). The
     * ground truth's images and categories fix what is evaluated; later edits change annotations and detections only.
     */
    public static IncrementalEvaluation start(CocoDataset gt, List<CocoResult> results, EvalParams params) {
        return start(gt, results, params, null);
    }

    /** As {@link #start(CocoDataset, List, EvalParams)}, reporting each evaluated image (null: none); may cancel. */
    public static IncrementalEvaluation start(
            CocoDataset gt, List<CocoResult> results, EvalParams params, EvalProgress progress) {
        CocoEvalCells cells = CocoEvaluator.cells(gt, results, params);
        ImageEvaluations images = new CocoEvaluator(params)
                .evaluateImages(cells.imgIds(), cells.catIds(), cells.catNames(), cells, true, progress);
        return new IncrementalEvaluation(cells, images);
    }

    /** The current accumulated result. */
    public EvalResult result() {
        return result;
    }

    /**
     * The IoU (OKS for keypoints) between a detection and a ground truth of an image as matching computes it (crowd:
     * intersection over the detection's area), e.g. of a true-positive pair of {@link ImageEvaluations#errors}.
     *
     * @throws IllegalArgumentException when either is not evaluated in that image
     */
    public double iou(long imageId, long dtId, long gtId) {
        return cells.iou(imageId, dtId, gtId);
    }

    /** Every image's evaluation with its matching, as of the last update. */
    public ImageEvaluations images() {
        return images;
    }

    /**
     * Replaces one image's ground truths and detections by their edited lists, evaluates that image again and
     * re-accumulates.
     *
     * @param imageId     an evaluated image
     * @param annotations all of the image's annotations after the edit (file order)
     * @param results     all of the image's detections after the edit, with ids and areas as
     *                    {@link dev.masklab.coco.CocoResults} gives them (ids unique over the whole results list)
     * @return the new result (also {@link #result()})
     * @throws IllegalArgumentException when the image is not evaluated, an item names another image, or a result
     *                                  lacks what the iou type needs; the evaluation then stays as it was
     */
    public EvalResult update(long imageId, List<CocoAnnotation> annotations, List<CocoResult> results) {
        int i = images.imageIndex(imageId);
        if (i < 0) throw new IllegalArgumentException("image " + imageId + " is not evaluated");
        for (CocoResult r : results) CocoEvaluator.requireArea(r);
        Runnable undo = cells.replaceImage(imageId, annotations, results);
        try {
            images.reevaluate(i, cells);
        } catch (RuntimeException e) {
            undo.run(); // the evaluation stays that of the data before the edit
            images.reevaluate(i, cells);
            throw e;
        }
        result = images.result();
        return result;
    }
}
