package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * {@code torch.nn.functional.interpolate(x, size=(h, w), mode, align_corners)} for NCHW float32 arrays with PyTorch's
 * CPU kernel math (no antialiasing). Bilinear is bit-identical to torch 1.13's CPU kernel (x86-64, AVX2 build) for
 * float32 inputs with more than one plane (N*C > 1; a single plane goes through another loop of torch's kernel,
 * compiled with different fused multiply-adds, and may differ in the last bit); bicubic agrees within float
 * rounding.
 *
 * <p>Written by hand because DJL's {@code NDArrayEx.interpolation} runs torch's interpolate with
 * {@code antialias=true} for "bilinear"/"bicubic" (measured: a 7x9 -> 5x4 bilinear resize gives the antialiased
 * values), which differs from torchvision's {@code F.interpolate(..., antialias=False)} whenever the output is
 * smaller than the input, and slightly (float rounding) when it is larger.
 *
 * <ul>
 *   <li>source coordinate: align_corners ? dst * (in-1)/(out-1) : max(0, (dst + 0.5) * in/out - 0.5) (bicubic:
 *       no clamp at 0), float32 as torch's {@code area_pixel_compute_source_index};
 *   <li>bilinear (torch's {@code compute_source_index_and_lambda}): the source coordinate in double from the float
 *       scale, clamped at 0; index = (int) src, lambda1 = (float) (src - index), lambda0 = 1 - lambda1, second tap
 *       at index+1 unless at the last pixel; same size: weights 1 and 0. Separable, inner axis = width, each
 *       two-tap sum as torch's compiled kernel evaluates it: t = fma(v0, w0, v1 * w1);
 *   <li>bicubic: Keys kernel with a = -0.75 on 4 taps clamped to the border, same accumulation order;
 *   <li>torchvision's transform uses a scale factor with {@code recompute_scale_factor=True}; that is the size
 *       form with size = floor(in * factor) ({@link #scaledSize}).
 * </ul>
 *
 * The plain-Java paths are not differentiable; {@link #bilinear(NDArray, int, int, boolean)} switches to an
 * equivalent differentiable form (two interpolation-matrix products) when its input requires a gradient.
 */
public final class Interpolate {
    private static final float CUBIC_A = -0.75f;

    private Interpolate() {}

    /** torchvision's output size for a scale factor with recompute_scale_factor=True: floor(in * factor). */
    public static int scaledSize(long in, double factor) {
        return (int) Math.floor(in * factor);
    }

    // ------------------------------------------------------------------ NDArray API

    /** Bilinear resize of (N, C, H, W) to (N, C, outH, outW); differentiable when {@code x} requires a gradient. */
    public static NDArray bilinear(NDArray x, int outH, int outW, boolean alignCorners) {
        Shape s = check(x, outH, outW);
        if (Autograd.requiresGrad(x)) {
            return bilinearDifferentiable(x, outH, outW, alignCorners);
        }
        int n = (int) (s.get(0) * s.get(1));
        float[] out = bilinear(
                x.toType(DataType.FLOAT32, false).toFloatArray(),
                n,
                (int) s.get(2),
                (int) s.get(3),
                outH,
                outW,
                alignCorners);
        return x.getManager().create(out, new Shape(s.get(0), s.get(1), outH, outW));
    }

    /** Bicubic resize (not differentiable), as torchvision's keypoint heatmap upsampling. */
    public static NDArray bicubic(NDArray x, int outH, int outW, boolean alignCorners) {
        Shape s = check(x, outH, outW);
        int n = (int) (s.get(0) * s.get(1));
        float[] out = bicubic(
                x.toType(DataType.FLOAT32, false).toFloatArray(),
                n,
                (int) s.get(2),
                (int) s.get(3),
                outH,
                outW,
                alignCorners);
        return x.getManager().create(out, new Shape(s.get(0), s.get(1), outH, outW));
    }

    private static Shape check(NDArray x, int outH, int outW) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("Interpolate: expected NCHW input, got shape " + s);
        }
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("Interpolate: output size " + outH + " x " + outW);
        }
        return s;
    }

    /**
     * Differentiable bilinear resize: out = Ry . X . Rx^T with the (sparse, two taps per row) interpolation matrices
     * built in Java; each output is the same two-tap combination as the direct kernel.
     */
    static NDArray bilinearDifferentiable(NDArray x, int outH, int outW, boolean alignCorners) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        NDManager m = x.getManager();
        // torch-owned copies: the matmuls save them for backward (see Autograd.torchOwned)
        try (NDArray ry = Autograd.torchOwned(m.create(matrix(h, outH, alignCorners), new Shape(outH, h)));
                NDArray rxT = Autograd.torchOwned(
                        m.create(transpose(matrix(w, outW, alignCorners), outW, w), new Shape(w, outW)))) {
            NDArray ryT = ry.toType(x.getDataType(), false);
            NDArray rxt = rxT.toType(x.getDataType(), false);
            NDArray rows = x.matMul(rxt); // (N, C, H, outW)
            NDArray out = ryT.matMul(rows); // (outH, H) x (N, C, H, outW) -> (N, C, outH, outW)
            rows.close();
            return out;
        }
    }

    private static float[] matrix(int in, int out, boolean alignCorners) {
        float[] r = new float[out * in];
        int[] i0 = new int[out];
        int[] i1 = new int[out];
        float[] w0 = new float[out];
        float[] w1 = new float[out];
        linearTaps(in, out, alignCorners, i0, i1, w0, w1);
        for (int o = 0; o < out; o++) {
            r[o * in + i0[o]] += w0[o];
            r[o * in + i1[o]] += w1[o];
        }
        return r;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    // ------------------------------------------------------------------ plain Java kernels

    static float linearScale(int in, int out, boolean alignCorners) {
        if (alignCorners) {
            return out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        }
        return (float) in / (float) out;
    }

    static float sourceIndex(float scale, int dst, boolean alignCorners, boolean cubic) {
        if (alignCorners) {
            return scale * dst;
        }
        float src = scale * (dst + 0.5f) - 0.5f;
        return !cubic && src < 0 ? 0f : src;
    }

    /** Bilinear resize of {@code planes} planes of h x w (flat, plane-major) to outH x outW. */
    public static float[] bilinear(float[] x, int planes, int h, int w, int outH, int outW, boolean alignCorners) {
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy0 = new float[outH];
        float[] wy1 = new float[outH];
        linearTaps(h, outH, alignCorners, y0, y1, wy0, wy1);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx0 = new float[outW];
        float[] wx1 = new float[outW];
        linearTaps(w, outW, alignCorners, x0, x1, wx0, wx1);
        float[] out = new float[planes * outH * outW];
        IntStream.range(0, planes).parallel().forEach(p -> {
            int base = p * h * w;
            int ob = p * outH * outW;
            for (int i = 0; i < outH; i++) {
                int r0 = base + y0[i] * w;
                int r1 = base + y1[i] * w;
                float a0 = wy0[i];
                float a1 = wy1[i];
                for (int j = 0; j < outW; j++) {
                    // torch's AVX2 build contracts each "p * w0 + q * w1" into fma(p, w0, q * w1)
                    float t0 = Math.fma(x[r0 + x0[j]], wx0[j], x[r0 + x1[j]] * wx1[j]);
                    float t1 = Math.fma(x[r1 + x0[j]], wx0[j], x[r1 + x1[j]] * wx1[j]);
                    out[ob + i * outW + j] = Math.fma(t0, a0, t1 * a1);
                }
            }
        });
        return out;
    }

    private static void linearTaps(int in, int out, boolean alignCorners, int[] i0, int[] i1, float[] w0, float[] w1) {
        float scale = linearScale(in, out, alignCorners);
        for (int o = 0; o < out; o++) {
            if (in == out) { // torch copies: weights exactly 1 and 0
                i0[o] = i1[o] = o;
                w0[o] = 1f;
                w1[o] = 0f;
                continue;
            }
            // torch computes the source coordinate in double (acc_type of float on CPU) from the float scale
            double src = alignCorners ? (double) scale * o : (double) scale * (o + 0.5) - 0.5;
            if (src < 0) {
                src = 0;
            }
            int idx = (int) src;
            float lambda1 = (float) (src - idx);
            i0[o] = idx;
            i1[o] = idx + (idx < in - 1 ? 1 : 0);
            w0[o] = 1f - lambda1;
            w1[o] = lambda1;
        }
    }

    /** Bicubic resize (Keys a = -0.75, border-clamped taps) of flat planes. */
    public static float[] bicubic(float[] x, int planes, int h, int w, int outH, int outW, boolean alignCorners) {
        int[] ys = new int[4 * outH];
        float[] wy = new float[4 * outH];
        cubicTaps(h, outH, alignCorners, ys, wy);
        int[] xs = new int[4 * outW];
        float[] wx = new float[4 * outW];
        cubicTaps(w, outW, alignCorners, xs, wx);
        float[] out = new float[planes * outH * outW];
        IntStream.range(0, planes).parallel().forEach(p -> {
            int base = p * h * w;
            int ob = p * outH * outW;
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    float acc = 0f;
                    for (int a = 0; a < 4; a++) {
                        int row = base + ys[4 * i + a] * w;
                        float t = x[row + xs[4 * j]] * wx[4 * j];
                        for (int b = 1; b < 4; b++) {
                            t += x[row + xs[4 * j + b]] * wx[4 * j + b];
                        }
                        acc = a == 0 ? t * wy[4 * i] : acc + t * wy[4 * i + a];
                    }
                    out[ob + i * outW + j] = acc;
                }
            }
        });
        return out;
    }

    private static void cubicTaps(int in, int out, boolean alignCorners, int[] idx, float[] wt) {
        float scale = linearScale(in, out, alignCorners);
        for (int o = 0; o < out; o++) {
            float src = sourceIndex(scale, o, alignCorners, true);
            int i = (int) Math.floor(src);
            float t = src - i;
            for (int k = 0; k < 4; k++) {
                idx[4 * o + k] = Math.min(Math.max(i - 1 + k, 0), in - 1);
            }
            float x1 = t;
            float x2 = 1f - t;
            wt[4 * o] = cubic2((float) (x1 + 1.0));
            wt[4 * o + 1] = cubic1(x1);
            wt[4 * o + 2] = cubic1(x2);
            wt[4 * o + 3] = cubic2((float) (x2 + 1.0));
        }
    }

    private static float cubic1(float x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    private static float cubic2(float x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }
}
