package dev.masklab.synth;

import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;

/** Converts a synthetic detection into a COCO result: segm as compressed RLE, bbox of that mask, score, keypoints. */
final class DetectionResults {
    private DetectionResults() {}

    static CocoResult of(long imageId, DetectionSynthesizer.Detection d, Rle rle) {
        double score = Math.round(d.score() * 1e4) / 1e4;
        return CocoResult.of(imageId, d.kind().categoryId(), score, rle.toBbox(), Segmentation.of(rle), d.keypoints());
    }
}
