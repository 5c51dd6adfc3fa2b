package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.masklab.model.Architecture;
import dev.masklab.model.backbone.BatchNorm2d;
import dev.masklab.model.backbone.Norm2d;
import dev.masklab.model.backbone.ResNetFpnBackbone;
import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.Matcher;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.roi.FastRcnnPredictor;
import dev.masklab.model.roi.KeypointRcnnHeads;
import dev.masklab.model.roi.KeypointRcnnPredictor;
import dev.masklab.model.roi.MaskRcnnHeads;
import dev.masklab.model.roi.MaskRcnnPredictor;
import dev.masklab.model.roi.MultiScaleRoiAlign;
import dev.masklab.model.roi.TwoMlpHead;
import dev.masklab.model.rpn.AnchorGenerator;
import dev.masklab.model.rpn.RegionProposalNetwork;
import dev.masklab.model.rpn.RpnConfig;
import dev.masklab.model.rpn.RpnHead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training forward pass of torchvision's Mask R-CNN / Keypoint R-CNN (R50-FPN) on a weights map: the
 * engine's backbone and RPN head, with {@link RegionProposalNetwork#filterProposals}, give proposals (training top-n before / after NMS from the
 * config) and the RPN losses ({@link RpnTargets}, {@link RpnLoss}); the RoI heads sample proposals with
 * the ground truth appended ({@link ProposalTargets}), run the engine's box head and predictor
 * ({@link FastRcnnLoss}) and, on the foreground proposals, the mask head ({@link MaskTargets},
 * {@link MaskLoss}) or keypoint head ({@link KeypointTargets}, {@link KeypointLoss}).
 */
public final class MaskRcnnTraining implements DetectorTraining {
    public static final int MASK_SIZE = 28;
    public static final int HEATMAP_SIZE = 56;

    private final Architecture arch;
    private final Map<String, NDArray> weights;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final int numClasses;
    private final int numKeypoints;
    private final TrainingConfig config;
    private final float frozenBnEps;
    private final AnchorGenerator anchors = AnchorGenerator.fpnDefault();
    private final ResNetFpnBackbone backbone;
    private final RpnHead rpnHead;
    private final MultiScaleRoiAlign boxPool = new MultiScaleRoiAlign(List.of("0", "1", "2", "3"), 7, 2);
    private final MultiScaleRoiAlign headPool = new MultiScaleRoiAlign(List.of("0", "1", "2", "3"), 14, 2);
    private boolean recordKeypointInputs;
    private KeypointLossInputs keypointInputs;

    /**
     * What the keypoint loss of the last {@link #losses} call was computed from (recorded only after
     * {@link #recordKeypointInputs()}; for the parity test, which judges heatmap-cell ties with it).
     *
     * @param keypoints (P, K, 3) ground truth matched to each positive proposal
     * @param rois (P, 4) positive proposals
     * @param logits (P, K, S, S) keypoint logits, detached
     */
    record KeypointLossInputs(float[] keypoints, float[] rois, float[] logits, int numKeypoints, int size) {}

    void recordKeypointInputs() {
        recordKeypointInputs = true;
    }

    KeypointLossInputs keypointInputs() {
        return keypointInputs;
    }

    /**
     * @param weights every state_dict tensor (moved to {@code manager}'s ownership; trained ones get gradients)
     */
    public MaskRcnnTraining(
            Architecture arch,
            Map<String, NDArray> weights,
            int numClasses,
            int numKeypoints,
            TrainingConfig config,
            NDManager manager) {
        this(arch, weights, numClasses, numKeypoints, config, manager, config.frozenBnEps());
    }

