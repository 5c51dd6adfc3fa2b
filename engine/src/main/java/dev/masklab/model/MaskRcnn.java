package dev.masklab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.backbone.Norm2d;
import dev.masklab.model.backbone.ResNetFpnBackbone;
import dev.masklab.model.io.CheckpointException;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.roi.BoxPostprocessor;
import dev.masklab.model.roi.Detections;
import dev.masklab.model.roi.MultiScaleRoiAlign;
import dev.masklab.model.roi.RoiHeads;
import dev.masklab.model.roi.RoiHeadsOutput;
import dev.masklab.model.rpn.AnchorGenerator;
import dev.masklab.model.rpn.RegionProposalNetwork;
import dev.masklab.model.rpn.RpnConfig;
import dev.masklab.model.rpn.RpnHead;
import dev.masklab.model.rpn.RpnLoss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * torchvision's {@code GeneralizedRCNN}, one model with two paths: {@link #detect} ({@link ImageTransform}
 * (normalise, resize, pad) -> {@link ResNetFpnBackbone} -> region proposal network -> {@link RoiHeads} -> detections
 * scaled back to each original image) and {@link #losses} (the same modules' training passes on a batch with its
 * targets, {@link #forTraining}). Built from a torchvision state dict (.pth, {@link PthLoader}) or a MaskLab {@link ModelCheckpoint}; the
 * weights are checked against the architecture first (missing keys, unexpected keys, shape mismatches are all listed
 * in one error).
 *
 * <p>Not thread-safe: use one instance per thread or synchronise (the {@code Predictor} does).
 */
public final class MaskRcnn implements AutoCloseable {
    private final MaskRcnnConfig config;
    private final ModelCheckpoint.Meta meta;
    private final NDManager manager;
    private final StateDict weights;
    private final ImageTransform transform;
    private final ResNetFpnBackbone backbone;
    private final RegionProposalNetwork rpn;
    private final RoiHeads roiHeads;
    private final boolean ownsManager;

    private MaskRcnn(MaskRcnnConfig config, ModelCheckpoint.Meta meta, NDManager manager, StateDict weights) {
        this(
                config,
                meta,
                manager,
                weights,
                Norm2d.Factory.frozen(config.bnEps()),
                RpnConfig.training(),
                RoiHeads.Sampling.defaults(),
                true);
    }

    private MaskRcnn(
            MaskRcnnConfig config,
            ModelCheckpoint.Meta meta,
            NDManager manager,
            StateDict weights,
            Norm2d.Factory norms,
            RpnConfig rpnTraining,
            RoiHeads.Sampling roiSampling,
            boolean ownsManager) {
        this.config = config;
        this.meta = meta;
        this.manager = manager;
        this.weights = weights;
        this.ownsManager = ownsManager;
        this.transform = new ImageTransform(
                config.minSize(), config.maxSize(), ImageTransform.IMAGENET_MEAN, ImageTransform.IMAGENET_STD, 32);
        this.backbone = new ResNetFpnBackbone(weights, "backbone", 50, norms);
        this.rpn = new RegionProposalNetwork(
                new RpnHead(weights, "rpn.head"), RpnConfig.testing(), rpnTraining, AnchorGenerator.fpnDefault());
        this.roiHeads = new RoiHeads(
                weights::get,
                config.hasMasks(),
                config.hasKeypoints(),
                new BoxPostprocessor(config.boxScoreThresh(), config.boxNmsThresh(), config.detectionsPerImage()),
                roiSampling);
    }

    /**
     * A model to train on weights the caller owns (their arrays are the model's parameters: gradients attached to
     * them reach the modules, updates in place are seen by the next pass).
     *
     * @param config the architecture and head sizes (its frozen batch norm eps is used unless {@code norms} says
     *     otherwise)
     * @param weights every state_dict tensor
     * @param norms the backbone's batch norms (frozen, or batch statistics when training from scratch)
     * @param rpnTraining the RPN's training settings (top-n, anchor sampling)
     * @param roiSampling the RoI heads' proposal sampling
     */
    public static MaskRcnn forTraining(
            MaskRcnnConfig config,
            StateDict weights,
            Norm2d.Factory norms,
            RpnConfig rpnTraining,
            RoiHeads.Sampling roiSampling) {
        return new MaskRcnn(config, null, weights.manager(), weights, norms, rpnTraining, roiSampling, false);
    }

    /**
     * Loads a model.
     *
     * @param file a torchvision state dict (.pth) or a MaskLab checkpoint
     * @param arch for a .pth: {@link MaskRcnnConfig#MASKRCNN} or {@link MaskRcnnConfig#KEYPOINTRCNN} (numbers of
     *     classes and keypoints are read from the weights); ignored for a checkpoint (null allowed)
     * @param overrides adjusts the configuration (score threshold, eps...), may be null
     * @param device where to run
     */
    public static MaskRcnn load(
            Path file, String arch, java.util.function.UnaryOperator<MaskRcnnConfig> overrides, Device device)
            throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            MaskRcnnConfig cfg;
            ModelCheckpoint.Meta meta;
            StateDict sd;
            if (ModelCheckpoint.isCheckpoint(file)) {
                ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(file, manager);
                meta = loaded.meta();
                sd = loaded.weights();
                cfg = meta.config();
            } else {
                if (arch == null) {
                    throw new CheckpointException(
                            file,
                            "a torchvision .pth needs --arch (" + MaskRcnnConfig.MASKRCNN + " or "
                                    + MaskRcnnConfig.KEYPOINTRCNN + ")");
                }
                sd = PthLoader.load(file, manager);
                cfg = MaskRcnnConfig.defaults(arch);
                if (sd.has(FAST_RCNN_CLS)) {
                    cfg = cfg.withNumClasses(
                            Math.toIntExact(sd.get(FAST_RCNN_CLS).getShape().get(0)));
                }
                if (cfg.hasKeypoints() && sd.has(KEYPOINT_DECONV)) {
                    cfg = cfg.withNumKeypoints(
                            Math.toIntExact(sd.get(KEYPOINT_DECONV).getShape().get(1)));
                }
                meta = null;
            }
            if (overrides != null) {
                cfg = overrides.apply(cfg);
            }
            validate(file, sd, cfg);
            return new MaskRcnn(cfg, meta, manager, sd);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    static final String FAST_RCNN_CLS = "roi_heads.box_predictor.cls_score.weight";
    static final String KEYPOINT_DECONV = "roi_heads.keypoint_predictor.kps_score_lowres.weight";

    /** Checks every key and shape of {@code sd} against the architecture; throws listing every problem. */
    static void validate(Path file, StateDict sd, MaskRcnnConfig cfg) throws IOException {
        Map<String, long[]> expected = expectedShapes(cfg);
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!sd.has(e.getKey())) {
                missing.add(e.getKey());
            } else {
                long[] actual = sd.get(e.getKey()).getShape().getShape();
                if (!Arrays.equals(actual, e.getValue())) {
                    mismatched.add(e.getKey() + " " + Arrays.toString(actual) + " (expected "
                            + Arrays.toString(e.getValue()) + ")");
                }
            }
        }
        // BatchNorm2d's step counters (a torchvision model built without pretrained weights, e.g. `masklab export`'s
        // output) play no part at inference
        List<String> unexpected = sd.keys().stream()
                .filter(k -> !expected.containsKey(k) && !k.endsWith(".num_batches_tracked"))
                .toList();
        if (missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder("weights do not fit " + cfg.arch() + " with " + cfg.numClasses()
                + " classes" + (cfg.hasKeypoints() ? " and " + cfg.numKeypoints() + " keypoints" : "") + ":");
        appendList(msg, "missing keys", missing);
        appendList(msg, "unexpected keys", unexpected);
        appendList(msg, "shape mismatches", mismatched);
        throw new CheckpointException(file, msg.toString());
    }

    private static void appendList(StringBuilder msg, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        msg.append("\n  ").append(items.size()).append(' ').append(what).append(':');
        int shown = Math.min(items.size(), 20);
        for (int i = 0; i < shown; i++) {
            msg.append("\n    ").append(items.get(i));
        }
        if (shown < items.size()) {
            msg.append("\n    ... and ").append(items.size() - shown).append(" more");
        }
    }

    /** Key -> shape of the architecture's state dict for the configured head sizes ({@link Architecture#shapes}). */
    static Map<String, long[]> expectedShapes(MaskRcnnConfig cfg) {
        return cfg.architecture().shapes(cfg.numClasses(), cfg.hasKeypoints() ? cfg.numKeypoints() : 0);
    }

    public MaskRcnnConfig config() {
        return config;
    }

    /** The checkpoint's metadata (class names, category ids), or null for a torchvision .pth. */
    public ModelCheckpoint.Meta meta() {
        return meta;
    }

    public StateDict weights() {
        return weights;
    }

    public ImageTransform transform() {
        return transform;
    }

    public ResNetFpnBackbone backbone() {
        return backbone;
    }

    public RegionProposalNetwork rpn() {
        return rpn;
    }

    public RoiHeads roiHeads() {
        return roiHeads;
    }

    public NDManager manager() {
        return manager;
    }

    /** Score threshold of the box branch (torchvision's box_score_thresh). */
    public void setScoreThreshold(float t) {
        roiHeads.setPostprocessor(new BoxPostprocessor(t, config.boxNmsThresh(), config.detectionsPerImage()));
    }

    /**
     * Detects objects in images given as (3, H, W) float arrays with values in [0, 1] (torchvision's to_tensor form).
     * Results are in each image's own coordinates.
     */
    public List<MaskRcnnOutput> detect(List<NDArray> images) {
        try (NDManager tmp = manager.newSubManager()) {
            List<NDArray> onDevice = new ArrayList<>();
            for (NDArray img : images) {
                onDevice.add(
                        img.getDevice().equals(manager.getDevice()) ? img : img.toDevice(manager.getDevice(), true));
            }
            ImageList batch = transform.apply(onDevice, tmp);
            Map<String, NDArray> features = backbone.forward(batch.tensors());
            List<MaskRcnnOutput> out = detectFromFeatures(batch, features);
            features.values().forEach(NDArray::close);
            return out;
        }
    }

    /**
     * The part of {@link #detect} after the backbone: proposals, RoI heads and scaling back to the original images.
     * Public so that parity tests can feed torchvision's own features.
     */
    public List<MaskRcnnOutput> detectFromFeatures(ImageList batch, Map<String, NDArray> features) {
        List<NDArray> proposals = rpn.proposals(batch, features);
        List<RoiHeadsOutput> heads = roiHeads.infer(features, proposals, batch.imageSizes());
        proposals.forEach(NDArray::close);
        List<MaskRcnnOutput> out = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            out.add(toOriginal(
                    heads.get(i),
                    batch.imageSizes().get(i),
                    batch.originalSizes().get(i)));
        }
        return out;
    }

    /**
     * The training path (torchvision's {@code GeneralizedRCNN.forward(images, targets)} in training mode): the
     * backbone, the RPN's training pass ({@link RegionProposalNetwork#forwardTraining}) and the RoI heads' losses
     * ({@link RoiHeads#losses}) on the batch. The images come resized, normalised and padded by the training data
     * pipeline (the transform's part of torchvision's forward), the targets in the resized images' pixels.
     *
     * @param images (B, 3, H, W) padded batch
     * @param targets per image its ground truth (its size is the image's unpadded size)
     * @param random source of the anchor and proposal sampling
     * @return loss_classifier, loss_box_reg, loss_mask or loss_keypoint, loss_objectness, loss_rpn_box_reg
     *     (differentiable)
     */
    public Map<String, NDArray> losses(NDArray images, List<Targets> targets, Random random) {
        Map<String, NDArray> features = backbone.forward(images);
        RegionProposalNetwork.TrainingOutput rpnOut =
                rpn.forwardTraining(batch(images, targets), features, gtBoxes(targets), random);
        Map<String, NDArray> losses = roiHeads.losses(features, rpnOut.proposals(), targets, random);
        losses.put("loss_objectness", rpnOut.loss().objectness());
        losses.put("loss_rpn_box_reg", rpnOut.loss().boxRegression());
        return losses;
    }

    /** Only the RPN's two loss terms of {@link #losses} (backbone and RPN), e.g. to check inputs cheaply. */
    public Map<String, NDArray> rpnLosses(NDArray images, List<Targets> targets, Random random) {
        Map<String, NDArray> features = backbone.forward(images);
        RpnLoss loss = rpn.forwardTraining(batch(images, targets), features, gtBoxes(targets), random)
                .loss();
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("loss_objectness", loss.objectness());
        out.put("loss_rpn_box_reg", loss.boxRegression());
        return out;
    }

    private static ImageList batch(NDArray images, List<Targets> targets) {
        List<int[]> sizes = new ArrayList<>();
        for (Targets t : targets) {
            sizes.add(new int[] {t.height(), t.width()});
        }
        return new ImageList(images, sizes, sizes);
    }

    private static List<float[]> gtBoxes(List<Targets> targets) {
        List<float[]> out = new ArrayList<>();
        for (Targets t : targets) {
            out.add(t.boxes());
        }
        return out;
    }

    /**
     * Box prompts on one image whose features are computed: each box (xyxy in the ORIGINAL image) is scaled into the
     * resized image as torchvision's {@code resize_boxes} does (float32 ratio resized / original), then treated as a
     * detection by {@link RoiHeads#inferOnBoxes} (class given or the box head's best, score its softmax probability,
     * masks / keypoints on the box), and the result is mapped back as {@code transform.postprocess} does (boxes and
     * keypoints scaled by original / resized; masks are pasted from the output with those boxes).
     *
     * @param batch the transformed image (one image; sizes only are used)
     * @param features the image's FPN features (see {@link RoiHeads#inferOnBoxes})
     * @param boxesXyxy flat xyxy boxes in the original image (K x 4)
     * @param labels per box the class, or 0 for the box head's best
     * @return detections in input order, in the original image's coordinates
     */
    public MaskRcnnOutput promptFromFeatures(
            ImageList batch, MultiScaleRoiAlign.HeapFeatures features, float[] boxesXyxy, int[] labels) {
        int[] resized = batch.imageSizes().get(0);
        int[] original = batch.originalSizes().get(0);
        float rh = (float) resized[0] / (float) original[0];
        float rw = (float) resized[1] / (float) original[1];
        float[] boxes = boxesXyxy.clone();
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] *= rw;
            boxes[i + 1] *= rh;
            boxes[i + 2] *= rw;
            boxes[i + 3] *= rh;
        }
        return toOriginal(roiHeads.inferOnBoxes(features, boxes, labels, resized), resized, original);
    }

    /** torchvision's transform.postprocess: boxes and keypoints scaled by original / resized (float32). */
    static MaskRcnnOutput toOriginal(RoiHeadsOutput h, int[] resizedHW, int[] originalHW) {
        float rh = (float) originalHW[0] / (float) resizedHW[0];
        float rw = (float) originalHW[1] / (float) resizedHW[1];
        Detections d = h.detections();
        float[] boxes = d.boxes().clone();
        for (int i = 0; i < boxes.length; i += 4) {
            boxes[i] *= rw;
            boxes[i + 1] *= rh;
            boxes[i + 2] *= rw;
            boxes[i + 3] *= rh;
        }
        float[] kps = null;
        float[] kpScores = null;
        int nk = 0;
        if (h.hasKeypoints()) {
            kps = h.keypoints().xyv().clone();
            for (int i = 0; i < kps.length; i += 3) {
                kps[i] *= rw;
                kps[i + 1] *= rh;
            }
            kpScores = h.keypoints().scores();
            nk = h.keypoints().numKeypoints();
        }
        return new MaskRcnnOutput(
                originalHW[0],
                originalHW[1],
                new Detections(boxes, d.scores(), d.labels()),
                h.maskProbs(),
                h.maskSize(),
                kps,
                kpScores,
                nk);
    }

    /**
     * Saves this model as a MaskLab checkpoint (config, class names, category id per label, settings, all weights).
     * A checkpoint loaded from a file keeps its class map when {@code classes} / {@code categoryIds} are null.
     */
    public void save(Path file, List<String> classes, List<Long> categoryIds, Map<String, Object> settings)
            throws IOException {
        List<String> c = classes != null ? classes : meta != null ? meta.classes() : List.of();
        List<Long> ids = categoryIds != null ? categoryIds : meta != null ? meta.categoryIds() : List.of();
        Map<String, Object> st = settings != null ? settings : meta != null ? meta.settings() : Map.of();
        ModelCheckpoint.save(file, new ModelCheckpoint.Meta(config, c, ids, st), weights.asMap());
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}
