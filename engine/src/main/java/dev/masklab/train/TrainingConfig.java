package dev.masklab.train;

import java.util.Arrays;

/**
 * Every setting of a training run. {@link #standard()} is the Mask R-CNN paper's / torchvision references'
 * configuration (shorter side 800, longer at most 1333, RPN keeps 2000 proposals before and after NMS in
 * training, 256 anchors and 512 RoIs sampled per image, SGD momentum 0.9, weight decay 1e-4, learning rate
 * 0.02 for 16 images scaled linearly with the batch, 1000 warmup iterations from 0.001, decay by 10 at 2/3
 * and 8/9 of the run). {@link #smallCpu()} is the same network on small images with fewer proposals and
 * RoIs so that a CPU can train it: shorter side 320 (longer at most 533), RPN 600 / 300 proposals in
 * training, 128 RoIs per image, 100 warmup iterations.
 *
 * @param minSizes shorter-side sizes; one is drawn per image in training (multi-scale when several)
 * @param maxSize longer side limit
 * @param rpnPreNmsTopN proposals per level kept before NMS in training
 * @param rpnPostNmsTopN proposals per image kept after NMS in training
 * @param rpnBatchPerImage anchors sampled per image (256)
 * @param rpnPositiveFraction at most this fraction of sampled anchors positive (0.5)
 * @param boxBatchPerImage RoIs sampled per image (512)
 * @param boxPositiveFraction at most this fraction of RoIs foreground (0.25)
 * @param batchSize images per iteration
 * @param accumulation micro-batches whose gradients are summed per optimizer step (1: none)
 * @param baseLr learning rate after warmup (NaN: {@code 0.02 * images / 16}, images = batch x accumulation)
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay
 * @param warmupIterations linear warmup length
 * @param warmupFactor starting fraction of the rate
 * @param milestoneFractions decay points as fractions of the run
 * @param gamma decay factor
 * @param clipGradNorm maximum global gradient norm (0: no clipping)
 * @param flipProbability horizontal flip probability
 * @param trainableBackboneLayers ResNet stages trained, 0..5 (torchvision's count from layer4 down)
 * @param skipEmptyImages skip images without (non-crowd) annotations instead of using them as negatives
 * @param seed seed of data order, augmentation and sampling
 * @param loaderThreads background loading threads
 * @param frozenBnEps epsilon of the frozen batch norms (1e-5; 0 for torchvision's original COCO checkpoints, which
 *     torchvision loads with {@code overwrite_eps(model, 0.0)})
 * @param trainBatchNorm normalise the ResNet body with batch statistics and train its batch-norm weights
 *     ({@link dev.masklab.model.backbone.BatchNorm2d}), as torchvision builds a detector trained from scratch;
 *     false: frozen batch norms, as for fine-tuning pretrained weights
 */
