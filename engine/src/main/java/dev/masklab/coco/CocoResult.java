package dev.masklab.coco;

/**
 * One detection in the COCO results format. {@code bbox}, {@code segmentation} and {@code keypoints} may each be null.
 * Arrays are shared, not copied: do not modify them.
 *
 * <p>{@link CocoResults#read} fills in what pycocotools' {@code loadRes} adds: {@code id} (1..n in file order) and
 * {@code area}, and, depending on the kind of results, the box and segmentation (see {@link CocoResults}). Results
 * built with {@link #of} have id 0 and area NaN until then.
 *
 * @param imageId      image_id (an image of the ground truth)
 * @param categoryId   category_id
 * @param score        confidence
 * @param bbox         x, y, w, h or null
 * @param segmentation mask (normally compressed RLE) or null
 * @param keypoints    x, y, v triples or null
 * @param id           1-based id assigned on loading (0 when not loaded)
 * @param area         area used by COCOeval's area ranges (NaN when not loaded)
 * @param keypointScores one score per keypoint or null: the extra {@code keypoint_scores} field that MaskLab and
 *                     torchvision-based tools write (torchvision's {@code keypoints_scores}: the keypoint heatmap's
 *                     maximum logit, not a probability); pycocotools ignores it
 */
public record CocoResult(
        long imageId,
        long categoryId,
        double score,
        double[] bbox,
        Segmentation segmentation,
        double[] keypoints,
        long id,
        double area,
        double[] keypointScores) {

    /** A result without keypoint scores. */
    public CocoResult(
            long imageId,
            long categoryId,
            double score,
            double[] bbox,
            Segmentation segmentation,
            double[] keypoints,
            long id,
            double area) {
        this(imageId, categoryId, score, bbox, segmentation, keypoints, id, area, null);
    }

    /** A result as a model produces it (no id, no area yet). */
    public static CocoResult of(
            long imageId, long categoryId, double score, double[] bbox, Segmentation segmentation, double[] keypoints) {
        return of(imageId, categoryId, score, bbox, segmentation, keypoints, null);
    }

    /** A result as a keypoint model produces it, with a score per keypoint (no id, no area yet). */
    public static CocoResult of(
            long imageId,
            long categoryId,
            double score,
            double[] bbox,
            Segmentation segmentation,
            double[] keypoints,
            double[] keypointScores) {
        return new CocoResult(imageId, categoryId, score, bbox, segmentation, keypoints, 0, Double.NaN, keypointScores);
    }

    /** The mask (pycocotools annToRLE); h, w are the image size, used for polygon segmentations. */
    public Rle mask(int h, int w) {
        if (segmentation == null) throw new IllegalStateException("result " + id + " has no segmentation");
        return segmentation.toRle(h, w);
    }
}
