package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Autograd;
import dev.masklab.model.ops.RoiAlign;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multi-level RoIAlign pooling of torchvision 0.14's {@code ops.MultiScaleRoIAlign}: each box is pooled from the
 * FPN level chosen by {@link LevelMapper} (k0 = 4, canonical 224), with the level's scale inferred from the
 * feature size and the largest image size: scale = 2^round(log2(featureH / imageH)) (torchvision's
 * {@code _infer_scale} uses the height ratio). Output rows follow the boxes' order (images concatenated), shape
 * (K, C, outputSize, outputSize). Differentiable with respect to the features when they require a gradient;
 * otherwise pure Java (each level is copied to the heap once per call).
 *
 * <p>Differences from torchvision, deliberately: the features are taken in {@code featureNames} order (torchvision
 * follows the dict's order, the same for its FPN), and scales are inferred on every call (torchvision caches
 * the first call's scales; they are equal whenever images keep the 800-px regime's exact power-of-two ratios).
 */
public final class MultiScaleRoiAlign {
    private final List<String> featureNames;
    private final int outputSize;
    private final int samplingRatio;

    public MultiScaleRoiAlign(List<String> featureNames, int outputSize, int samplingRatio) {
        if (featureNames.isEmpty()) {
            throw new IllegalArgumentException("MultiScaleRoiAlign needs at least one feature map name");
        }
        this.featureNames = List.copyOf(featureNames);
        this.outputSize = outputSize;
        this.samplingRatio = samplingRatio;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public int outputSize() {
        return outputSize;
    }

    public int samplingRatio() {
        return samplingRatio;
    }

    /** torchvision's {@code _infer_scale}: 2^round(log2(featureH / imageH)) in float32. */
    public static float inferScale(long featureH, long imageH) {
        float approx = (float) ((double) featureH / (double) imageH);
        float log2 = (float) (Math.log(approx) / Math.log(2));
        return (float) Math.pow(2, Math.rint(log2));
    }

    /** Scales per level for the given features and image sizes (largest height over the images). */
    public float[] scales(List<NDArray> levels, List<int[]> imageSizesHW) {
        if (imageSizesHW.isEmpty()) {
            throw new IllegalArgumentException("MultiScaleRoiAlign: image size list is empty");
        }
        int maxH = 0;
        for (int[] hw : imageSizesHW) {
            maxH = Math.max(maxH, hw[0]);
        }
        float[] s = new float[levels.size()];
        for (int l = 0; l < s.length; l++) {
            s[l] = inferScale(levels.get(l).getShape().get(2), maxH);
        }
        return s;
    }

    /**
     * @param features feature maps by name (NCHW, same C)
     * @param boxesPerImage per image, boxes (Ki, 4) xyxy in image coordinates
     * @param imageSizesHW per image, the (unpadded) {height, width} fed to the backbone
     * @return pooled features (sum Ki, C, outputSize, outputSize)
     */
    public NDArray apply(Map<String, NDArray> features, List<NDArray> boxesPerImage, List<int[]> imageSizesHW) {
        Prepared p = prepare(features, boxesPerImage, imageSizesHW);
        boolean grad = false;
        for (NDArray f : p.levels) {
            grad |= Autograd.requiresGrad(f);
        }
        NDManager m = p.levels.get(0).getManager();
        return grad ? differentiable(p.levels, p.scales, p.rois, p.level, p.k, p.c, m) : javaForwardNd(p, null, m);
    }

    /** Inputs resolved for one call: levels, scales, rois (K,5) and each RoI's level. */
    private record Prepared(List<NDArray> levels, float[] scales, float[] rois, int[] level, int k, int c) {}

    private Prepared prepare(Map<String, NDArray> features, List<NDArray> boxesPerImage, List<int[]> imageSizesHW) {
        List<NDArray> levels = new ArrayList<>();
        for (String name : featureNames) {
            NDArray f = features.get(name);
            if (f == null) {
                throw new IllegalArgumentException(
                        "MultiScaleRoiAlign: feature map '" + name + "' missing (have " + features.keySet() + ")");
            }
            levels.add(f);
        }
        float[] scales = scales(levels, imageSizesHW);
        int k = 0;
        List<float[]> perImage = new ArrayList<>();
        for (NDArray b : boxesPerImage) {
            float[] a = b.toType(DataType.FLOAT32, false).toFloatArray();
            perImage.add(a);
            k += a.length / 4;
        }
        float[] rois = new float[5 * k];
        float[] boxes = new float[4 * k];
        int r = 0;
        for (int img = 0; img < perImage.size(); img++) {
            float[] a = perImage.get(img);
            for (int i = 0; i < a.length / 4; i++, r++) {
                rois[5 * r] = img;
                System.arraycopy(a, 4 * i, rois, 5 * r + 1, 4);
                System.arraycopy(a, 4 * i, boxes, 4 * r, 4);
            }
        }
        int[] level =
                levels.size() == 1 ? new int[k] : LevelMapper.forScales(scales).levels(boxes);
        return new Prepared(
                levels, scales, rois, level, k, (int) levels.get(0).getShape().get(1));
    }

    /** Indices of the RoIs at level l. */
    private static int[] atLevel(int[] level, int l) {
        int count = 0;
        for (int lv : level) {
            if (lv == l) {
                count++;
            }
        }
        int[] idx = new int[count];
        int j = 0;
        for (int i = 0; i < level.length; i++) {
            if (level[i] == l) {
                idx[j++] = i;
            }
        }
        return idx;
    }

    private static float[] roisOf(float[] rois, int[] idx) {
        float[] sub = new float[5 * idx.length];
        for (int j = 0; j < idx.length; j++) {
            System.arraycopy(rois, 5 * idx[j], sub, 5 * j, 5);
        }
        return sub;
    }

    /**
     * Pooling for training at plain-Java speed, without autograd through the sampling. Returns the pooled features as
     * a leaf that requires a gradient; after a first backward pass of the losses computed from it (the heads),
     * {@link Detached#surrogate()} gives a scalar whose gradient with respect to the feature maps is the RoIAlign
     * backward of the pooled gradient (torchvision's backward kernel), to be added to the loss of a second backward
     * pass through the backbone (for example together with the RPN losses). The head losses must not reach the
     * backbone by another path in the first pass.
     */
    public Detached applyDetached(
            Map<String, NDArray> features, List<NDArray> boxesPerImage, List<int[]> imageSizesHW) {
        Prepared p = prepare(features, boxesPerImage, imageSizesHW);
        NDManager m = p.levels.get(0).getManager();
        NDArray pooled = m.create(javaForward(p), new Shape(p.k, p.c, outputSize, outputSize));
        pooled.setRequiresGradient(true);
        return new Detached(p, pooled);
    }

    /** See {@link #applyDetached}. */
    public final class Detached {
        private final Prepared p;
        private final NDArray pooled;

        private Detached(Prepared p, NDArray pooled) {
            this.p = p;
            this.pooled = pooled;
        }

        /** The pooled features (K, C, out, out), a leaf with a gradient. */
        public NDArray pooled() {
            return pooled;
        }

        /**
         * Gradients with respect to each level as channels-last (N, H, W, C) arrays, from the pooled gradient of the
         * first backward pass (torchvision's RoIAlign backward kernel). The caller closes them.
         */
        public List<NDArray> featureGradientsNhwc() {
            NDManager m = p.levels.get(0).getManager();
            int bins = outputSize * outputSize;
            float[] g;
            try (NDArray grad = pooled.getGradient();
                    NDArray kbc = grad.reshape(p.k, p.c, bins).transpose(0, 2, 1)) {
                g = kbc.toFloatArray();
            }
            List<NDArray> out = new ArrayList<>();
            for (int l = 0; l < p.levels.size(); l++) {
                Shape s = p.levels.get(l).getShape();
                int n = (int) s.get(0);
                int h = (int) s.get(2);
                int w = (int) s.get(3);
                int[] idx = atLevel(p.level, l);
                if (idx.length == 0) {
                    out.add(null);
                    continue;
                }
                float[] sub = new float[idx.length * bins * p.c];
                for (int j = 0; j < idx.length; j++) {
                    System.arraycopy(g, idx[j] * bins * p.c, sub, j * bins * p.c, bins * p.c);
                }
                float[] gl = RoiAlign.backwardNhwc(
                        sub,
                        n,
                        h,
                        w,
                        p.c,
                        roisOf(p.rois, idx),
                        idx.length,
                        outputSize,
                        outputSize,
                        p.scales[l],
                        samplingRatio,
                        false);
                out.add(m.create(gl, new Shape(n, h, w, p.c)));
            }
            return out;
        }

        /**
         * Scalar sum over levels of (features * constant feature gradient): its gradient with respect to the features is
         * the RoIAlign backward of the pooled gradient. Levels without RoIs contribute nothing.
         */
        public NDArray surrogate() {
            NDArray total = null;
            List<NDArray> grads = featureGradientsNhwc();
            for (int l = 0; l < grads.size(); l++) {
                NDArray g = grads.get(l);
                if (g == null) {
                    continue;
                }
                NDArray view = p.levels.get(l).transpose(0, 2, 3, 1);
                NDArray prod = view.mul(g.toType(view.getDataType(), false));
                NDArray term = prod.sum();
                prod.close();
                view.close();
                g.close();
                if (total == null) {
                    total = term;
                } else {
                    NDArray t = total.add(term);
                    total.close();
                    term.close();
                    total = t;
                }
            }
            return total != null ? total : pooled.getManager().zeros(new Shape());
        }
    }

    /**
     * Feature maps copied once (by libtorch, into NDArrays of their own manager) in channels-last layout, for several
     * inference poolings of the same features (box head, then mask or keypoint head, then box prompts) without
     * copying them again. The copies live until the features' manager is closed.
     */
    public static final class HeapFeatures {
        private final Map<String, RoiAlign.NhwcFeatures> nhwc = new java.util.HashMap<>();
        private final Map<String, NDArray> arrays;
        private final NDManager manager;

        /** The copies live on a sub-manager of {@code owner} (the manager that owns the features). */
        public HeapFeatures(Map<String, NDArray> features, NDManager owner) {
            this.arrays = features;
            this.manager = owner.newSubManager();
        }

        synchronized RoiAlign.NhwcFeatures get(String name, NDArray f) {
            return nhwc.computeIfAbsent(name, k -> {
                RoiAlign.NhwcFeatures copy = RoiAlign.NhwcFeatures.of(f);
                copy.array().attach(manager); // not to a temporary manager the features may be attached to
                return copy;
            });
        }

        public Map<String, NDArray> arrays() {
            return arrays;
        }
    }

    /** Inference pooling from cached heap features (see {@link HeapFeatures}); never differentiable. */
    public NDArray apply(HeapFeatures features, List<NDArray> boxesPerImage, List<int[]> imageSizesHW) {
        Prepared p = prepare(features.arrays(), boxesPerImage, imageSizesHW);
        NDManager m = p.levels.get(0).getManager();
        return javaForwardNd(p, features, m);
    }

    /**
     * The plain-Java pooling into an NDArray that libtorch allocates (on {@code m}), read from channels-last copies
     * of the levels made by libtorch ({@code cache}'s, or made and freed here), without Java arrays of feature size.
     */
    private NDArray javaForwardNd(Prepared p, HeapFeatures cache, NDManager m) {
        Shape shape = new Shape(p.k, p.c, outputSize, outputSize);
        if (p.k == 0) {
            return m.zeros(shape);
        }
        NDArray out = m.create(shape, ai.djl.ndarray.types.DataType.FLOAT32); // every row is written below
        java.lang.foreign.MemorySegment o = java.lang.foreign.MemorySegment.ofBuffer(out.toByteBuffer(true));
        for (int l = 0; l < p.levels.size(); l++) {
            int[] idx = atLevel(p.level, l);
            if (idx.length == 0) {
                continue;
            }
            NDArray f = p.levels.get(l);
            Shape s = f.getShape();
            RoiAlign.NhwcFeatures nf = cache != null ? cache.get(featureNames.get(l), f) : RoiAlign.NhwcFeatures.of(f);
            try {
                RoiAlign.forwardNhwcInto(
                        nf.data(),
                        (int) s.get(0),
                        (int) s.get(2),
                        (int) s.get(3),
                        p.c,
                        roisOf(p.rois, idx),
                        idx.length,
                        outputSize,
                        outputSize,
                        p.scales[l],
                        samplingRatio,
                        false,
                        o,
                        idx);
            } finally {
                if (cache == null) {
                    nf.close();
                }
            }
        }
        return out;
    }

    /** The plain-Java pooling into a heap array (the training path's detached pooling). */
    private float[] javaForward(Prepared p) {
        int bins = outputSize * outputSize;
        int per = p.c * bins;
        float[] out = new float[p.k * per];
        for (int l = 0; l < p.levels.size(); l++) {
            int[] idx = atLevel(p.level, l);
            if (idx.length == 0) {
                continue;
            }
            NDArray f = p.levels.get(l);
            Shape s = f.getShape();
            float[] heap = RoiAlign.channelsLast(f);
            float[] pooled = RoiAlign.forwardNhwc(
                    heap,
                    (int) s.get(0),
                    (int) s.get(2),
                    (int) s.get(3),
                    p.c,
                    roisOf(p.rois, idx),
                    idx.length,
                    outputSize,
                    outputSize,
                    p.scales[l],
                    samplingRatio,
                    false);
            for (int q = 0; q < idx.length; q++) {
                System.arraycopy(pooled, q * per, out, idx[q] * per, per);
            }
        }
        return out;
    }

    private NDArray differentiable(
            List<NDArray> levels, float[] scales, float[] rois, int[] level, int k, long c, NDManager m) {
        if (k == 0) {
            return m.zeros(
                    new Shape(0, c, outputSize, outputSize), levels.get(0).getDataType());
        }
        NDList parts = new NDList();
        long[] order = new long[k]; // order[position in concatenation] = original row
        int pos = 0;
        for (int l = 0; l < levels.size(); l++) {
            int count = 0;
            for (int lv : level) {
                if (lv == l) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            float[] sub = new float[5 * count];
            int j = 0;
            for (int i = 0; i < k; i++) {
                if (level[i] == l) {
                    order[pos++] = i;
                    System.arraycopy(rois, 5 * i, sub, 5 * j, 5);
                    j++;
                }
            }
            try (NDArray subRois = m.create(sub, new Shape(count, 5))) {
                parts.add(RoiAlign.apply(
                        levels.get(l), subRois, outputSize, outputSize, scales[l], samplingRatio, false));
            }
        }
        NDArray cat = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        boolean identity = true;
        for (int i = 0; i < k; i++) {
            identity &= order[i] == i;
        }
        if (identity) {
            return cat;
        }
        long[] inverse = new long[k];
        for (int p = 0; p < k; p++) {
            inverse[(int) order[p]] = p;
        }
        // torch-owned copy: indexing saves it for backward (see Autograd.torchOwned)
        try (NDArray inv = Autograd.torchOwned(m.create(inverse))) {
            NDArray result = cat.get(new NDIndex("{}", inv));
            if (parts.size() > 1) {
                cat.close();
            }
            parts.close();
            return result;
        }
    }
}
