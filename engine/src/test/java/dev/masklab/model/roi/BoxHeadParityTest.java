package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.masklab.model.ParityReferences;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Box branch vs torchvision on every parity reference: fed torchvision's own FPN features and proposals, the box head
 * and predictor give class_logits / box_regression within 1e-4 relative, and the post-processing gives the same
 * ordered detections (boxes within 1e-3 px after scaling to the original image).
 */
class BoxHeadParityTest {
    @Test
    void boxBranchMatchesTorchvision() throws Exception {
        for (ParityReferences.Reference r : ParityReferences.require()) {
            try (HeadsReference ref = new HeadsReference(r)) {
                String n = r.name();
                Map<String, NDArray> features = ref.features();
                NDArray proposals = ref.array("proposals");
                RoiHeads heads = new RoiHeads(ref.weights::get, false, false, new BoxPostprocessor(0f, 0.5f, 100));
                long t0 = System.nanoTime();
                NDList out = heads.boxLogits(features, List.of(proposals), ref.imageSizes());
                long t1 = System.nanoTime();
                ParityAssert.assertClose(
                        n + " box.class_logits", out.get(0).toFloatArray(), ref.floats("box.class_logits"));
                ParityAssert.assertClose(
                        n + " box.box_regression", out.get(1).toFloatArray(), ref.floats("box.box_regression"));

                Detections d = heads.postprocessor().apply(out.get(0), out.get(1), proposals, ref.inH, ref.inW);
                long t2 = System.nanoTime();
                float[] boxes = d.boxes().clone();
                for (int i = 0; i < boxes.length; i += 4) {
                    boxes[i] *= ref.ratioW;
                    boxes[i + 1] *= ref.ratioH;
                    boxes[i + 2] *= ref.ratioW;
                    boxes[i + 3] *= ref.ratioH;
                }
                ParityAssert.assertDetections(
                        n + " detections",
                        boxes,
                        d.scores(),
                        d.labels(),
                        ref.floats("detections.boxes"),
                        ref.floats("detections.scores"),
                        ref.detectionLabels());
                System.out.printf(
                        "timing %s box head %.0f ms, postprocess %.0f ms%n", n, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
        }
    }
}