public record TrainingConfig(
        int[] minSizes,
        int maxSize,
        int rpnPreNmsTopN,
        int rpnPostNmsTopN,
        int rpnBatchPerImage,
        float rpnPositiveFraction,
        int boxBatchPerImage,
        float boxPositiveFraction,
        int batchSize,
        int accumulation,
        double baseLr,
        double momentum,
        double weightDecay,
        int warmupIterations,
        double warmupFactor,
        double[] milestoneFractions,
        double gamma,
        double clipGradNorm,
        double flipProbability,
        int trainableBackboneLayers,
        boolean skipEmptyImages,
        long seed,
        int loaderThreads,
        float frozenBnEps,
        boolean trainBatchNorm) {

    public TrainingConfig {
        if (minSizes.length == 0) {
            throw new IllegalArgumentException("at least one training size needed");
        }
        // the model's own range (MaskRcnnConfig), checked now rather than when the trained model is saved
        int side = dev.masklab.model.MaskRcnnConfig.MAX_IMAGE_SIDE;
        for (int s : minSizes) {
            if (s < 1 || s > side) {
                throw new IllegalArgumentException("training sizes must be between 1 and " + side + ", got " + s);
            }
        }
        if (maxSize < 1 || maxSize > side) {
            throw new IllegalArgumentException("max size must be between 1 and " + side + ", got " + maxSize);
        }
        if (batchSize < 1 || accumulation < 1) {
            throw new IllegalArgumentException("batch size and accumulation must be >= 1");
        }
        if (trainableBackboneLayers < 0 || trainableBackboneLayers > 5) {
            throw new IllegalArgumentException(
                    "trainable backbone layers must be 0..5, got " + trainableBackboneLayers);
        }
        minSizes = minSizes.clone();
        milestoneFractions = milestoneFractions.clone();
    }

    public static TrainingConfig standard() {
        return new TrainingConfig(
                new int[] {800},
                1333,
                2000,
                2000,
                256,
                0.5f,
                512,
                0.25f,
                2,
                1,
                Double.NaN,
                0.9,
                1e-4,
                1000,
                0.001,
                new double[] {2.0 / 3, 8.0 / 9},
                0.1,
                0,
                0.5,
                3,
                true,
                42,
                2,
                1e-5f,
                false);
    }

    public static TrainingConfig smallCpu() {
        return standard().toBuilder()
                .minSizes(320)
                .maxSize(533)
                .rpnPreNmsTopN(600)
                .rpnPostNmsTopN(300)
                .boxBatchPerImage(128)
                .warmupIterations(100)
                .loaderThreads(1)
                .build();
    }

    /** The named preset: {@code standard} ({@link #standard()}) or {@code small} ({@link #smallCpu()}). */
    public static TrainingConfig preset(String name) {
        return switch (name) {
            case "standard" -> standard();
            case "small" -> smallCpu();
            default -> throw new IllegalArgumentException("configuration must be standard or small, got " + name);
        };
    }

    /** Learning rate after warmup: the given one, or 0.02 scaled to the images per optimizer step. */
    public double effectiveBaseLr() {
        return Double.isNaN(baseLr) ? LrSchedule.scaledBaseLr(batchSize * accumulation) : baseLr;
    }

    /** The schedule for a run of {@code iterations} optimizer steps. */
    public LrSchedule schedule(int iterations) {
        int[] ms = new int[milestoneFractions.length];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = (int) Math.round(milestoneFractions[i] * iterations);
        }
        Arrays.sort(ms);
        return new LrSchedule(
                effectiveBaseLr(), Math.min(warmupIterations, Math.max(0, iterations - 1)), warmupFactor, ms, gamma);
    }

    /**
     * The schedule for a run of {@code iterations} optimizer steps with the decay at the given (0-based) iterations
     * instead of at fractions of the run (detectron2's {@code SOLVER.STEPS}).
     */
    public LrSchedule schedule(int iterations, int[] steps) {
        LrSchedule fractions = schedule(iterations);
        return new LrSchedule(fractions.baseLr(), fractions.warmupIterations(), warmupFactor, steps, gamma);
    }

    @Override
    public int[] minSizes() {
        return minSizes.clone();
    }

    @Override
    public double[] milestoneFractions() {
        return milestoneFractions.clone();
    }

    /** A builder that starts from these settings: every setting named, the others kept. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Named settings on top of a preset, the one way the {@code train} command and the app's Training tab turn their
     * forms into a configuration: {@code TrainingConfig.preset("small").toBuilder().batchSize(1).seed(7).build()}.
     * Each setter is named after the record component it sets; {@link #build()} checks the result.
     */
    public static final class Builder {
        private int[] minSizes;
        private int maxSize;
        private int rpnPreNmsTopN;
        private int rpnPostNmsTopN;
        private int rpnBatchPerImage;
        private float rpnPositiveFraction;
        private int boxBatchPerImage;
        private float boxPositiveFraction;
        private int batchSize;
        private int accumulation;
        private double baseLr;
        private double momentum;
        private double weightDecay;
        private int warmupIterations;
        private double warmupFactor;
        private double[] milestoneFractions;
        private double gamma;
        private double clipGradNorm;
        private double flipProbability;
        private int trainableBackboneLayers;
        private boolean skipEmptyImages;
        private long seed;
        private int loaderThreads;
        private float frozenBnEps;
        private boolean trainBatchNorm;

        private Builder(TrainingConfig c) {
            minSizes = c.minSizes;
            maxSize = c.maxSize;
            rpnPreNmsTopN = c.rpnPreNmsTopN;
            rpnPostNmsTopN = c.rpnPostNmsTopN;
            rpnBatchPerImage = c.rpnBatchPerImage;
            rpnPositiveFraction = c.rpnPositiveFraction;
            boxBatchPerImage = c.boxBatchPerImage;
            boxPositiveFraction = c.boxPositiveFraction;
            batchSize = c.batchSize;
            accumulation = c.accumulation;
            baseLr = c.baseLr;
            momentum = c.momentum;
            weightDecay = c.weightDecay;
            warmupIterations = c.warmupIterations;
            warmupFactor = c.warmupFactor;
            milestoneFractions = c.milestoneFractions;
            gamma = c.gamma;
            clipGradNorm = c.clipGradNorm;
            flipProbability = c.flipProbability;
            trainableBackboneLayers = c.trainableBackboneLayers;
            skipEmptyImages = c.skipEmptyImages;
            seed = c.seed;
            loaderThreads = c.loaderThreads;
            frozenBnEps = c.frozenBnEps;
            trainBatchNorm = c.trainBatchNorm;
        }

        /** Shorter-side training sizes (several: one drawn per image, multi-scale). */
        public Builder minSizes(int... sizes) {
            minSizes = sizes.clone();
            return this;
        }

        /** One shorter side, with the longer-side limit raised to it when it is below (the app's "Shorter side"). */
        public Builder shorterSide(int size) {
            minSizes = new int[] {size};
            maxSize = Math.max(maxSize, size);
            return this;
        }

        public Builder maxSize(int size) {
            maxSize = size;
            return this;
        }

        public Builder rpnPreNmsTopN(int n) {
            rpnPreNmsTopN = n;
            return this;
        }

        public Builder rpnPostNmsTopN(int n) {
            rpnPostNmsTopN = n;
            return this;
        }

        public Builder rpnBatchPerImage(int n) {
            rpnBatchPerImage = n;
            return this;
        }

        public Builder rpnPositiveFraction(float fraction) {
            rpnPositiveFraction = fraction;
            return this;
        }

        public Builder boxBatchPerImage(int n) {
            boxBatchPerImage = n;
            return this;
        }

        public Builder boxPositiveFraction(float fraction) {
            boxPositiveFraction = fraction;
            return this;
        }

        public Builder batchSize(int images) {
            batchSize = images;
            return this;
        }

        public Builder accumulation(int microBatches) {
            accumulation = microBatches;
            return this;
        }

        /**
         * Learning rate after warmup, a positive finite number (left unset, the preset's: NaN there means 0.02 scaled to
         * the images per optimizer step; a caller can't pass NaN for it, so a NaN typed by a user is never "not set").
         */
        public Builder baseLr(double lr) {
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("the learning rate must be a positive finite number, got " + lr);
            }
            baseLr = lr;
            return this;
        }

        public Builder momentum(double m) {
            momentum = m;
            return this;
        }

        public Builder weightDecay(double decay) {
            weightDecay = decay;
            return this;
        }

        public Builder warmupIterations(int iterations) {
            warmupIterations = iterations;
            return this;
        }

        public Builder warmupFactor(double factor) {
            warmupFactor = factor;
            return this;
        }

        public Builder milestoneFractions(double... fractions) {
            milestoneFractions = fractions.clone();
            return this;
        }

        public Builder gamma(double factor) {
            gamma = factor;
            return this;
        }

        /** Maximum global gradient norm (0: no clipping). */
        public Builder clipGradNorm(double norm) {
            clipGradNorm = norm;
            return this;
        }

        public Builder flipProbability(double p) {
            flipProbability = p;
            return this;
        }

        /** ResNet stages trained, 0..5. */
        public Builder trainableBackboneLayers(int layers) {
            trainableBackboneLayers = layers;
            return this;
        }

        /** Skip images without (non-crowd) annotations; false keeps them as negatives. */
        public Builder skipEmptyImages(boolean skip) {
            skipEmptyImages = skip;
            return this;
        }

        /** Seed of data order, augmentation and sampling. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder loaderThreads(int threads) {
            loaderThreads = threads;
            return this;
        }

        /** Epsilon of the frozen batch norms (1e-5; 0 for torchvision's original COCO checkpoints). */
        public Builder frozenBnEps(float eps) {
            frozenBnEps = eps;
            return this;
        }

        /** Batch statistics and trained batch-norm weights (from scratch); false: frozen (fine-tuning). */
        public Builder trainBatchNorm(boolean train) {
            trainBatchNorm = train;
            return this;
        }

        /** The configuration; throws IllegalArgumentException naming a setting out of range. */
        public TrainingConfig build() {
            return new TrainingConfig(
                    minSizes,
                    maxSize,
                    rpnPreNmsTopN,
                    rpnPostNmsTopN,
                    rpnBatchPerImage,
                    rpnPositiveFraction,
                    boxBatchPerImage,
                    boxPositiveFraction,
                    batchSize,
                    accumulation,
                    baseLr,
                    momentum,
                    weightDecay,
                    warmupIterations,
                    warmupFactor,
                    milestoneFractions,
                    gamma,
                    clipGradNorm,
                    flipProbability,
                    trainableBackboneLayers,
                    skipEmptyImages,
                    seed,
                    loaderThreads,
                    frozenBnEps,
                    trainBatchNorm);
        }
    }
}
