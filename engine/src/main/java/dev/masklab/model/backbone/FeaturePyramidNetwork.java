package dev.masklab.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's {@code FeaturePyramidNetwork} with {@code LastLevelMaxPool}: per input level a 1x1 lateral conv
 * ({@code inner_blocks.i.0}) and a 3x3 output conv ({@code layer_blocks.i.0}, padding 1), top-down from the coarsest
 * level: {@code inner_i = lateral_i(x_i) + nearest_upsample(inner_{i+1}, size of lateral_i)}, output
 * {@code layer_i(inner_i)}; names "0".."n-1" and "pool" = max_pool2d(last output, kernel 1, stride 2).
 */
public final class FeaturePyramidNetwork {
    private final List<Conv2d> inner = new ArrayList<>();
    private final List<Conv2d> layer = new ArrayList<>();

    /** @param levels number of input levels (4 for ResNet layer1..4) */
    public FeaturePyramidNetwork(StateDict sd, String prefix, int levels) {
        for (int i = 0; i < levels; i++) {
            inner.add(new Conv2d(sd, prefix + ".inner_blocks." + i + ".0", 1, 0));
            layer.add(new Conv2d(sd, prefix + ".layer_blocks." + i + ".0", 1, 1));
        }
    }

    /** Features "0".."n-1", "pool" (finest first) from the body's outputs (finest first); inputs are not closed. */
    public Map<String, NDArray> forward(List<NDArray> xs) {
        int n = inner.size();
        if (xs.size() != n) {
            throw new IllegalArgumentException("FPN has " + n + " levels, got " + xs.size() + " inputs");
        }
        NDArray[] results = new NDArray[n];
        NDArray lastInner = inner.get(n - 1).forward(xs.get(n - 1));
        results[n - 1] = layer.get(n - 1).forward(lastInner);
        for (int i = n - 2; i >= 0; i--) {
            NDArray lateral = inner.get(i).forward(xs.get(i));
            NDArray next;
            try (NDArray topDown = nearest(
                    lastInner, lateral.getShape().get(2), lateral.getShape().get(3))) {
                next = lateral.add(topDown);
            }
            lateral.close();
            lastInner.close();
            lastInner = next;
            results[i] = layer.get(i).forward(lastInner);
        }
        lastInner.close();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(String.valueOf(i), results[i]);
        }
        out.put("pool", Pool.maxPool2d(results[n - 1], new Shape(1, 1), new Shape(2, 2), new Shape(0, 0), false));
        return out;
    }

    /**
     * {@code F.interpolate(x, size=(outH, outW), mode="nearest")}: source index floor(dst * in / out) (float32 scale,
     * as torch), clamped to in-1. The exact 2x case (every level of an input padded to a multiple of 32) repeats
     * elements; other sizes use one-hot selection matrices (exact and differentiable).
     */
    static NDArray nearest(NDArray x, long outH, long outW) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (outH == 2 * h && outW == 2 * w) {
            try (NDArray r = x.repeat(2, 2)) {
                return r.repeat(3, 2);
            }
        }
        NDManager m = x.getManager();
        try (NDArray sh = selection(m, h, outH);
                NDArray sw = selection(m, w, outW);
                NDArray swT = sw.transpose();
                NDArray a = sh.matMul(x)) {
            return a.matMul(swT);
        }
    }

    /** (out, in) one-hot rows selecting torch's nearest source index. */
    private static NDArray selection(NDManager m, long in, long out) {
        float scale = (float) in / (float) out;
        float[] s = new float[Math.toIntExact(out * in)];
        for (int d = 0; d < out; d++) {
            long src = Math.min((long) Math.floor(d * scale), in - 1);
            s[Math.toIntExact(d * in + src)] = 1f;
        }
        return m.create(s, new Shape(out, in));
    }

    /** The lateral and output convolutions (all trainable). */
    public List<Conv2d> convs() {
        List<Conv2d> out = new ArrayList<>(inner);
        out.addAll(layer);
        return out;
    }
}
