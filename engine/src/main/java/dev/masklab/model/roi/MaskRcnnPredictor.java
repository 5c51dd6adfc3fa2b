package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.masklab.model.ops.ConvTranspose2d;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code MaskRCNNPredictor}: {@code conv5_mask} (transposed convolution 2x2, stride 2, 256 channels)
 * with ReLU, then {@code mask_fcn_logits} (1x1 convolution to one 28x28 logit map per class).
 */
public final class MaskRcnnPredictor {
    public static final String PREFIX = "roi_heads.mask_predictor.";

    private final NDArray deconvWeight;
    private final NDArray deconvBias;
    private final NDArray logitsWeight;
    private final NDArray logitsBias;

    public MaskRcnnPredictor(Function<String, NDArray> w) {
        this.deconvWeight = w.apply(PREFIX + "conv5_mask.weight");
        this.deconvBias = w.apply(PREFIX + "conv5_mask.bias");
        this.logitsWeight = w.apply(PREFIX + "mask_fcn_logits.weight");
        this.logitsBias = w.apply(PREFIX + "mask_fcn_logits.bias");
    }

    public int numClasses() {
        return Math.toIntExact(logitsWeight.getShape().get(0));
    }

    /** (K, 256, 14, 14) -> mask logits (K, numClasses, 28, 28). Differentiable. */
    public NDArray forward(NDArray x) {
        NDArray up = ConvTranspose2d.apply(x, deconvWeight, deconvBias, 2, 0);
        NDArray r = Activation.relu(up);
        up.close();
        NDArray logits = Conv2d.conv2d(
                        r, logitsWeight, logitsBias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
        r.close();
        return logits;
    }

    /**
     * Inference: the logits of one class per RoI, {@code labels[i]} for RoI i: (K, 256, 14, 14) -> (K, 1, 28, 28),
     * equal to {@code forward(x)[i, labels[i]]}. Only the chosen class's 1x1 logit filter is applied (torchvision
     * computes all classes' maps and keeps one: 91x the work for 90 maps thrown away), as a batched product with the
     * ReLU'd up-sampled features. The 2x2 stride-2 transposed convolution has no overlap, so it is one 1x1 convolution
     * to the four sub-pixel phases' channels (oneDNN), read phase by phase without re-laying the features out; only
     * the (K, 1, 28, 28) result is rearranged. Falls back to {@link #forward} for other up-sampling kernels.
     */
    public NDArray forwardForLabels(NDArray x, int[] labels) {
        Shape xs = x.getShape();
        Shape ds = deconvWeight.getShape(); // (Cin, Cout, kH, kW)
        long k = xs.get(0);
        if (labels.length != k) {
            throw new IllegalArgumentException(labels.length + " labels for " + k + " RoIs");
        }
        long kh = ds.get(2);
        long kw = ds.get(3);
        if (kh != 2 || kw != 2) {
            try (NDArray all = forward(x)) {
                NDArray idx = x.getManager()
                        .create(java.util.Arrays.stream(labels).asLongStream().toArray());
                NDArray rows = x.getManager().arange(k).toType(ai.djl.ndarray.types.DataType.INT64, false);
                return all.get(new ai.djl.ndarray.index.NDIndex("{}, {}", rows, idx))
                        .expandDims(1);
            }
        }
        // RoIs in chunks whose up-sampled features stay below ~24 MiB: malloc reuses blocks of that size, while one
        // above a thread arena's 64 MiB heap is a fresh mapping every time (see NativeHeap)
        long perRoi = 4L * ds.get(1) * kh * kw * xs.get(2) * xs.get(3);
        int chunk = (int) Math.max(1, Math.min(k, (24L << 20) / perRoi));
        if (chunk >= k) {
            return forwardForLabelsChunk(x, labels);
        }
        ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
        try (ai.djl.ndarray.NDManager tmp = x.getManager().newSubManager()) {
            for (int from = 0; from < k; from += chunk) {
                int to = (int) Math.min(k, from + chunk);
                NDArray part = x.get(new ai.djl.ndarray.index.NDIndex("{}:{}", from, to));
                part.attach(tmp);
                NDArray out = forwardForLabelsChunk(part, java.util.Arrays.copyOfRange(labels, from, to));
                out.attach(tmp);
                parts.add(out);
            }
            NDArray all = ai.djl.ndarray.NDArrays.concat(parts, 0);
            all.attach(x.getManager());
            return all;
        }
    }

    private NDArray forwardForLabelsChunk(NDArray x, int[] labels) {
        Shape xs = x.getShape();
        Shape ds = deconvWeight.getShape();
        long k = xs.get(0);
        long kh = ds.get(2);
        long kw = ds.get(3);
        long cin = ds.get(0);
        long cout = ds.get(1);
        long h = xs.get(2);
        long w = xs.get(3);
        long phases = kh * kw;
        ai.djl.ndarray.NDManager m = x.getManager();
        try (ai.djl.ndarray.NDManager tmp = m.newSubManager()) {
            // every intermediate (views of the weights included, which DJL attaches to the weights' manager) is
            // attached to tmp and freed with it
            java.util.function.UnaryOperator<NDArray> t = a -> {
                a.attach(tmp);
                return a;
            };
            // (Cin, Cout, kH, kW) -> (kH, kW, Cout, Cin, 1, 1): output channel (ky, kx, c) of a 1x1 convolution
            NDArray w1 = t.apply(t.apply(deconvWeight.transpose(2, 3, 1, 0)).reshape(phases * cout, cin, 1, 1));
            NDArray b1 = t.apply(t.apply(t.apply(deconvBias.reshape(1, cout)).broadcast(phases, cout))
                    .reshape(phases * cout));
            NDArray up = t.apply(Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow()); // (K, (ky, kx, c), H, W)
            NDArray r = t.apply(t.apply(Activation.relu(up)).reshape(k * phases, cout, h * w));
            NDArray idx =
                    tmp.create(java.util.Arrays.stream(labels).asLongStream().toArray());
            NDArray filters =
                    t.apply(t.apply(logitsWeight.reshape(numClasses(), cout)).get(idx)); // (K, Cout)
            NDArray perPhase =
                    t.apply(t.apply(t.apply(filters.reshape(k, 1, cout)).broadcast(k, phases, cout))
                            .reshape(k * phases, 1, cout));
            NDArray prod = t.apply(perPhase.batchMatMul(r)); // (K * phases, 1, H * W)
            NDArray bias = t.apply(t.apply(logitsBias.get(idx)).reshape(k, 1, 1, 1, 1));
            // (K, ky, kx, y, x) -> (K, y, ky, x, kx) -> (K, 1, 2H, 2W)
            NDArray laid =
                    t.apply(t.apply(t.apply(prod.reshape(k, kh, kw, h, w)).transpose(0, 3, 1, 4, 2))
                            .add(bias));
            NDArray out = laid.reshape(k, 1, h * kh, w * kw);
            out.attach(m);
            return out;
        }
    }

    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "conv5_mask.weight", deconvWeight);
        p.put(PREFIX + "conv5_mask.bias", deconvBias);
        p.put(PREFIX + "mask_fcn_logits.weight", logitsWeight);
        p.put(PREFIX + "mask_fcn_logits.bias", logitsBias);
        return p;
    }
}
