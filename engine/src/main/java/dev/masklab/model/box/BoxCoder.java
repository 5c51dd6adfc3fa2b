package dev.masklab.model.box;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Box regression coding of torchvision 0.14's {@code det_utils.BoxCoder}: deltas (dx, dy, dw, dh) of a box relative
 * to a reference box, scaled by {@code weights}, with widths x2-x1 (no +1), centres x1+0.5*w and {@code dw, dh}
 * clamped at {@code clip} (default log(1000/16)) before {@code exp} when decoding. Float32 NDArray arithmetic in
 * torchvision's operation order, so the result runs on (and is differentiable through) DJL's PyTorch engine.
 * Plain-Java {@code float[]} variants are given for post-processing without gradients.
 */
public final class BoxCoder {
    /** torchvision's default clamp of dw/dh: log(1000 / 16). */
    public static final double DEFAULT_CLIP = Math.log(1000.0 / 16);

    private final double[] weights;
    private final double clip;

    public BoxCoder(double[] weights, double clip) {
        if (weights.length != 4) {
            throw new IllegalArgumentException("BoxCoder needs 4 weights (wx, wy, ww, wh), got " + weights.length);
        }
        this.weights = weights.clone();
        this.clip = clip;
    }

    public BoxCoder(double[] weights) {
        this(weights, DEFAULT_CLIP);
    }

    public double[] weights() {
        return weights.clone();
    }

    public double clip() {
        return clip;
    }

    /**
     * Encodes {@code matchedGt} (K,4) relative to {@code proposals} (K,4) -> targets (K,4) (torchvision
     * {@code encode_single(reference_boxes=matchedGt, proposals)}).
     */
    public NDArray encode(NDArray matchedGt, NDArray proposals) {
        float wx = (float) weights[0];
        float wy = (float) weights[1];
        float ww = (float) weights[2];
        float wh = (float) weights[3];
        NDArray px1 = proposals.get(new NDIndex(":, 0:1"));
        NDArray py1 = proposals.get(new NDIndex(":, 1:2"));
        NDArray px2 = proposals.get(new NDIndex(":, 2:3"));
        NDArray py2 = proposals.get(new NDIndex(":, 3:4"));
        NDArray gx1 = matchedGt.get(new NDIndex(":, 0:1"));
        NDArray gy1 = matchedGt.get(new NDIndex(":, 1:2"));
        NDArray gx2 = matchedGt.get(new NDIndex(":, 2:3"));
        NDArray gy2 = matchedGt.get(new NDIndex(":, 3:4"));

        NDArray exW = px2.sub(px1);
        NDArray exH = py2.sub(py1);
        NDArray exCx = px1.add(exW.mul(0.5f));
        NDArray exCy = py1.add(exH.mul(0.5f));
        NDArray gtW = gx2.sub(gx1);
        NDArray gtH = gy2.sub(gy1);
        NDArray gtCx = gx1.add(gtW.mul(0.5f));
        NDArray gtCy = gy1.add(gtH.mul(0.5f));

        NDArray dx = gtCx.sub(exCx).mul(wx).div(exW);
        NDArray dy = gtCy.sub(exCy).mul(wy).div(exH);
        NDArray dw = gtW.div(exW).log().mul(ww);
        NDArray dh = gtH.div(exH).log().mul(wh);
        return NDArrays.concat(new ai.djl.ndarray.NDList(dx, dy, dw, dh), 1);
    }

