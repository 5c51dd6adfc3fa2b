package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.masklab.model.ParityReferences;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mask branch vs torchvision on every Mask R-CNN parity reference: fed torchvision's FPN features and its detected
 * boxes, the mask head + predictor give mask_logits within 1e-4 relative; fed torchvision's mask logits and boxes,
 * {@link MaskPaster} gives detections.masks within 1e-4 relative.
 */
class MaskHeadParityTest {
    @Test
    void maskBranchMatchesTorchvision() throws Exception {
        int checked = 0;
        for (ParityReferences.Reference r : ParityReferences.require()) {
            if (!r.model().equals("maskrcnn")) {
                continue;
            }
            checked++;
            try (HeadsReference ref = new HeadsReference(r)) {
                String n = r.name();
                Map<String, NDArray> features = ref.features();
                float[] boxes = ref.detectionBoxesResized();
                RoiHeads heads = new RoiHeads(ref.weights::get, true, false, new BoxPostprocessor(0f, 0.5f, 100));
                NDArray rois = ref.manager.create(boxes, new Shape(boxes.length / 4, 4));
                long t0 = System.nanoTime();
                NDArray logits = heads.maskLogits(features, List.of(rois), ref.imageSizes());
                long t1 = System.nanoTime();
                ParityAssert.assertClose(n + " mask_logits", logits.toFloatArray(), ref.floats("mask_logits"));

                // paste torchvision's own probabilities with its own boxes into the original image
                NDArray refLogits = ref.array("mask_logits");
                long[] s = r.shape("mask_logits");
                int c = (int) s[1];
                int m = (int) s[2];
                float[] probs = Activation.sigmoid(refLogits).toFloatArray();
                int[] labels = ref.detectionLabels();
                float[] refBoxes = ref.floats("detections.boxes");
                float[] refMasks = ref.floats("detections.masks");
                int plane = ref.origH * ref.origW;
                float[] pasted = new float[labels.length * plane];
                float[] one = new float[m * m];
                long t2 = System.nanoTime();
                for (int i = 0; i < labels.length; i++) {
                    System.arraycopy(probs, (i * c + labels[i]) * m * m, one, 0, m * m);
                    MaskPaster.pasteInto(one, m, refBoxes, 4 * i, ref.origH, ref.origW, pasted, i * plane);
                }
                long t3 = System.nanoTime();
                ParityAssert.assertClose(n + " detections.masks (pasted)", pasted, refMasks);
                long differing = 0;
                for (int i = 0; i < pasted.length; i++) {
                    if ((pasted[i] > 0.5f) != (refMasks[i] > 0.5f)) {
                        differing++;
                    }
                }
                System.out.printf("parity %s masks > 0.5: %d of %d pixels differ%n", n, differing, pasted.length);
                assertTrue(differing <= pasted.length / 100000, "binary masks differ in " + differing + " pixels");
                System.out.printf(
                        "timing %s mask head %.0f ms, paste 100 masks %.0f ms%n", n, (t1 - t0) / 1e6, (t3 - t2) / 1e6);
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(checked > 0, "no Mask R-CNN references");
    }
}
