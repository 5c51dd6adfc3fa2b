package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * 2-D transposed convolution ({@code torch.nn.ConvTranspose2d}, groups 1, dilation 1, output_padding 0) built from
 * operations DJL's PyTorch engine supports, because its {@code deconvolution} throws "Not implemented".
 * Differentiable with respect to input, weight and bias.
 *
 * <ul>
 *   <li>stride == kernel size and padding 0 (Mask R-CNN's mask_fcn_logits upsampler): every input pixel writes
 *       its own s x s output block, so it is one matmul (N*H*W, Cin) x (Cin, Cout*s*s) and a reshape;
 *   <li>stride > 1 with an output size divisible by the stride (keypoint R-CNN's k4 s2 p1 upsampler): polyphase
 *       form, one small stride-1 convolution per output phase (the kernel taps of matching parity) and an
 *       interleave, stride^2 times fewer multiplications than the zero-insertion form;
 *   <li>otherwise: insert stride-1 zeros between input pixels, pad by kernel-1-padding and run a stride-1
 *       convolution with the spatially flipped, in/out-swapped kernel.
 * </ul>
 *
 * Output size: (H - 1) * stride - 2 * padding + kernel.
 */
public final class ConvTranspose2d {
    private ConvTranspose2d() {}

    /**
     * @param x (N, Cin, H, W)
     * @param weight (Cin, Cout, kH, kW), PyTorch's ConvTranspose2d layout
     * @param bias (Cout) or null
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        if (xs.dimension() != 4 || ws.dimension() != 4 || xs.get(1) != ws.get(0)) {
            throw new IllegalArgumentException("ConvTranspose2d: input " + xs + " does not fit weight " + ws
                    + " (expected input (N, Cin, H, W) and weight (Cin, Cout, kH, kW))");
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("ConvTranspose2d: stride " + stride + ", padding " + padding);
        }
        long n = xs.get(0);
        long cin = xs.get(1);
        long h = xs.get(2);
        long w = xs.get(3);
        long cout = ws.get(1);
        long kh = ws.get(2);
        long kw = ws.get(3);
        NDArray out;
        if (kh == stride && kw == stride && padding == 0) {
            NDArray rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, cin);
            NDArray prod = rows.matMul(weight.reshape(cin, cout * kh * kw));
            out = prod.reshape(n, h, w, cout, kh, kw)
                    .transpose(0, 3, 1, 4, 2, 5)
                    .reshape(n, cout, h * kh, w * kw);
            if (bias != null) {
                out = out.add(bias.reshape(1, cout, 1, 1));
            }
            return out;
        }
        long oh = (h - 1) * stride - 2L * padding + kh;
        long ow = (w - 1) * stride - 2L * padding + kw;
        if (stride > 1 && oh % stride == 0 && ow % stride == 0 && kh >= stride && kw >= stride) {
            NDArray poly = polyphase(x, weight, stride, padding, oh, ow);
            if (poly != null) {
                return bias != null ? poly.add(bias.reshape(1, cout, 1, 1)) : poly;
            }
        }
        NDArray dilated = x;
        if (stride > 1) {
            // (N,C,H,1,W,1) -> zero-pad the singleton axes to `stride` -> (N,C,H*s,W*s) -> drop the trailing zeros
            NDArray expanded = x.reshape(n, cin, h, 1, w, 1).pad(new Shape(0, stride - 1, 0, 0, 0, stride - 1), 0);
            dilated = expanded.reshape(n, cin, h * stride, w * stride)
                    .get(new NDIndex(":, :, :{}, :{}", (h - 1) * stride + 1, (w - 1) * stride + 1));
        }
        long padH = kh - 1 - padding;
        long padW = kw - 1 - padding;
        if (padH < 0 || padW < 0) {
            // padding larger than kernel-1: crop instead of padding
            long ch = Math.max(0, -padH);
            long cw = Math.max(0, -padW);
            Shape ds = dilated.getShape();
            dilated = dilated.get(new NDIndex(":, :, {}:{}, {}:{}", ch, ds.get(2) - ch, cw, ds.get(3) - cw));
            padH = Math.max(0, padH);
            padW = Math.max(0, padW);
        }
        NDArray kernel = weight.flip(2, 3).transpose(1, 0, 2, 3);
        return conv2d(dilated, kernel, bias, padH, padW);
    }

    /** Channel block of oneDNN's AVX-512 convolutions. */
    static final int CHANNEL_BLOCK = 16;

    /**
     * Stride-1 convolution with both channel counts zero-padded to a multiple of {@link #CHANNEL_BLOCK} and the extra
     * output channels dropped, which gives the same values and gradients. Why: libtorch 2.5.1's oneDNN convolutions
     * (the ones DJL 0.32 ships) return wrong outputs and input gradients on some CPUs (seen on AMD EPYC family 26, Zen 5)
     * when a channel count is not a multiple of the block it pads to, e.g. the keypoint predictor's 17 output channels
     * (ConvTranspose2dTest and Conv2dChannelBlockTest check it against direct loops); multiples of 16 are computed
     * correctly. The backbone and heads use multiples of 16 and 1x1 convolutions, which are not affected.
     */
    static NDArray conv2d(NDArray x, NDArray kernel, NDArray bias, long padH, long padW) {
        long cin = x.getShape().get(1);
        long cout = kernel.getShape().get(0);
        long cinP = roundUp(cin);
        long coutP = roundUp(cout);
        NDArray xp = cinP == cin ? x : x.pad(new Shape(0, 0, 0, 0, 0, cinP - cin), 0);
        NDArray kp = cinP == cin && coutP == cout
                ? kernel
                : kernel.pad(new Shape(0, 0, 0, 0, 0, cinP - cin, 0, coutP - cout), 0);
        NDArray bp = bias == null || coutP == cout ? bias : bias.pad(new Shape(0, coutP - cout), 0);
        NDArray out = Conv2d.conv2d(xp, kp, bp, new Shape(1, 1), new Shape(padH, padW), new Shape(1, 1), 1)
                .singletonOrThrow();
        return coutP == cout ? out : out.get(new NDIndex(":, :{}", cout));
    }

    private static long roundUp(long c) {
        return (c + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    /**
     * Output pixel o = s*j + e receives input i = q - t through kernel tap r + s*t, where m = e + padding,
     * r = m mod s and q = j + m div s: per phase a full convolution with the taps r, r+s, ... Returns null when a
     * phase's rows would fall outside the full convolution (then the general path is used).
     */
    static NDArray polyphase(NDArray x, NDArray weight, int s, int p, long oh, long ow) {
        Shape xs = x.getShape();
        long h = xs.get(2);
        long w = xs.get(3);
        long kh = weight.getShape().get(2);
        long kw = weight.getShape().get(3);
        long jh = oh / s;
        long jw = ow / s;
        NDList rows = new NDList();
        for (int ey = 0; ey < s; ey++) {
            int ry = (ey + p) % s;
            int dy = (ey + p) / s;
            long ty = (kh - ry + s - 1) / s;
            NDList cols = new NDList();
            for (int ex = 0; ex < s; ex++) {
                int rx = (ex + p) % s;
                int dx = (ex + p) / s;
                long tx = (kw - rx + s - 1) / s;
                if (dy + jh > h + ty - 1 || dx + jw > w + tx - 1) {
                    rows.close();
                    cols.close();
                    return null;
                }
                NDArray sub = weight.get(new NDIndex(":, :, {}::{}, {}::{}", ry, s, rx, s)); // (Cin, Cout, ty, tx)
                NDArray kernel = sub.flip(2, 3).transpose(1, 0, 2, 3);
                NDArray full = conv2d(x, kernel, null, ty - 1, tx - 1);
                cols.add(full.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + jh, dx, dx + jw)));
            }
            rows.add(NDArrays.stack(cols, 4)); // (N, Cout, jh, jw, s)
        }
        NDArray stacked = NDArrays.stack(rows, 3); // (N, Cout, jh, s, jw, s)
        long n = xs.get(0);
        long cout = weight.getShape().get(1);
        return stacked.reshape(n, cout, oh, ow);
    }
}
