package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.stream.IntStream;

/**
 * RoIAlign of torchvision 0.14 ({@code torchvision.ops.roi_align}, CPU kernel). DJL's PyTorch engine has no such
 * operator, so it is written here in two forms that share the sampling geometry:
 *
 * <ul>
 *   <li>{@link #forward(float[], int, int, int, int, float[], int, int, int, float, int, boolean)}: a plain-Java
 *       forward with the kernel's float32 arithmetic in the kernel's order (bit-identical to torchvision's CPU
 *       kernel), parallel over RoIs; used when no gradient is needed;
 *   <li>{@link #differentiable}: the same sampling expressed as DJL operations (row gather of the four bilinear taps
 *       of every sample point, weights computed in Java, batched matmul), so PyTorch's autograd differentiates it
 *       with respect to the features. Chunked over RoIs to bound memory. Equal to the Java forward up to float
 *       summation order.
 * </ul>
 *
 * <p>Geometry per RoI (batch index b, box x1,y1,x2,y2): start = x1*scale - (aligned ? 0.5 : 0), size =
 * (x2-x1)*scale (forced >= 1 when not aligned), bin = size / out; each bin averages a grid of sampling points
 * (samplingRatio per axis, or ceil(size/out) when samplingRatio <= 0) at (i + 0.5) * bin / grid; a point with
 * y < -1, y > H, x < -1 or x > W contributes zero; otherwise coordinates are clamped to [0, H-1] / [0, W-1] and
 * bilinearly interpolated.
 */
public final class RoiAlign {
    /** Upper bound of gathered values (RoIs x bins x taps x channels) per chunk in the differentiable path. */
    static final long CHUNK_ELEMENTS = 1L << 24;
    /** Row gather through torch's embedding (its backward accumulates rows) instead of advanced indexing. */
    static final boolean EMBEDDING_GATHER = !"index".equals(System.getProperty("masklab.roialign.gather"));

    private RoiAlign() {}

    /**
     * RoIAlign on NCHW float32 {@code features} for {@code rois} (K,5) [batch, x1, y1, x2, y2] -> (K, C, outH, outW).
     * Differentiable with respect to the features when they require a gradient (then {@link #differentiable} is
     * used); otherwise the faster plain-Java forward runs.
     */
    public static NDArray apply(
            NDArray features,
            NDArray rois,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        if (Autograd.requiresGrad(features)) {
            return differentiable(features, rois, outH, outW, spatialScale, samplingRatio, aligned);
        }
        return forwardNd(features, rois, outH, outW, spatialScale, samplingRatio, aligned);
    }