    /** As above with the frozen batch norms' epsilon (0 for torchvision's legacy COCO checkpoints). */
    public MaskRcnnTraining(
            Architecture arch,
            Map<String, NDArray> weights,
            int numClasses,
            int numKeypoints,
            TrainingConfig config,
            NDManager manager,
            float frozenBnEps) {
        this.arch = arch;
        this.numClasses = numClasses;
        this.numKeypoints = numKeypoints;
        this.config = config;
        this.frozenBnEps = frozenBnEps;
        Map<String, long[]> shapes = arch.shapes(numClasses, numKeypoints);
        this.weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            NDArray a = weights.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("weights lack '" + e.getKey() + "' of " + arch.cliName());
            }
            if (!java.util.Arrays.equals(a.getShape().getShape(), e.getValue())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' has shape " + a.getShape() + ", expected "
                        + new ai.djl.ndarray.types.Shape(e.getValue()));
            }
            NDArray t = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
            t.attach(manager);
            this.weights.put(e.getKey(), t);
            if (Architecture.isTrainable(e.getKey(), config.trainableBackboneLayers(), config.trainBatchNorm())) {
                t.setRequiresGradient(true);
                trainable.put(e.getKey(), t);
            }
        }
        StateDict sd = new StateDict(manager, this.weights, arch.cliName() + " in training");
        this.backbone = new ResNetFpnBackbone(
                sd,
                "backbone",
                50,
                config.trainBatchNorm() ? BatchNorm2d.factory(frozenBnEps) : Norm2d.Factory.frozen(frozenBnEps));
        this.rpnHead = new RpnHead(sd, "rpn.head");
    }

    @Override
    public Map<String, NDArray> weights() {
        return weights;
    }

    @Override
    public Map<String, NDArray> trainable() {
        return trainable;
    }

    public Architecture arch() {
        return arch;
    }

    @Override
    public Map<String, NDArray> losses(List<TrainingSample> batch, Random random, NDManager manager) {
        return losses(batch, random, manager, false);
    }

    /** The backbone's forward pass on a batch (batch norms in training mode update their running statistics). */
    public void backboneForward(List<TrainingSample> batch, NDManager manager) {
        backbone.forward(TrainingBatches.batchImages(batch, manager));
    }

    /** Only the RPN's two loss terms (backbone and RPN forward), e.g. to check inputs cheaply. */
    public Map<String, NDArray> rpnLosses(List<TrainingSample> batch, Random random, NDManager manager) {
        return losses(batch, random, manager, true);
    }

    private Map<String, NDArray> losses(List<TrainingSample> batch, Random random, NDManager manager, boolean rpnOnly) {
        NDArray images = TrainingBatches.batchImages(batch, manager);
        long padH = images.getShape().get(2);
        long padW = images.getShape().get(3);
        List<int[]> sizes = new ArrayList<>();
        for (TrainingSample s : batch) {
            sizes.add(new int[] {s.height(), s.width()});
        }
        Map<String, NDArray> features = backbone.forward(images);

        // ---- RPN
        List<NDArray> levels = new ArrayList<>();
        for (String name : List.of("0", "1", "2", "3", "pool")) {
            levels.add(features.get(name));
        }
        RpnHead.Output head = rpnHead.forward(levels);
        List<long[]> featureSizes = new ArrayList<>();
        for (NDArray o : head.objectness()) {
            featureSizes.add(new long[] {o.getShape().get(2), o.getShape().get(3)});
        }
        float[] anchorArr = anchors.anchorsArray(featureSizes, new long[] {padH, padW});
        long[] perLevel = new long[featureSizes.size()];
        for (int l = 0; l < perLevel.length; l++) {
            perLevel[l] = featureSizes.get(l)[0]
                    * featureSizes.get(l)[1]
                    * head.objectness().get(l).getShape().get(1);
        }
        NDArray[] flat = RpnProposals.flattenPredictions(head.objectness(), head.deltas());
        NDArray objectness = flat[0];
        NDArray deltas = flat[1];
        int a = anchorArr.length / 4;
        float[] objAll = objectness.stopGradient().toFloatArray();
        float[] deltaAll = deltas.stopGradient().toFloatArray();
        List<float[]> proposals = new ArrayList<>();
        List<RpnTargets> rpnTargets = new ArrayList<>();
        Matcher rpnMatcher = RpnTargets.defaultMatcher();
        BoxCoder rpnCoder = new BoxCoder(new double[] {1, 1, 1, 1});
        RpnConfig proposalConfig = RpnConfig.training().withTopN(config.rpnPreNmsTopN(), config.rpnPostNmsTopN());
        for (int i = 0; i < batch.size(); i++) {
            proposals.add(
                    RegionProposalNetwork.filterProposals(
                            objAll, deltaAll, i * a, anchorArr, perLevel, sizes.get(i), proposalConfig, rpnCoder)[0]);
            rpnTargets.add(RpnTargets.compute(anchorArr, batch.get(i).boxes(), rpnMatcher, rpnCoder));
        }
        RpnLoss rpnLoss = RpnLoss.compute(
                objectness,
                deltas,
                rpnTargets,
                new BalancedPositiveNegativeSampler(config.rpnBatchPerImage(), config.rpnPositiveFraction(), random));
        if (rpnOnly) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            out.put("loss_objectness", rpnLoss.objectness());
            out.put("loss_rpn_box_reg", rpnLoss.boxRegression());
            return out;
        }

        // ---- RoI heads
        BalancedPositiveNegativeSampler roiSampler =
                new BalancedPositiveNegativeSampler(config.boxBatchPerImage(), config.boxPositiveFraction(), random);
        Matcher roiMatcher = ProposalTargets.defaultMatcher();
        BoxCoder roiCoder = ProposalTargets.defaultCoder();
        List<ProposalTargets> sampled = new ArrayList<>();
        List<float[]> sampledBoxes = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            TrainingSample s = batch.get(i);
            ProposalTargets t =
                    ProposalTargets.compute(proposals.get(i), s.boxes(), s.labels(), roiMatcher, roiSampler, roiCoder);
            sampled.add(t);
            sampledBoxes.add(t.proposals());
        }
        NDArray boxFeatures = boxPool.apply(features, nd(sampledBoxes, manager), sizes);
        NDArray rep = new TwoMlpHead(weights::get).forward(boxFeatures);
        NDList pred = new FastRcnnPredictor(weights::get).forward(rep);
        FastRcnnLoss boxLoss = FastRcnnLoss.compute(pred.get(0), pred.get(1), sampled);

        Map<String, NDArray> losses = new LinkedHashMap<>();
        losses.put("loss_classifier", boxLoss.classifier());
        losses.put("loss_box_reg", boxLoss.boxRegression());

        // foreground proposals of every image, in order
        List<float[]> posBoxes = new ArrayList<>();
        List<int[]> posMatched = new ArrayList<>();
        int totalPos = 0;
        for (ProposalTargets t : sampled) {
            int[] pos = t.positives();
            float[] b = new float[4 * pos.length];
            int[] mIdx = new int[pos.length];
            for (int j = 0; j < pos.length; j++) {
                System.arraycopy(t.proposals(), 4 * pos[j], b, 4 * j, 4);
                mIdx[j] = t.matchedGt()[pos[j]];
            }
            posBoxes.add(b);
            posMatched.add(mIdx);
            totalPos += pos.length;
        }
        if (arch.hasMasks()) {
            NDArray maskFeatures = headPool.apply(features, nd(posBoxes, manager), sizes);
            NDArray logits =
                    new MaskRcnnPredictor(weights::get).forward(new MaskRcnnHeads(weights::get).forward(maskFeatures));
            int[] labels = new int[totalPos];
            float[] targets = new float[totalPos * MASK_SIZE * MASK_SIZE];
            int o = 0;
            for (int i = 0; i < batch.size(); i++) {
                TrainingSample s = batch.get(i);
                int[] mIdx = posMatched.get(i);
                float[] t = MaskTargets.compute(s.masks(), s.height(), s.width(), posBoxes.get(i), mIdx, MASK_SIZE);
                System.arraycopy(t, 0, targets, o * MASK_SIZE * MASK_SIZE, t.length);
                for (int j = 0; j < mIdx.length; j++) {
                    labels[o + j] = s.labels()[mIdx[j]];
                }
                o += mIdx.length;
            }
            losses.put("loss_mask", MaskLoss.compute(logits, labels, targets));
        }
        if (arch.hasKeypoints()) {
            NDArray kpFeatures = headPool.apply(features, nd(posBoxes, manager), sizes);
            NDArray logits = new KeypointRcnnPredictor(weights::get)
                    .forward(new KeypointRcnnHeads(weights::get).forward(kpFeatures));
            float[] kps = new float[totalPos * numKeypoints * 3];
            float[] rois = new float[totalPos * 4];
            int o = 0;
            for (int i = 0; i < batch.size(); i++) {
                TrainingSample s = batch.get(i);
                int[] mIdx = posMatched.get(i);
                for (int j = 0; j < mIdx.length; j++) {
                    System.arraycopy(
                            s.keypoints(),
                            mIdx[j] * numKeypoints * 3,
                            kps,
                            (o + j) * numKeypoints * 3,
                            numKeypoints * 3);
                }
                System.arraycopy(posBoxes.get(i), 0, rois, 4 * o, posBoxes.get(i).length);
                o += mIdx.length;
            }
            KeypointTargets kt = KeypointTargets.compute(
                    kps, rois, numKeypoints, (int) logits.getShape().get(2));
            if (recordKeypointInputs) {
                keypointInputs =
                        new KeypointLossInputs(kps, rois, logits.stopGradient().toFloatArray(), numKeypoints, (int)
                                logits.getShape().get(2));
            }
            losses.put("loss_keypoint", KeypointLoss.compute(logits, kt));
        }
        losses.put("loss_objectness", rpnLoss.objectness());
        losses.put("loss_rpn_box_reg", rpnLoss.boxRegression());
        return losses;
    }

    private static List<NDArray> nd(List<float[]> boxes, NDManager m) {
        List<NDArray> out = new ArrayList<>();
        for (float[] b : boxes) {
            out.add(m.create(b, new ai.djl.ndarray.types.Shape(b.length / 4, 4)));
        }
        return out;
    }
}