    /**
     * Decodes {@code relCodes} (K, 4*C) against reference {@code boxes} (K,4) -> (K, C, 4) boxes, as torchvision's
     * {@code BoxCoder.decode} (for the RPN, C = 1).
     */
    public NDArray decode(NDArray relCodes, NDArray boxes) {
        long k = boxes.getShape().get(0);
        if (k == 0) {
            Shape s = relCodes.getShape();
            return relCodes.reshape(0, s.dimension() > 1 ? s.get(s.dimension() - 1) / 4 : 1, 4);
        }
        NDArray codes = relCodes.reshape(k, -1, 4);
        NDArray b = boxes.toType(relCodes.getDataType(), false);
        NDArray widths =
                b.get(new NDIndex(":, 2")).sub(b.get(new NDIndex(":, 0"))).reshape(k, 1);
        NDArray heights =
                b.get(new NDIndex(":, 3")).sub(b.get(new NDIndex(":, 1"))).reshape(k, 1);
        NDArray ctrX = b.get(new NDIndex(":, 0")).reshape(k, 1).add(widths.mul(0.5f));
        NDArray ctrY = b.get(new NDIndex(":, 1")).reshape(k, 1).add(heights.mul(0.5f));

        NDArray dx = codes.get(new NDIndex(":, :, 0")).div((float) weights[0]);
        NDArray dy = codes.get(new NDIndex(":, :, 1")).div((float) weights[1]);
        NDArray dw = codes.get(new NDIndex(":, :, 2")).div((float) weights[2]).minimum((float) clip);
        NDArray dh = codes.get(new NDIndex(":, :, 3")).div((float) weights[3]).minimum((float) clip);

        NDArray predCx = dx.mul(widths).add(ctrX);
        NDArray predCy = dy.mul(heights).add(ctrY);
        NDArray predW = dw.exp().mul(widths);
        NDArray predH = dh.exp().mul(heights);
        NDArray halfW = predW.mul(0.5f);
        NDArray halfH = predH.mul(0.5f);
        return NDArrays.stack(
                new ai.djl.ndarray.NDList(predCx.sub(halfW), predCy.sub(halfH), predCx.add(halfW), predCy.add(halfH)),
                2);
    }

    /** Plain-Java decode: relCodes (K * 4C), boxes (K * 4) -> (K * C * 4). exp in double rounded to float. */
    public float[] decode(float[] relCodes, float[] boxes) {
        int k = boxes.length / 4;
        if (k == 0) {
            return new float[0];
        }
        if (relCodes.length % (4 * k) != 0) {
            throw new IllegalArgumentException(
                    "decode: " + relCodes.length + " codes do not match " + k + " boxes x 4 x classes");
        }
        int c = relCodes.length / (4 * k);
        float wx = (float) weights[0];
        float wy = (float) weights[1];
        float ww = (float) weights[2];
        float wh = (float) weights[3];
        float clipF = (float) clip;
        float[] out = new float[relCodes.length];
        for (int i = 0; i < k; i++) {
            float w = boxes[4 * i + 2] - boxes[4 * i];
            float h = boxes[4 * i + 3] - boxes[4 * i + 1];
            float cx = boxes[4 * i] + 0.5f * w;
            float cy = boxes[4 * i + 1] + 0.5f * h;
            for (int j = 0; j < c; j++) {
                int o = (i * c + j) * 4;
                float dx = relCodes[o] / wx;
                float dy = relCodes[o + 1] / wy;
                float dw = Math.min(relCodes[o + 2] / ww, clipF);
                float dh = Math.min(relCodes[o + 3] / wh, clipF);
                float pcx = dx * w + cx;
                float pcy = dy * h + cy;
                float pw = (float) Math.exp(dw) * w;
                float ph = (float) Math.exp(dh) * h;
                float hw = 0.5f * pw;
                float hh = 0.5f * ph;
                out[o] = pcx - hw;
                out[o + 1] = pcy - hh;
                out[o + 2] = pcx + hw;
                out[o + 3] = pcy + hh;
            }
        }
        return out;
    }

    /** Plain-Java encode: matchedGt (K*4), proposals (K*4) -> targets (K*4). */
    public float[] encode(float[] matchedGt, float[] proposals) {
        int k = proposals.length / 4;
        float wx = (float) weights[0];
        float wy = (float) weights[1];
        float ww = (float) weights[2];
        float wh = (float) weights[3];
        float[] out = new float[4 * k];
        for (int i = 0; i < k; i++) {
            float exW = proposals[4 * i + 2] - proposals[4 * i];
            float exH = proposals[4 * i + 3] - proposals[4 * i + 1];
            float exCx = proposals[4 * i] + 0.5f * exW;
            float exCy = proposals[4 * i + 1] + 0.5f * exH;
            float gtW = matchedGt[4 * i + 2] - matchedGt[4 * i];
            float gtH = matchedGt[4 * i + 3] - matchedGt[4 * i + 1];
            float gtCx = matchedGt[4 * i] + 0.5f * gtW;
            float gtCy = matchedGt[4 * i + 1] + 0.5f * gtH;
            out[4 * i] = wx * (gtCx - exCx) / exW;
            out[4 * i + 1] = wy * (gtCy - exCy) / exH;
            out[4 * i + 2] = ww * (float) Math.log(gtW / exW);
            out[4 * i + 3] = wh * (float) Math.log(gtH / exH);
        }
        return out;
    }
}
