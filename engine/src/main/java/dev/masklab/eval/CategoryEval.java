package dev.masklab.eval;

/**
 * Scores of one category (area "all", the largest maxDets), -1 where the category has no ground truth to score.
 *
 * @param id       category id
 * @param name     category name
 * @param ap       AP averaged over the IoU thresholds (COCO's AP@[.50:.95])
 * @param ap50     AP at IoU .50 (-1 when .50 is not a threshold)
 * @param ap75     AP at IoU .75 (-1 when .75 is not a threshold)
 * @param apSmall  AP .50:.95 for area "small" (-1 when there is no such area range, as for keypoints)
 * @param apMedium AP .50:.95 for area "medium"
 * @param apLarge  AP .50:.95 for area "large"
 * @param ar       recall averaged over the IoU thresholds
 * @param gtCount  ground truths not ignored
 * @param dtCount  detections evaluated (per image at most the largest maxDets)
 */
public record CategoryEval(
        long id,
        String name,
        double ap,
        double ap50,
        double ap75,
        double apSmall,
        double apMedium,
        double apLarge,
        double ar,
        int gtCount,
        int dtCount) {}
