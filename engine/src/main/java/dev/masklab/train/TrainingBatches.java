package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ops.Interpolate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The deterministic stream of training batches: sample position {@code p} (batch {@code b} holds positions
 * {@code b * batch ..}) is image {@code perm_e[p mod n]} of epoch {@code e = p / n}, with the epoch's
 * permutation drawn from {@code (seed, e)}; each sample is flipped horizontally with the configured
 * probability, normalised and resized to a shorter side drawn from the training sizes (both from
 * {@code (seed, p)}).
 * Batch {@code b} therefore depends only on the seed and {@code b}, which makes resumed runs identical to
 * uninterrupted ones and lets {@link BackgroundLoader} build batches on any thread.
 */
public final class TrainingBatches {
    /** ImageNet mean / std of torchvision's detection transform. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};

    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final CocoTrainingSet data;
    private final TrainingConfig config;
    private final int[] flipMap;

    public TrainingBatches(CocoTrainingSet data, TrainingConfig config, int[] keypointFlipMap) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("the training set has no usable image");
        }
        this.data = data;
        this.config = config;
        this.flipMap = keypointFlipMap;
    }

    /** Independent, well-spread 64-bit streams from two values (SplitMix64 finaliser). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Image index of sample position {@code p}. */
    public int imageAt(long p) {
        int n = data.size();
        long epoch = p / n;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random r = new Random(mix(config.seed(), epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm[(int) (p % n)];
    }

    /** Batch {@code b}: {@code batchSize} augmented, resized samples. */
    public List<TrainingSample> batch(int b) {
        List<TrainingSample> out = new ArrayList<>();
        for (int i = 0; i < config.batchSize(); i++) {
            long p = (long) b * config.batchSize() + i;
            out.add(prepare(data.sample(imageAt(p)), new Random(mix(config.seed() ^ 0x5DEECE66DL, p))));
        }
        return out;
    }

    /** Flip (with the configured probability) and resize one sample. */
    public TrainingSample prepare(TrainingSample s, Random r) {
        TrainingSample x = s;
        if (r.nextDouble() < config.flipProbability()) {
            x = HorizontalFlip.apply(x, flipMap);
        }
        int[] sizes = config.minSizes();
        int minSize = sizes[r.nextInt(sizes.length)];
        int[] hw = TargetResize.outputSize(x.height(), x.width(), minSize, config.maxSize());
        return TargetResize.targets(
                x, hw[0], hw[1], normalizeAndResize(x.image(), x.height(), x.width(), hw[0], hw[1]));
    }

    /**
     * GeneralizedRCNNTransform's image path: normalise with the ImageNet mean / std, then bilinear resize
     * (align_corners false, no antialias) to {@code (nh, nw)}.
     */
    public static float[] normalizeAndResize(float[] chw, int h, int w, int nh, int nw) {
        float[] norm = new float[chw.length];
        int plane = h * w;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                norm[c * plane + i] = (chw[c * plane + i] - MEAN[c]) / STD[c];
            }
        }
        return Interpolate.bilinear(norm, 3, h, w, nh, nw, false);
    }

    /** Normalised (prepared) images zero-padded to a common size divisible by 32: (N, 3, H, W). */
    static NDArray batchImages(List<TrainingSample> batch, NDManager m) {
        int maxH = 0;
        int maxW = 0;
        for (TrainingSample s : batch) {
            maxH = Math.max(maxH, s.height());
            maxW = Math.max(maxW, s.width());
        }
        int ph = (int) Math.ceil(maxH / 32.0) * 32;
        int pw = (int) Math.ceil(maxW / 32.0) * 32;
        float[] data = new float[batch.size() * 3 * ph * pw];
        for (int n = 0; n < batch.size(); n++) {
            TrainingSample s = batch.get(n);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < s.height(); y++) {
                    int src = (c * s.height() + y) * s.width();
                    int dst = ((n * 3 + c) * ph + y) * pw;
                    for (int x = 0; x < s.width(); x++) {
                        data[dst + x] = s.image()[src + x];
                    }
                }
            }
        }
        return m.create(data, new Shape(batch.size(), 3, ph, pw));
    }
}
