package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What {@link RegionProposalNetwork#forward} computes for a batch: the proposals per image (K, 4) (xyxy in resized
 * image coordinates, score-descending, no gradient) and, for training losses, the head outputs flattened in
 * torchvision's anchor order ({@code objectness} (N, sumA) logits, {@code deltas} (N, sumA, 4), both carrying
 * gradients when the head's parameters do; {@code scores} (K) are the proposals' sigmoid objectness), the {@code anchors} (sumA, 4) shared by all images of the padded batch
 * and the number of anchors per level. The caller closes the arrays ({@link #close()}).
 */
public record RpnOutput(
        List<NDArray> proposals,
        List<NDArray> scores,
        NDArray objectness,
        NDArray deltas,
        NDArray anchors,
        long[] anchorsPerLevel)
        implements AutoCloseable {
    @Override
    public void close() {
        proposals.forEach(NDArray::close);
        scores.forEach(NDArray::close);
        objectness.close();
        deltas.close();
        anchors.close();
    }
}
