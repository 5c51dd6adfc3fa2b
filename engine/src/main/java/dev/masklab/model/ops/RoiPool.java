package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * RoI max pooling of torchvision 0.14 ({@code torchvision.ops.roi_pool}, CPU kernel), written by hand because DJL
 * has none: box corners are scaled and rounded half away from zero, the RoI is at least 1 x 1 pixel (inclusive end,
 * +1), bin b covers [floor(b * size / out), ceil((b + 1) * size / out)) shifted by the RoI start and clipped to the
 * map; each output is the bin's maximum (first maximum on ties), 0 for an empty bin. Differentiable with respect to
 * the features: the gradient goes to each bin's arg-max, as in torchvision's backward.
 */
public final class RoiPool {
    private RoiPool() {}

    /** Result of the plain-Java forward: pooled values and flat arg-max indices into the features (-1 if empty). */
    public record Result(float[] values, int[] argmax) {}

    /** RoI pooling of NCHW {@code features} for {@code rois} (K,5) -> (K, C, outH, outW). */
    public static NDArray apply(NDArray features, NDArray rois, int outH, int outW, float spatialScale) {
        Shape s = features.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("RoiPool: features must be NCHW, got shape " + s);
        }
        float[] r = rois.toType(DataType.FLOAT32, false).toFloatArray();
        int k = r.length / 5;
        float[] f = features.toType(DataType.FLOAT32, false).toFloatArray();
        Result res = forward(
                f, (int) s.get(0), (int) s.get(1), (int) s.get(2), (int) s.get(3), r, k, outH, outW, spatialScale);
        Shape outShape = new Shape(k, s.get(1), outH, outW);
        NDManager m = features.getManager();
        if (!Autograd.requiresGrad(features)) {
            return m.create(res.values(), outShape);
        }
        long[] idx = new long[res.argmax().length];
        float[] valid = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = Math.max(res.argmax()[i], 0);
            valid[i] = res.argmax()[i] >= 0 ? 1f : 0f;
        }
        // torch-owned copies: indexing and mul save them for backward (see Autograd.torchOwned)
        try (NDArray index = Autograd.torchOwned(m.create(idx));
                NDArray mask = Autograd.torchOwned(m.create(valid))) {
            NDArray flat = features.reshape(-1);
            NDArray picked = flat.get(new NDIndex("{}", index));
            NDArray out = picked.mul(mask.toType(features.getDataType(), false)).reshape(outShape);
            picked.close();
            return out;
        }
    }

    /** Plain-Java forward with torchvision's CPU kernel arithmetic. */
    public static Result forward(
            float[] features, int n, int c, int h, int w, float[] rois, int k, int outH, int outW, float spatialScale) {
        float[] out = new float[k * c * outH * outW];
        int[] arg = new int[out.length];
        IntStream.range(0, k).parallel().forEach(i -> {
            int b = (int) rois[5 * i];
            if (b < 0 || b >= n) {
                throw new IllegalArgumentException(
                        "RoiPool: RoI " + i + " has batch index " + b + " outside [0, " + n + ")");
            }
            int startW = round(rois[5 * i + 1] * spatialScale);
            int startH = round(rois[5 * i + 2] * spatialScale);
            int endW = round(rois[5 * i + 3] * spatialScale);
            int endH = round(rois[5 * i + 4] * spatialScale);
            int roiW = Math.max(endW - startW + 1, 1);
            int roiH = Math.max(endH - startH + 1, 1);
            float binH = (float) roiH / (float) outH;
            float binW = (float) roiW / (float) outW;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    int hs = (int) Math.floor((float) ph * binH);
                    int ws = (int) Math.floor((float) pw * binW);
                    int he = (int) Math.ceil((float) (ph + 1) * binH);
                    int we = (int) Math.ceil((float) (pw + 1) * binW);
                    hs = Math.min(Math.max(hs + startH, 0), h);
                    he = Math.min(Math.max(he + startH, 0), h);
                    ws = Math.min(Math.max(ws + startW, 0), w);
                    we = Math.min(Math.max(we + startW, 0), w);
                    boolean empty = he <= hs || we <= ws;
                    for (int ch = 0; ch < c; ch++) {
                        int base = (b * c + ch) * h * w;
                        float max = empty ? 0f : -Float.MAX_VALUE;
                        int am = -1;
                        for (int y = hs; y < he; y++) {
                            for (int x = ws; x < we; x++) {
                                float v = features[base + y * w + x];
                                if (v > max) {
                                    max = v;
                                    am = base + y * w + x;
                                }
                            }
                        }
                        int o = ((i * c + ch) * outH + ph) * outW + pw;
                        out[o] = max;
                        arg[o] = am;
                    }
                }
            }
        });
        return new Result(out, arg);
    }

    /** C's round(): half away from zero. */
    private static int round(float v) {
        return (int) (v < 0 ? -Math.floor(-(double) v + 0.5) : Math.floor((double) v + 0.5));
    }
}
