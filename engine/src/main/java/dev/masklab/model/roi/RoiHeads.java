package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.masklab.model.Targets;
import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.Matcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * torchvision's {@code RoIHeads} for Mask R-CNN / Keypoint R-CNN: the box branch (RoI Align 7x7 on the FPN levels
 * "0".."3", {@link TwoMlpHead}, {@link FastRcnnPredictor}, {@link BoxPostprocessor}), then the mask branch
 * (RoI Align 14x14, {@link MaskRcnnHeads}, {@link MaskRcnnPredictor}, sigmoid of the detected class) and/or the
 * keypoint branch (RoI Align 14x14, {@link KeypointRcnnHeads}, {@link KeypointRcnnPredictor},
 * {@link HeatmapsToKeypoints}) on the detected boxes.
 *
 * <p>Box prompts: {@link #inferOnBoxes} runs the same heads on given boxes treated as detections (class from the box
 * head or given, no box regression).
 *
 * <p>Training ({@link #losses}, torchvision's {@code RoIHeads.forward} with targets): the proposals with the ground
 * truth appended are matched and sampled ({@link ProposalTargets}), the box branch runs on them ({@link FastRcnnLoss}),
 * the mask branch ({@link MaskTargets}, {@link MaskLoss}) and / or keypoint branch ({@link KeypointTargets},
 * {@link KeypointLoss}) on the foreground ones. {@link #boxLogits}, {@link #maskLogits} and {@link #keypointLogits}
 * are the branches on any RoIs (the parity tests compare them with torchvision's).
 */
public final class RoiHeads {
    public static final List<String> FEATURE_NAMES = List.of("0", "1", "2", "3");

    private final MultiScaleRoiAlign boxRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 7, 2);
    private final MultiScaleRoiAlign maskRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 14, 2);
    private final MultiScaleRoiAlign keypointRoiPool = new MultiScaleRoiAlign(FEATURE_NAMES, 14, 2);
    private final TwoMlpHead boxHead;
    private final FastRcnnPredictor boxPredictor;
    private final MaskRcnnHeads maskHead;
    private final MaskRcnnPredictor maskPredictor;
    private final KeypointRcnnHeads keypointHead;
    private final KeypointRcnnPredictor keypointPredictor;
    private volatile BoxPostprocessor postprocessor;
    private final Sampling sampling;
    private boolean recordKeypointInputs;
    private KeypointLossInputs keypointInputs;

    /**
     * How training samples the proposals of each image (torchvision's {@code box_batch_size_per_image} and
     * {@code box_positive_fraction}).
     */
    public record Sampling(int batchPerImage, float positiveFraction) {
        /** torchvision's defaults: 512 proposals per image, at most a quarter positive. */
        public static Sampling defaults() {
            return new Sampling(ProposalTargets.BATCH_PER_IMAGE, ProposalTargets.POSITIVE_FRACTION);
        }
    }

    /**
     * What the keypoint loss of the last {@link #losses} call was computed from (recorded only after
     * {@link #recordKeypointInputs()}; for the parity test, which judges heatmap-cell ties with it).
     *
     * @param keypoints (P, K, 3) ground truth matched to each positive proposal
     * @param rois (P, 4) positive proposals
     * @param logits (P, K, S, S) keypoint logits, detached
     */
    public record KeypointLossInputs(float[] keypoints, float[] rois, float[] logits, int numKeypoints, int size) {}

    /**
     * @param weights parameters by full torchvision key
     * @param withMasks build the mask branch
     * @param withKeypoints build the keypoint branch
     * @param postprocessor score / NMS / top-k settings of the box branch
     */
    public RoiHeads(
            Function<String, NDArray> weights,
            boolean withMasks,
            boolean withKeypoints,
            BoxPostprocessor postprocessor) {
        this(weights, withMasks, withKeypoints, postprocessor, Sampling.defaults());
    }

    /** As above with the proposal sampling of {@link #losses}. */
    public RoiHeads(
            Function<String, NDArray> weights,
            boolean withMasks,
            boolean withKeypoints,
            BoxPostprocessor postprocessor,
            Sampling sampling) {
        this.sampling = sampling;
        this.boxHead = new TwoMlpHead(weights);
        this.boxPredictor = new FastRcnnPredictor(weights);
        this.maskHead = withMasks ? new MaskRcnnHeads(weights) : null;
        this.maskPredictor = withMasks ? new MaskRcnnPredictor(weights) : null;
        this.keypointHead = withKeypoints ? new KeypointRcnnHeads(weights) : null;
        this.keypointPredictor = withKeypoints ? new KeypointRcnnPredictor(weights) : null;
        this.postprocessor = postprocessor;
    }

    public boolean hasMasks() {
        return maskHead != null;
    }

    public boolean hasKeypoints() {
        return keypointHead != null;
    }

    public BoxPostprocessor postprocessor() {
        return postprocessor;
    }

    public void setPostprocessor(BoxPostprocessor postprocessor) {
        this.postprocessor = postprocessor;
    }

    public TwoMlpHead boxHead() {
        return boxHead;
    }

    public FastRcnnPredictor boxPredictor() {
        return boxPredictor;
    }

    /** All parameters of the heads by full torchvision key. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.putAll(boxHead.parameters());
        p.putAll(boxPredictor.parameters());
        if (maskHead != null) {
            p.putAll(maskHead.parameters());
            p.putAll(maskPredictor.parameters());
        }
        if (keypointHead != null) {
            p.putAll(keypointHead.parameters());
            p.putAll(keypointPredictor.parameters());
        }
        return p;
    }

    // ------------------------------------------------------------------ differentiable forward passes (training hook)

    /** Box branch on RoIs of each image -> [class_logits (sumK, C), box_regression (sumK, 4C)]. */
    public NDList boxLogits(Map<String, NDArray> features, List<NDArray> roisPerImage, List<int[]> imageSizesHW) {
        return boxBranch(boxRoiPool.apply(features, roisPerImage, imageSizesHW));
    }

    /** Box head and predictor on pooled (K, 256, 7, 7) features (closed here) -> [class_logits, box_regression]. */
    private NDList boxBranch(NDArray pooled) {
        NDArray rep = boxHead.forward(pooled);
        pooled.close();
        NDList out = boxPredictor.forward(rep);
        rep.close();
        return out;
    }

    /** Mask branch on RoIs of each image -> mask logits (sumK, numClasses, 28, 28). */
    public NDArray maskLogits(Map<String, NDArray> features, List<NDArray> roisPerImage, List<int[]> imageSizesHW) {
        requireBranch(maskHead, "mask");
        return maskBranch(maskRoiPool.apply(features, roisPerImage, imageSizesHW));
    }

    /**
     * Inference: mask head and predictor on pooled (K, 256, 14, 14) features (closed here) -> the logits of each RoI's
     * label, (K, 1, 28, 28) ({@link MaskRcnnPredictor#forwardForLabels}).
     */
    private NDArray maskBranch(NDArray pooled, int[] labels) {
        NDArray h = maskHead.forward(pooled);
        pooled.close();
        NDArray logits = maskPredictor.forwardForLabels(h, labels);
        h.close();
        return logits;
    }

    /** Mask head and predictor on pooled (K, 256, 14, 14) features (closed here) -> (K, numClasses, 28, 28). */
    private NDArray maskBranch(NDArray pooled) {
        NDArray h = maskHead.forward(pooled);
        pooled.close();
        NDArray logits = maskPredictor.forward(h);
        h.close();
        return logits;
    }

    /** Keypoint branch on RoIs of each image -> heatmap logits (sumK, numKeypoints, 56, 56). */
    public NDArray keypointLogits(Map<String, NDArray> features, List<NDArray> roisPerImage, List<int[]> imageSizesHW) {
        requireBranch(keypointHead, "keypoint");
        return keypointBranch(keypointRoiPool.apply(features, roisPerImage, imageSizesHW));
    }

    /** Keypoint head and predictor on pooled (K, 256, 14, 14) features (closed here) -> (K, numKeypoints, 56, 56). */
    private NDArray keypointBranch(NDArray pooled) {
        NDArray h = keypointHead.forward(pooled);
        pooled.close();
        NDArray logits = keypointPredictor.forward(h);
        h.close();
        return logits;
    }

    private static void requireBranch(Object head, String what) {
        if (head == null) {
            throw new IllegalStateException("this model has no " + what + " branch");
        }
    }

    // ------------------------------------------------------------------ training

    /** Records the inputs of the keypoint loss of each {@link #losses} call (see {@link #keypointInputs()}). */
    public void recordKeypointInputs() {
        recordKeypointInputs = true;
    }

    /** The keypoint loss inputs of the last {@link #losses} call, when recorded. */
    public KeypointLossInputs keypointInputs() {
        return keypointInputs;
    }

    /**
     * The training path: the loss terms of the heads on a batch (loss_classifier, loss_box_reg, then loss_mask or
     * loss_keypoint), differentiable with respect to the heads' weights and the features. Intermediate arrays are
     * attached to the features' manager.
     *
     * @param features FPN maps by name, (B, 256, H, W) each
     * @param proposals per image the RPN's proposals, flat x1 y1 x2 y2 (the ground truth is appended here)
     * @param targets per image its ground truth
     * @param random source of the proposal sampling
     */
    public Map<String, NDArray> losses(
            Map<String, NDArray> features, List<float[]> proposals, List<Targets> targets, Random random) {
        NDManager m = features.values().iterator().next().getManager();
        List<int[]> sizes = new ArrayList<>();
        for (Targets t : targets) {
            sizes.add(new int[] {t.height(), t.width()});
        }
        BalancedPositiveNegativeSampler sampler =
                new BalancedPositiveNegativeSampler(sampling.batchPerImage(), sampling.positiveFraction(), random);
        Matcher matcher = ProposalTargets.defaultMatcher();
        BoxCoder coder = ProposalTargets.defaultCoder();
        List<ProposalTargets> sampled = new ArrayList<>();
        List<float[]> sampledBoxes = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Targets t = targets.get(i);
            ProposalTargets p =
                    ProposalTargets.compute(proposals.get(i), t.boxes(), t.labels(), matcher, sampler, coder);
            sampled.add(p);
            sampledBoxes.add(p.proposals());
        }
        NDArray rep = boxHead.forward(boxRoiPool.apply(features, boxes(sampledBoxes, m), sizes));
        NDList pred = boxPredictor.forward(rep);
        FastRcnnLoss boxLoss = FastRcnnLoss.compute(pred.get(0), pred.get(1), sampled);
        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("loss_classifier", boxLoss.classifier());
        losses.put("loss_box_reg", boxLoss.boxRegression());

        // the foreground proposals of every image, in order, with their matched ground truth
        List<float[]> posBoxes = new ArrayList<>();
        List<int[]> posMatched = new ArrayList<>();
        int totalPos = 0;
        for (ProposalTargets t : sampled) {
            int[] pos = t.positives();
            float[] b = new float[4 * pos.length];
            int[] matched = new int[pos.length];
            for (int j = 0; j < pos.length; j++) {
                System.arraycopy(t.proposals(), 4 * pos[j], b, 4 * j, 4);
                matched[j] = t.matchedGt()[pos[j]];
            }
            posBoxes.add(b);
            posMatched.add(matched);
            totalPos += pos.length;
        }
        if (maskHead != null) {
            NDArray logits =
                    maskPredictor.forward(maskHead.forward(maskRoiPool.apply(features, boxes(posBoxes, m), sizes)));
            int size = Math.toIntExact(logits.getShape().get(2));
            int[] labels = new int[totalPos];
            float[] maskTargets = new float[totalPos * size * size];
            int o = 0;
            for (int i = 0; i < targets.size(); i++) {
                Targets t = targets.get(i);
                int[] matched = posMatched.get(i);
                float[] mt = MaskTargets.compute(t.masks(), t.height(), t.width(), posBoxes.get(i), matched, size);
                System.arraycopy(mt, 0, maskTargets, o * size * size, mt.length);
                for (int j = 0; j < matched.length; j++) {
                    labels[o + j] = t.labels()[matched[j]];
                }
                o += matched.length;
            }
            losses.put("loss_mask", MaskLoss.compute(logits, labels, maskTargets));
        }
        if (keypointHead != null) {
            NDArray logits = keypointPredictor.forward(
                    keypointHead.forward(keypointRoiPool.apply(features, boxes(posBoxes, m), sizes)));
            int nk = keypointPredictor.numKeypoints();
            int size = Math.toIntExact(logits.getShape().get(2));
            float[] kps = new float[totalPos * nk * 3];
            float[] rois = new float[totalPos * 4];
            int o = 0;
            for (int i = 0; i < targets.size(); i++) {
                Targets t = targets.get(i);
                int[] matched = posMatched.get(i);
                for (int j = 0; j < matched.length; j++) {
                    System.arraycopy(t.keypoints(), matched[j] * nk * 3, kps, (o + j) * nk * 3, nk * 3);
                }
                System.arraycopy(posBoxes.get(i), 0, rois, 4 * o, posBoxes.get(i).length);
                o += matched.length;
            }
            if (recordKeypointInputs) {
                keypointInputs =
                        new KeypointLossInputs(kps, rois, logits.stopGradient().toFloatArray(), nk, size);
            }
            losses.put("loss_keypoint", KeypointLoss.compute(logits, KeypointTargets.compute(kps, rois, nk, size)));
        }
        return losses;
    }

    private static List<NDArray> boxes(List<float[]> perImage, NDManager m) {
        List<NDArray> out = new ArrayList<>();
        for (float[] b : perImage) {
            out.add(m.create(b, new Shape(b.length / 4, 4)));
        }
        return out;
    }

    // ------------------------------------------------------------------ inference

    /**
     * Inference for a batch: the box branch on the proposals, then the mask / keypoint branches on the detections.
     * Temporary arrays live on a sub-manager of the features' manager and are freed before returning.
     *
     * @param features FPN maps by name, (B, 256, H, W) each
     * @param proposals per image (K_i, 4) xyxy in the resized image
     * @param imageSizesHW per image {h, w} of the resized (unpadded) image
     */
    public List<RoiHeadsOutput> infer(
            Map<String, NDArray> features, List<NDArray> proposals, List<int[]> imageSizesHW) {
        NDManager parent = features.values().iterator().next().getManager();
        try (NDManager tmp = parent.newSubManager()) {
            for (NDArray p : proposals) {
                p.tempAttach(tmp);
            }
            for (NDArray f : features.values()) {
                f.tempAttach(tmp);
            }
            List<Detections> dets = new ArrayList<>();
            NDList logits = boxLogits(features, proposals, imageSizesHW);
            logits.attach(tmp);
            long start = 0;
            BoxPostprocessor post = postprocessor;
            for (int i = 0; i < proposals.size(); i++) {
                long k = proposals.get(i).getShape().get(0);
                NDArray cl = logits.get(0).get(new NDIndex("{}:{}", start, start + k));
                NDArray br = logits.get(1).get(new NDIndex("{}:{}", start, start + k));
                dets.add(post.apply(
                        cl,
                        br,
                        proposals.get(i),
                        imageSizesHW.get(i)[0],
                        imageSizesHW.get(i)[1]));
                start += k;
            }
            List<NDArray> detBoxes = new ArrayList<>();
            for (Detections d : dets) {
                detBoxes.add(tmp.create(d.boxes(), new Shape(d.size(), 4)));
            }
            return onDetections(
                    dets,
                    detBoxes,
                    (boxes, labels) -> maskBranch(maskRoiPool.apply(features, boxes, imageSizesHW), labels),
                    boxes -> keypointLogits(features, boxes, imageSizesHW),
                    tmp);
        }
    }

    /**
     * The mask / keypoint stage of inference on the detections of each image (boxes in the resized images):
     * {@code maskLogits} / {@code keypointLogits} run the branch on the boxes given per image.
     */
    private List<RoiHeadsOutput> onDetections(
            List<Detections> dets,
            List<NDArray> detBoxes,
            java.util.function.BiFunction<List<NDArray>, int[], NDArray> maskLogits,
            Function<List<NDArray>, NDArray> keypointLogits,
            NDManager tmp) {
        int total = dets.stream().mapToInt(Detections::size).sum();
        List<float[]> masks = new ArrayList<>();
        int maskSize = 0;
        if (maskHead != null) {
            if (total > 0) {
                int[] labels = new int[total];
                int at = 0;
                for (Detections d : dets) {
                    System.arraycopy(d.labels(), 0, labels, at, d.size());
                    at += d.size();
                }
                NDArray ml = maskLogits.apply(detBoxes, labels); // (total, 1, S, S): each detection's own class
                ml.attach(tmp);
                maskSize = Math.toIntExact(ml.getShape().get(2));
                int plane = maskSize * maskSize;
                float[] probs =
                        Activation.sigmoid(ml).toType(DataType.FLOAT32, false).toFloatArray();
                int row = 0;
                for (Detections d : dets) {
                    masks.add(java.util.Arrays.copyOfRange(probs, row * plane, (row + d.size()) * plane));
                    row += d.size();
                }
            } else {
                maskSize = 28;
                dets.forEach(d -> masks.add(new float[0]));
            }
        }
        List<HeatmapsToKeypoints.Result> kps = new ArrayList<>();
        if (keypointHead != null) {
            if (total > 0) {
                NDArray kl = keypointLogits.apply(detBoxes);
                kl.attach(tmp);
                long s = 0;
                for (Detections d : dets) {
                    NDArray part = kl.get(new NDIndex("{}:{}", s, s + d.size()));
                    kps.add(HeatmapsToKeypoints.apply(part, d.boxes()));
                    s += d.size();
                }
            } else {
                int nk = keypointPredictor.numKeypoints();
                dets.forEach(d -> kps.add(new HeatmapsToKeypoints.Result(new float[0], new float[0], nk)));
            }
        }
        List<RoiHeadsOutput> out = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            out.add(new RoiHeadsOutput(
                    dets.get(i),
                    maskHead != null ? masks.get(i) : null,
                    maskSize,
                    keypointHead != null ? kps.get(i) : null));
        }
        return out;
    }

    // ------------------------------------------------------------------ box prompts

    /**
     * The heads on given boxes of one image, each box treated as a detection of its class (what torchvision computes
     * when the box replaces the post-processed detections; no box regression, no score threshold, no NMS): the box
     * branch gives each box's class probabilities (softmax of the class logits); its label is {@code labels[i]} when
     * that is >= 1, else the best non-background class (the first maximum); its score is the probability of that
     * label. The mask / keypoint branches then run on the boxes exactly as in {@link #infer}. Never differentiable.
     *
     * @param features FPN maps of ONE image ((1, 256, H, W) each), copied to the heap once and reused across calls
     * @param boxes flat xyxy boxes (K x 4) in the resized image, the detections' boxes in the output
     * @param labels per box the class (1..numClasses-1), or 0 for the box head's best class
     * @param imageSizeHW the resized (unpadded) image size {h, w}
     * @return the detections (boxes as given, in input order, not sorted by score) with masks / keypoints
     */
    public RoiHeadsOutput inferOnBoxes(
            MultiScaleRoiAlign.HeapFeatures features, float[] boxes, int[] labels, int[] imageSizeHW) {
        int k = labels.length;
        if (boxes.length != 4 * k) {
            throw new IllegalArgumentException(boxes.length / 4 + " boxes but " + k + " labels");
        }
        int c = boxPredictor.numClasses();
        for (int label : labels) {
            if (label < 0 || label >= c) {
                throw new IllegalArgumentException("label " + label + " outside 1.." + (c - 1));
            }
        }
        NDManager parent = features.arrays().values().iterator().next().getManager();
        try (NDManager tmp = parent.newSubManager()) {
            for (NDArray f : features.arrays().values()) {
                f.tempAttach(tmp);
            }
            List<int[]> sizes = List.<int[]>of(imageSizeHW);
            List<NDArray> boxList = List.of(tmp.create(boxes, new Shape(k, 4)));
            float[] probs;
            try (NDList logits = boxBranch(boxRoiPool.apply(features, boxList, sizes));
                    NDArray p = logits.get(0).softmax(-1)) {
                probs = p.toType(DataType.FLOAT32, false).toFloatArray();
            }
            int[] chosen = new int[k];
            float[] scores = new float[k];
            for (int i = 0; i < k; i++) {
                int best = labels[i];
                if (best < 1) {
                    best = 1;
                    for (int j = 2; j < c; j++) {
                        if (probs[i * c + j] > probs[i * c + best]) {
                            best = j;
                        }
                    }
                }
                chosen[i] = best;
                scores[i] = probs[i * c + best];
            }
            Detections dets = new Detections(boxes.clone(), scores, chosen);
            return onDetections(
                            List.of(dets),
                            boxList,
                            (b, l) -> maskBranch(maskRoiPool.apply(features, b, sizes), l),
                            b -> keypointBranch(keypointRoiPool.apply(features, b, sizes)),
                            tmp)
                    .get(0);
        }
    }
}
