package dev.masklab.model.roi;

import dev.masklab.model.ops.Interpolate;

/**
 * torchvision's {@code paste_masks_in_image} for one mask, in plain Java (inference only, no gradients):
 * the M x M probability map is padded by one zero pixel on each side, its box is widened by (M+2)/M around the centre
 * and truncated to integers, the padded map is resized bilinearly (align_corners=False, as PyTorch's
 * {@code upsample_bilinear2d}, {@link Interpolate}) to the integer box size (x2-x1+1, y2-y1+1) and copied into an image-sized canvas,
 * clipped at the borders. Output values are probabilities (threshold them at 0.5 for a binary mask).
 */
public final class MaskPaster {
    public static final int PADDING = 1;

    private MaskPaster() {}

    /**
     * @param mask row-major M x M probabilities
     * @param m the mask side M
     * @param box xyxy box in the target image (4 values from {@code offset})
     * @param boxOffset index of x1 in {@code box}
     * @param imH target image height
     * @param imW target image width
     * @return row-major imH x imW probabilities
     */
    public static float[] paste(float[] mask, int m, float[] box, int boxOffset, int imH, int imW) {
        float[] out = new float[imH * imW];
        pasteInto(mask, m, box, boxOffset, imH, imW, out, 0);
        return out;
    }

    /** Like {@link #paste} into a caller-provided zeroed canvas of imH x imW starting at {@code outOffset}. */
    public static void pasteInto(
            float[] mask, int m, float[] box, int boxOffset, int imH, int imW, float[] out, int outOffset) {
        int mp = m + 2 * PADDING;
        float[] padded = new float[mp * mp];
        for (int y = 0; y < m; y++) {
            System.arraycopy(mask, y * m, padded, (y + PADDING) * mp + PADDING, m);
        }
        // expand_boxes: float32 arithmetic, the Python float scale is used as float32 by the tensor multiply
        float scale = (float) ((double) (m + 2 * PADDING) / m);
        float x1 = box[boxOffset];
        float y1 = box[boxOffset + 1];
        float x2 = box[boxOffset + 2];
        float y2 = box[boxOffset + 3];
        float wHalf = (x2 - x1) * 0.5f;
        float hHalf = (y2 - y1) * 0.5f;
        float xc = (x2 + x1) * 0.5f;
        float yc = (y2 + y1) * 0.5f;
        wHalf *= scale;
        hHalf *= scale;
        // .to(torch.int64) truncates toward zero
        long bx1 = (long) (xc - wHalf);
        long bx2 = (long) (xc + wHalf);
        long by1 = (long) (yc - hHalf);
        long by2 = (long) (yc + hHalf);
        int w = (int) Math.max(bx2 - bx1 + 1, 1);
        int h = (int) Math.max(by2 - by1 + 1, 1);

        long x0 = Math.max(bx1, 0);
        long xe = Math.min(bx2 + 1, imW);
        long y0 = Math.max(by1, 0);
        long ye = Math.min(by2 + 1, imH);
        if (xe <= x0 || ye <= y0) {
            return;
        }
        float[] resized = Interpolate.bilinear(padded, 1, mp, mp, h, w, false);
        int colFrom = (int) (x0 - bx1);
        int rowFrom = (int) (y0 - by1);
        int cols = (int) (xe - x0);
        for (int r = 0; r < ye - y0; r++) {
            System.arraycopy(resized, (rowFrom + r) * w + colFrom, out, outOffset + (int) ((y0 + r) * imW + x0), cols);
        }
    }
}