    /** Plain-Java forward on NDArrays (copies the features to the heap), result on the features' manager. */
    public static NDArray forwardNd(
            NDArray features,
            NDArray rois,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        Shape s = checkShapes(features, rois);
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] r = rois.toType(DataType.FLOAT32, false).toFloatArray();
        int k = r.length / 5;
        float[] f = channelsLast(features);
        float[] out = forwardNhwc(f, n, h, w, c, r, k, outH, outW, spatialScale, samplingRatio, aligned);
        return features.getManager().create(out, new Shape(k, c, outH, outW));
    }

    /**
     * NCHW features copied by libtorch into channels-last (NHWC) order, read in place: {@code data} views the memory
     * of {@code array}, valid until it is closed. Inference pools from these instead of a heap copy, so a predict
     * allocates no feature-sized Java arrays (they made the JVM's heap grow by hundreds of MB).
     */
    public record NhwcFeatures(NDArray array, java.lang.foreign.MemorySegment data) implements AutoCloseable {
        public static NhwcFeatures of(NDArray features) {
            NDArray typed = features.toType(DataType.FLOAT32, false);
            NDArray flat;
            try (NDArray t = typed.transpose(0, 2, 3, 1)) {
                flat = t.reshape(-1); // a contiguous copy in NHWC order (torch's reshape of a permuted view)
            } finally {
                if (typed != features) {
                    typed.close();
                }
            }
            return new NhwcFeatures(flat, java.lang.foreign.MemorySegment.ofBuffer(flat.toByteBuffer(true)));
        }

        @Override
        public void close() {
            array.close();
        }
    }

    /** NCHW features as a channels-last (NHWC) heap array, transposed by the engine. */
    public static float[] channelsLast(NDArray features) {
        try (NDArray t = features.toType(DataType.FLOAT32, false).transpose(0, 2, 3, 1)) {
            return t.toFloatArray();
        }
    }

    private static Shape checkShapes(NDArray features, NDArray rois) {
        Shape s = features.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("RoiAlign: features must be NCHW, got shape " + s);
        }
        Shape rs = rois.getShape();
        if (rs.dimension() != 2 || rs.get(1) != 5) {
            if (!(rs.dimension() == 2 && rs.get(0) == 0) && !(rs.dimension() == 1 && rs.get(0) == 0)) {
                throw new IllegalArgumentException("RoiAlign: rois must be (K, 5) [batch, x1, y1, x2, y2], got " + rs);
            }
        }
        return s;
    }

    /** Sampling geometry of one RoI. */
    record Geometry(int batch, float startH, float startW, float binH, float binW, int gridH, int gridW, float count) {
        static Geometry of(float[] rois, int i, int outH, int outW, float scale, int samplingRatio, boolean aligned) {
            int b = (int) rois[5 * i];
            float offset = aligned ? 0.5f : 0f;
            float startW = rois[5 * i + 1] * scale - offset;
            float startH = rois[5 * i + 2] * scale - offset;
            float endW = rois[5 * i + 3] * scale - offset;
            float endH = rois[5 * i + 4] * scale - offset;
            float roiW = endW - startW;
            float roiH = endH - startH;
            if (!aligned) {
                roiW = Math.max(roiW, 1f);
                roiH = Math.max(roiH, 1f);
            }
            float binH = roiH / (float) outH;
            float binW = roiW / (float) outW;
            int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / (float) outH);
            int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / (float) outW);
            float count = Math.max(gridH * gridW, 1);
            return new Geometry(b, startH, startW, binH, binW, gridH, gridW, count);
        }

        float y(int ph, int iy) {
            return startH + ph * binH + (iy + .5f) * binH / (float) gridH;
        }

        float x(int pw, int ix) {
            return startW + pw * binW + (ix + .5f) * binW / (float) gridW;
        }
    }

    /**
     * Bilinear taps of one sample point into {@code pos[o..o+3]} (row-major h*w offsets) and {@code wt[o..o+3]};
     * all-zero weights (positions 0) outside the [-1, H] x [-1, W] window.
     */
    static void taps(float y, float x, int h, int w, int[] pos, float[] wt, int o) {
        if (!(y >= -1.0f && y <= h && x >= -1.0f && x <= w)) {
            pos[o] = pos[o + 1] = pos[o + 2] = pos[o + 3] = 0;
            wt[o] = wt[o + 1] = wt[o + 2] = wt[o + 3] = 0f;
            return;
        }
        if (y <= 0) {
            y = 0;
        }
        if (x <= 0) {
            x = 0;
        }
        int yLow = (int) y;
        int xLow = (int) x;
        int yHigh;
        int xHigh;
        if (yLow >= h - 1) {
            yHigh = yLow = h - 1;
            y = yLow;
        } else {
            yHigh = yLow + 1;
        }
        if (xLow >= w - 1) {
            xHigh = xLow = w - 1;
            x = xLow;
        } else {
            xHigh = xLow + 1;
        }
        float ly = y - yLow;
        float lx = x - xLow;
        float hy = 1f - ly;
        float hx = 1f - lx;
        pos[o] = yLow * w + xLow;
        pos[o + 1] = yLow * w + xHigh;
        pos[o + 2] = yHigh * w + xLow;
        pos[o + 3] = yHigh * w + xHigh;
        wt[o] = hy * hx;
        wt[o + 1] = hy * lx;
        wt[o + 2] = ly * hx;
        wt[o + 3] = ly * lx;
    }

    /**
     * Plain-Java RoIAlign forward. {@code features} NCHW flat (n*c*h*w), {@code rois} k*5 -> k*c*outH*outW.
     * Same arithmetic and order as torchvision's CPU kernel.
     */
    public static float[] forward(
            float[] features,
            int n,
            int c,
            int h,
            int w,
            float[] rois,
            int k,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        float[] out = new float[k * c * outH * outW];
        IntStream.range(0, k).parallel().forEach(i -> {
            Geometry g = Geometry.of(rois, i, outH, outW, spatialScale, samplingRatio, aligned);
            if (g.batch < 0 || g.batch >= n) {
                throw new IllegalArgumentException(
                        "RoiAlign: RoI " + i + " has batch index " + g.batch + " outside [0, " + n + ")");
            }
            int samples = g.gridH * g.gridW * outH * outW;
            int[] pos = new int[4 * samples];
            float[] wt = new float[4 * samples];
            int o = 0;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    for (int iy = 0; iy < g.gridH; iy++) {
                        float y = g.y(ph, iy);
                        for (int ix = 0; ix < g.gridW; ix++) {
                            taps(y, g.x(pw, ix), h, w, pos, wt, o);
                            o += 4;
                        }
                    }
                }
            }
            int perBin = 4 * g.gridH * g.gridW;
            for (int ch = 0; ch < c; ch++) {
                int base = (g.batch * c + ch) * h * w;
                int outBase = (i * c + ch) * outH * outW;
                int t = 0;
                for (int b = 0; b < outH * outW; b++) {
                    float v = 0f;
                    for (int s = 0; s < perBin; s += 4, t += 4) {
                        v += wt[t] * features[base + pos[t]]
                                + wt[t + 1] * features[base + pos[t + 1]]
                                + wt[t + 2] * features[base + pos[t + 2]]
                                + wt[t + 3] * features[base + pos[t + 3]];
                    }
                    out[outBase + b] = v / g.count;
                }
            }
        });
        return out;
    }

    /** Bilinear taps of all sample points of one RoI, bin-major: 4 * gridH * gridW entries per bin. */
    private static void sampleTaps(Geometry g, int h, int w, int outH, int outW, int[] pos, float[] wt) {
        int o = 0;
        for (int ph = 0; ph < outH; ph++) {
            for (int pw = 0; pw < outW; pw++) {
                for (int iy = 0; iy < g.gridH; iy++) {
                    float y = g.y(ph, iy);
                    for (int ix = 0; ix < g.gridW; ix++) {
                        taps(y, g.x(pw, ix), h, w, pos, wt, o);
                        o += 4;
                    }
                }
            }
        }
    }

    private static Geometry checkedGeometry(
            float[] rois, int i, int n, int outH, int outW, float scale, int samplingRatio, boolean aligned) {
        Geometry g = Geometry.of(rois, i, outH, outW, scale, samplingRatio, aligned);
        if (g.batch < 0 || g.batch >= n) {
            throw new IllegalArgumentException(
                    "RoiAlign: RoI " + i + " has batch index " + g.batch + " outside [0, " + n + ")");
        }
        return g;
    }

    /**
     * Plain-Java forward on channels-last features ({@code nhwc}: n*h*w*c) -> (k, c, outH, outW) flat. Per output
     * element the same float operations in the same order as torchvision's CPU kernel (bit-identical results), with
     * the channel loop innermost so that the feature reads are contiguous.
     */
    public static float[] forwardNhwc(
            float[] nhwc,
            int n,
            int h,
            int w,
            int c,
            float[] rois,
            int k,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        float[] out = new float[k * c * outH * outW];
        forwardNhwcInto(
                java.lang.foreign.MemorySegment.ofArray(nhwc),
                n,
                h,
                w,
                c,
                rois,
                k,
                outH,
                outW,
                spatialScale,
                samplingRatio,
                aligned,
                java.lang.foreign.MemorySegment.ofArray(out),
                null);
        return out;
    }

    /**
     * {@link #forwardNhwc} reading the features from {@code nhwc} (n*h*w*c floats, native order: a heap array's or an
     * NDArray's memory) and writing RoI i's (c, outH, outW) block at row {@code outRow[i]} (i when null) of
     * {@code out}.
     */
    public static void forwardNhwcInto(
            java.lang.foreign.MemorySegment nhwc,
            int n,
            int h,
            int w,
            int c,
            float[] rois,
            int k,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned,
            java.lang.foreign.MemorySegment out,
            int[] outRow) {
        int bins = outH * outW;
        java.lang.foreign.ValueLayout.OfFloat f32 = java.lang.foreign.ValueLayout.JAVA_FLOAT;
        IntStream.range(0, k).parallel().forEach(i -> {
            Geometry g = checkedGeometry(rois, i, n, outH, outW, spatialScale, samplingRatio, aligned);
            int perBin = 4 * g.gridH * g.gridW;
            int[] pos = new int[perBin * bins];
            float[] wt = new float[perBin * bins];
            sampleTaps(g, h, w, outH, outW, pos, wt);
            float[] acc = new float[c];
            long imageBase = (long) g.batch * h * w;
            long row = (long) (outRow != null ? outRow[i] : i) * c * bins;
            int t = 0;
            for (int b = 0; b < bins; b++) {
                java.util.Arrays.fill(acc, 0f);
                for (int s = 0; s < perBin; s += 4, t += 4) {
                    long p1 = (imageBase + pos[t]) * c;
                    long p2 = (imageBase + pos[t + 1]) * c;
                    long p3 = (imageBase + pos[t + 2]) * c;
                    long p4 = (imageBase + pos[t + 3]) * c;
                    float w1 = wt[t];
                    float w2 = wt[t + 1];
                    float w3 = wt[t + 2];
                    float w4 = wt[t + 3];
                    for (int ch = 0; ch < c; ch++) {
                        acc[ch] += w1 * nhwc.getAtIndex(f32, p1 + ch)
                                + w2 * nhwc.getAtIndex(f32, p2 + ch)
                                + w3 * nhwc.getAtIndex(f32, p3 + ch)
                                + w4 * nhwc.getAtIndex(f32, p4 + ch);
                    }
                }
                long o = row + b;
                for (int ch = 0; ch < c; ch++) {
                    out.setAtIndex(f32, o + (long) ch * bins, acc[ch] / g.count);
                }
            }
        });
    }

    /**
     * Plain-Java backward (torchvision's backward kernel): the gradient with respect to channels-last features
     * (n*h*w*c) of sum(output * gradOut), {@code gradOut} given as (k, outH, outW, c) flat (channels last).
     * Parallel over channel blocks, so no two threads write the same element.
     */
    public static float[] backwardNhwc(
            float[] gradOutKbc,
            int n,
            int h,
            int w,
            int c,
            float[] rois,
            int k,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        int bins = outH * outW;
        float[] grad = new float[n * h * w * c];
        Geometry[] geo = new Geometry[k];
        int[][] pos = new int[k][];
        float[][] wt = new float[k][];
        IntStream.range(0, k).parallel().forEach(i -> {
            Geometry g = checkedGeometry(rois, i, n, outH, outW, spatialScale, samplingRatio, aligned);
            int perBin = 4 * g.gridH * g.gridW;
            pos[i] = new int[perBin * bins];
            wt[i] = new float[perBin * bins];
            sampleTaps(g, h, w, outH, outW, pos[i], wt[i]);
            geo[i] = g;
        });
        int blocks = Math.max(1, Math.min(c, Runtime.getRuntime().availableProcessors() * 4));
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            int c0 = (int) ((long) c * blk / blocks);
            int c1 = (int) ((long) c * (blk + 1) / blocks);
            for (int i = 0; i < k; i++) {
                Geometry g = geo[i];
                int perBin = 4 * g.gridH * g.gridW;
                int imageBase = g.batch * h * w;
                int[] p = pos[i];
                float[] ww = wt[i];
                int t = 0;
                for (int b = 0; b < bins; b++) {
                    int go = (i * bins + b) * c;
                    for (int s = 0; s < perBin; s++, t++) {
                        float wgt = ww[t];
                        if (wgt == 0f) {
                            continue; // torchvision skips out-of-window samples (their taps would be -1)
                        }
                        int base = (imageBase + p[t]) * c;
                        float count = g.count;
                        for (int ch = c0; ch < c1; ch++) {
                            grad[base + ch] += gradOutKbc[go + ch] * wgt / count; // torchvision's (grad * w) / count
                        }
                    }
                }
            }
        });
        return grad;
    }

    /**
     * Differentiable RoIAlign (gradient with respect to {@code features}; the RoIs are constants). The bilinear taps
     * of each output bin (duplicates merged, weights already divided by the sample count) are computed in Java;
     * the values are gathered as rows of the (N*H*W, C) feature matrix (torch embedding, whose backward accumulates
     * rows; -Dmasklab.roialign.gather=index uses advanced indexing instead) and combined by a batched matmul.
     */
    public static NDArray differentiable(
            NDArray features,
            NDArray rois,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            boolean aligned) {
        Shape s = checkShapes(features, rois);
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] r = rois.toType(DataType.FLOAT32, false).toFloatArray();
        int k = r.length / 5;
        NDManager m = features.getManager();
        if (k == 0) {
            return m.zeros(new Shape(0, c, outH, outW), features.getDataType());
        }
        int bins = outH * outW;
        // per RoI, merged taps per bin
        int[][] tapPos = new int[k][];
        float[][] tapWt = new float[k][];
        int[] tapsPerBin = new int[k];
        IntStream.range(0, k).parallel().forEach(i -> {
            Geometry g = Geometry.of(r, i, outH, outW, spatialScale, samplingRatio, aligned);
            if (g.batch < 0 || g.batch >= n) {
                throw new IllegalArgumentException(
                        "RoiAlign: RoI " + i + " has batch index " + g.batch + " outside [0, " + n + ")");
            }
            int raw = 4 * g.gridH * g.gridW;
            int[] p = new int[raw];
            float[] wt = new float[raw];
            int[][] mp = new int[bins][];
            float[][] mw = new float[bins][];
            int max = 1;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    int o = 0;
                    for (int iy = 0; iy < g.gridH; iy++) {
                        float y = g.y(ph, iy);
                        for (int ix = 0; ix < g.gridW; ix++) {
                            taps(y, g.x(pw, ix), h, w, p, wt, o);
                            o += 4;
                        }
                    }
                    // merge duplicate positions (neighbouring sample points share pixels); drop zero weights
                    int[] up = new int[raw];
                    float[] uw = new float[raw];
                    int u = 0;
                    for (int t = 0; t < raw; t++) {
                        if (wt[t] == 0f) {
                            continue;
                        }
                        int found = -1;
                        if (raw <= 64) {
                            for (int q = 0; q < u; q++) {
                                if (up[q] == p[t]) {
                                    found = q;
                                    break;
                                }
                            }
                        }
                        if (found >= 0) {
                            uw[found] += wt[t];
                        } else {
                            up[u] = p[t];
                            uw[u++] = wt[t];
                        }
                    }
                    for (int q = 0; q < u; q++) {
                        uw[q] /= g.count;
                        up[q] += g.batch * h * w;
                    }
                    mp[ph * outW + pw] = java.util.Arrays.copyOf(up, u);
                    mw[ph * outW + pw] = java.util.Arrays.copyOf(uw, u);
                    max = Math.max(max, u);
                }
            }
            tapsPerBin[i] = max;
            int[] fp = new int[bins * max];
            float[] fw = new float[bins * max];
            for (int b = 0; b < bins; b++) {
                System.arraycopy(mp[b], 0, fp, b * max, mp[b].length);
                System.arraycopy(mw[b], 0, fw, b * max, mw[b].length);
            }
            tapPos[i] = fp;
            tapWt[i] = fw;
        });

        NDArray rows = features.transpose(0, 2, 3, 1).reshape(-1, c); // (N*H*W, C)
        NDList parts = new NDList();
        int start = 0;
        while (start < k) {
            int tmax = tapsPerBin[start];
            int end = start + 1;
            while (end < k) {
                int t2 = Math.max(tmax, tapsPerBin[end]);
                if ((long) (end + 1 - start) * bins * t2 * c > CHUNK_ELEMENTS) {
                    break;
                }
                tmax = t2;
                end++;
            }
            int kc = end - start;
            long[] idx = new long[kc * bins * tmax];
            float[] wts = new float[kc * bins * tmax];
            for (int i = start; i < end; i++) {
                int t = tapsPerBin[i];
                for (int b = 0; b < bins; b++) {
                    int dst = ((i - start) * bins + b) * tmax;
                    for (int q = 0; q < t; q++) {
                        idx[dst + q] = tapPos[i][b * t + q];
                        wts[dst + q] = tapWt[i][b * t + q];
                    }
                }
            }
            // torch-owned copies: the gather and the matmul save them for backward (see Autograd.torchOwned)
            try (NDArray index = Autograd.torchOwned(m.create(idx));
                    NDArray weights = Autograd.torchOwned(m.create(wts, new Shape((long) kc * bins, 1, tmax)))) {
                NDArray gathered = EMBEDDING_GATHER
                        ? index.getNDArrayInternal()
                                .embedding(index, rows, SparseFormat.DENSE)
                                .singletonOrThrow()
                        : rows.get(new NDIndex("{}", index)); // (kc*bins*tmax, C)
                NDArray g3 = gathered.reshape((long) kc * bins, tmax, c);
                NDArray wt = weights.toType(features.getDataType(), false);
                NDArray pooled = wt.matMul(g3); // (kc*bins, 1, C)
                NDArray out = pooled.reshape(kc, bins, c).transpose(0, 2, 1).reshape(kc, c, outH, outW);
                parts.add(out);
                gathered.close();
                g3.close();
                pooled.close();
                if (wt != weights) {
                    wt.close();
                }
            }
            start = end;
        }
        NDArray result = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        if (parts.size() > 1) {
            parts.close();
        }
        rows.close();
        return result;
    }
}
