package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ParityReferences;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Keypoint branch vs torchvision on every Keypoint R-CNN parity reference: fed torchvision's FPN features and its
 * detected boxes, the keypoint head + predictor give keypoint_logits within 1e-4 relative; fed torchvision's
 * keypoint logits, {@link HeatmapsToKeypoints} gives detections.keypoints (scaled to the original image) and
 * detections.keypoints_scores within 1e-4 relative.
 */
class KeypointHeadParityTest {
    @Test
    void keypointBranchMatchesTorchvision() throws Exception {
        int checked = 0;
        for (ParityReferences.Reference r : ParityReferences.require()) {
            if (!r.model().equals("keypointrcnn")) {
                continue;
            }
            checked++;
            try (HeadsReference ref = new HeadsReference(r)) {
                String n = r.name();
                Map<String, NDArray> features = ref.features();
                float[] boxes = ref.detectionBoxesResized();
                RoiHeads heads = new RoiHeads(ref.weights::get, false, true, new BoxPostprocessor(0f, 0.5f, 100));
                NDArray rois = ref.manager.create(boxes, new Shape(boxes.length / 4, 4));
                long t0 = System.nanoTime();
                NDArray logits = heads.keypointLogits(features, List.of(rois), ref.imageSizes());
                long t1 = System.nanoTime();
                ParityAssert.assertClose(n + " keypoint_logits", logits.toFloatArray(), ref.floats("keypoint_logits"));

                long t2 = System.nanoTime();
                HeatmapsToKeypoints.Result kp = HeatmapsToKeypoints.apply(ref.array("keypoint_logits"), boxes);
                long t3 = System.nanoTime();
                float[] xyv = kp.xyv().clone();
                for (int i = 0; i < xyv.length; i += 3) {
                    xyv[i] *= ref.ratioW;
                    xyv[i + 1] *= ref.ratioH;
                }
                ParityAssert.assertClose(n + " detections.keypoints", xyv, ref.floats("detections.keypoints"));
                ParityAssert.assertClose(
                        n + " detections.keypoints_scores", kp.scores(), ref.floats("detections.keypoints_scores"));
                System.out.printf(
                        "timing %s keypoint head %.0f ms, heatmaps->keypoints %.0f ms%n",
                        n, (t1 - t0) / 1e6, (t3 - t2) / 1e6);
            }
        }
        Assumptions.assumeTrue(checked > 0, "no Keypoint R-CNN references");
    }
}
