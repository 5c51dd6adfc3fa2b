package dev.masklab.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A padded image batch as torchvision's {@code ImageList}: {@code tensors} (N, 3, H, W), H and W multiples of the
 * size divisor, and per image its size after resizing and before padding ({@code imageSizes}: {h, w}) and its
 * original size ({@code originalSizes}: {h, w}).
 */
public record ImageList(NDArray tensors, List<int[]> imageSizes, List<int[]> originalSizes) {
    /** Padded batch size {H, W}. */
    public long[] paddedSize() {
        return new long[] {tensors.getShape().get(2), tensors.getShape().get(3)};
    }

    public int size() {
        return imageSizes.size();
    }
}
