package dev.masklab.predict;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.coco.Rle;
import dev.masklab.image.ImageDecoder;
import dev.masklab.model.ImageList;
import dev.masklab.model.ImageTransform;
import dev.masklab.model.MaskRcnn;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.MaskRcnnOutput;
import dev.masklab.model.ModelCheckpoint;
import dev.masklab.model.ops.Autograd;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The prediction API for the app and the CLI, and the app's warm model: weights, architecture and device are loaded
 * once by {@link #open} and kept until {@link #close}. Images in, {@link Instance}s out (original image coordinates,
 * masks as RLE of the pasted probability > 0.5, keypoints with scores, COCO category ids). Batches run image by image
 * with a cancel flag checked between images and a progress callback.
 *
 * <p>Prompts: {@link #prompt} answers box prompts (the same RoI heads as inference on the given boxes, no box
 * regression), {@link #pointCandidates} point prompts (the detections of the full prediction under a point). The
 * transformed image and FPN features of the LAST image (the same {@link BufferedImage} instance, not modified since)
 * are cached with its full prediction, so a further prompt or {@code predict} on that image runs only the heads;
 * another image replaces them, {@link #releaseImage} drops them.
 *
 * <p>Thread-safe: calls are synchronised on the predictor (one inference at a time), so it can run off the UI thread
 * (use one predictor per thread for parallelism). {@link #close} frees the native memory of the weights and cache.
 */
public final class Predictor implements AutoCloseable {
    /**
     * @param scoreThreshold box score threshold (torchvision's box_score_thresh, default 0.05)
     * @param device where to run ({@link #defaultDevice()})
     * @param legacyEps FrozenBatchNorm eps 0, as torchvision's original COCO checkpoints
     */
    public record Options(float scoreThreshold, Device device, boolean legacyEps) {
        public static Options defaults() {
            return new Options(0.05f, defaultDevice(), false);
        }
    }

    /** Box prompts run through the heads at most this many at a time (memory bounded for any number of prompts). */
    static final int PROMPT_CHUNK = 100;

    private final MaskRcnn model;
    private final long[] categoryIds;
    private final Path weightsFile;
    private ImageFeatures cached;

    private Predictor(MaskRcnn model, Path weightsFile) {
        this.model = model;
        this.weightsFile = weightsFile;
        MaskRcnnConfig cfg = model.config();
        ModelCheckpoint.Meta meta = model.meta();
        categoryIds = new long[cfg.numClasses()];
        for (int label = 0; label < categoryIds.length; label++) {
            // torchvision's COCO weights: the label is the COCO category id; a checkpoint carries its own map
            categoryIds[label] = meta != null && label < meta.categoryIds().size()
                    ? meta.categoryIds().get(label)
                    : label;
        }
    }

    /** GPU 0 when DJL's PyTorch engine sees CUDA, else the CPU. */
    public static Device defaultDevice() {
        return gpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** CUDA devices DJL's PyTorch engine sees (0 when it sees none or cannot start). */
    public static int gpuCount() {
        try {
            return Engine.getEngine("PyTorch").getGpuCount();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Opens a model.
     *
     * @param weights torchvision .pth state dict or MaskLab checkpoint
     * @param arch architecture for a .pth (ignored for checkpoints, may be null then)
     */
    public static Predictor open(Path weights, String arch, Options options) throws IOException {
        MaskRcnn m = MaskRcnn.load(
                weights,
                arch,
                cfg -> {
                    MaskRcnnConfig c = cfg.withBoxScoreThresh(options.scoreThreshold());
                    return options.legacyEps() ? c.withBnEps(0f) : c;
                },
                options.device());
        return new Predictor(m, weights);
    }

    public MaskRcnnConfig config() {
        return model.config();
    }

    public MaskRcnn model() {
        return model;
    }

    /** The weights file this model was loaded from. */
    public Path weightsFile() {
        return weightsFile;
    }

    /** Where the model runs. */
    public Device device() {
        return model.manager().getDevice();
    }

    /** COCO category id of a model label. */
    public long categoryId(int label) {
        return categoryIds[label];
    }

    /** The model label (1..numClasses-1) whose category id is {@code categoryId}, or -1 when the model has none. */
    public int labelOf(long categoryId) {
        for (int label = 1; label < categoryIds.length; label++) {
            if (categoryIds[label] == categoryId) {
                return label;
            }
        }
        return -1;
    }

    /**
     * Instances in one image (the full prediction, every detection above the score threshold). Cached with the image's
     * features: asked again for the same image instance, the cached prediction is returned.
     */
    public synchronized List<Instance> predict(BufferedImage image) {
        Autograd.noGradOnThisThread();
        ImageFeatures f = featuresOf(image);
        if (f.prediction() == null) {
            try (NDManager tmp = f.manager().newSubManager()) {
                // what the RPN and heads allocate from the features goes to tmp and is freed; the features stay cached
                f.features().values().forEach(a -> a.tempAttach(tmp));
                f.setPrediction(instances(
                        model.detectFromFeatures(f.batch(), f.features()).get(0)));
            }
        }
        return f.prediction();
    }

    /**
     * Answers box prompts on one image: per prompt, in order, an {@link Instance} with the prompt's box (xyxy), the
     * given category or else the box head's best non-background class, the score (the box head's softmax probability
     * of that class on the box), the mask on the box (pasted, > 0.5, RLE) for mask models and the keypoints (x, y, 1)
     * with their scores for keypoint models. This is exactly what torchvision computes when the box is treated as a
     * detection of that class (the box scaled into the transformed image as {@code resize_boxes} does, RoI heads on it,
     * no box regression, then {@code transform.postprocess}). The image's features are computed on the first prompt
     * and reused by the next ones (see the class comment).
     *
     * @throws IllegalArgumentException naming the prompt (index) when its box is outside the image, empty or not
     *     finite ({@link BoxPrompt#problem}), or its category is not one of the model's
     */
    public synchronized List<Instance> prompt(BufferedImage image, List<BoxPrompt> prompts) {
        int n = prompts.size();
        float[] boxes = new float[4 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            BoxPrompt p = prompts.get(i);
            String problem = p.problem(image.getWidth(), image.getHeight());
            if (problem == null
                    && p.categoryId().isPresent()
                    && labelOf(p.categoryId().getAsLong()) < 0) {
                problem = "category " + p.categoryId().getAsLong() + " is not one of the model's classes";
            }
            if (problem != null) {
                throw new IllegalArgumentException("prompt " + i + ": " + problem);
            }
            double[] b = p.xyxy();
            for (int k = 0; k < 4; k++) {
                boxes[4 * i + k] = (float) b[k];
            }
            labels[i] = p.categoryId().isPresent() ? labelOf(p.categoryId().getAsLong()) : 0;
        }
        if (n == 0) {
            return List.of();
        }
        Autograd.noGradOnThisThread();
        ImageFeatures f = featuresOf(image);
        List<Instance> out = new ArrayList<>(n);
        for (int from = 0; from < n; from += PROMPT_CHUNK) { // pooled features of a chunk: ~20 MB
            int to = Math.min(n, from + PROMPT_CHUNK);
            List<Instance> raw = instances(model.promptFromFeatures(
                    f.batch(),
                    f.heap(),
                    java.util.Arrays.copyOfRange(boxes, 4 * from, 4 * to),
                    java.util.Arrays.copyOfRange(labels, from, to)));
            for (int i = from; i < to; i++) {
                Instance in = raw.get(i - from);
                out.add(new Instance(
                        prompts.get(i).xyxy(),
                        in.label(),
                        in.categoryId(),
                        in.score(),
                        in.mask(),
                        in.keypoints(),
                        in.keypointScores()));
            }
        }
        return out;
    }

    /**
     * Answers a point prompt: the detections of the image's full prediction ({@link #predict}, cached; every detection
     * above the model's score threshold, whatever the display threshold) that contain the point
     * ({@link Instance#contains}: its mask, or its box for models without masks), best score first; the best is current,
     * {@link PointCandidates#next()} cycles through the others.
     *
     * @param x column in original image pixels
     * @param y row in original image pixels
     */
    public synchronized PointCandidates pointCandidates(BufferedImage image, double x, double y) {
        List<Instance> hits = new ArrayList<>();
        for (Instance in : predict(image)) {
            if (in.contains(x, y)) {
                hits.add(in);
            }
        }
        hits.sort(java.util.Comparator.comparingDouble(Instance::score).reversed()); // stable: model order on ties
        return new PointCandidates(x, y, hits, 0);
    }

    /** Drops the cached features and prediction of the last image (freeing their memory). */
    public synchronized void releaseImage() {
        if (cached != null) {
            cached.close();
            cached = null;
        }
    }

    /** The cached features of {@code image}, computed (transform + backbone) when it is not the cached image. */
    private ImageFeatures featuresOf(BufferedImage image) {
        if (cached != null && cached.isOf(image)) {
            return cached;
        }
        releaseImage();
        NDManager m = model.manager().newSubManager();
        try (NDManager tmp = m.newSubManager()) {
            NDArray t = toTensor(image, tmp);
            ImageList batch = model.transform().apply(List.of(t), tmp);
            Map<String, NDArray> features = model.backbone().forward(batch.tensors());
            batch.tensors().attach(m);
            features.values().forEach(a -> a.attach(m));
            cached = new ImageFeatures(image, m, batch, features);
            return cached;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Instances in one image file. */
    public List<Instance> predict(Path imageFile) throws IOException {
        return predict(readImage(imageFile));
    }

    /**
     * Instances of each image file, in order, the files decoded ahead of the model ({@link DecodeAhead}). Checks
     * {@code cancelled} before each image and reports progress after each.
     *
     * @throws PredictionCancelledException when cancelled (holding the results done so far)
     */
    public List<List<Instance>> predictFiles(List<Path> files, BooleanSupplier cancelled, ProgressListener progress)
            throws IOException {
        List<List<Instance>> out = new ArrayList<>();
        try (DecodeAhead decoded = new DecodeAhead(
                files, DecodeAhead.defaultThreads(Runtime.getRuntime().availableProcessors()), 4)) {
            while (decoded.hasNext()) {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    throw new PredictionCancelledException(out);
                }
                out.add(predict(decoded.next().imageOrThrow()));
                if (progress != null) {
                    progress.progress(out.size(), files.size());
                }
            }
        }
        return out;
    }

    /** Same as {@link #predictFiles} for images in memory. */
    public List<List<Instance>> predictImages(
            List<BufferedImage> images, BooleanSupplier cancelled, ProgressListener progress) {
        List<List<Instance>> out = new ArrayList<>();
        for (BufferedImage img : images) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new PredictionCancelledException(out);
            }
            out.add(predict(img));
            if (progress != null) {
                progress.progress(out.size(), images.size());
            }
        }
        return out;
    }

    /** Converts the model's output for one image into instances (masks pasted and RLE-encoded one at a time). */
    List<Instance> instances(MaskRcnnOutput o) {
        List<Instance> out = new ArrayList<>(o.size());
        float[] b = o.detections().boxes();
        int k = o.numKeypoints();
        for (int i = 0; i < o.size(); i++) {
            int label = o.detections().labels()[i];
            Rle mask = o.hasMasks() ? Rle.encode(o.binaryMask(i), o.height(), o.width()) : null;
            float[] kp = null;
            float[] kpScores = null;
            if (o.hasKeypoints()) {
                kp = java.util.Arrays.copyOfRange(o.keypoints(), i * k * 3, (i + 1) * k * 3);
                kpScores = java.util.Arrays.copyOfRange(o.keypointScores(), i * k, (i + 1) * k);
            }
            out.add(new Instance(
                    new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]},
                    label,
                    categoryIds[label],
                    o.detections().scores()[i],
                    mask,
                    kp,
                    kpScores));
        }
        return out;
    }

    /**
     * Reads an image file with PIL's pixel values ({@link ImageDecoder}); a clear message names the file when it is
     * missing or not an image.
     */
    public static BufferedImage readImage(Path file) throws IOException {
        return ImageDecoder.read(file);
    }

    /** torchvision's to_tensor of the image's RGB pixels (alpha dropped, grey expanded). */
    public static NDArray toTensor(BufferedImage img, NDManager m) {
        int h = img.getHeight();
        int w = img.getWidth();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[h * w * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return ImageTransform.toTensor(rgb, h, w, m);
    }

    @Override
    public synchronized void close() {
        releaseImage();
        model.close();
    }
}
