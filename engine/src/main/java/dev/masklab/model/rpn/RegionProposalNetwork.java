package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ImageList;
import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.BoxOps;
import dev.masklab.model.box.Matcher;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.ops.Nms;
import dev.masklab.model.ops.TorchSort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * torchvision 0.14's {@code RegionProposalNetwork}: at inference (proposal generation) and, with the ground truth,
 * in training ({@link #forwardTraining}: proposals and the RPN losses). At inference:
 *
 * <ol>
 *   <li>{@link RpnHead} on every feature level (in the map's order: "0".."3", "pool");
 *   <li>outputs flattened per level as (H, W, A) and concatenated; anchors from {@link AnchorGenerator#fpnDefault()}
 *       for the padded batch size;
 *   <li>per image and level the {@code preNmsTopN} highest logits (ties: lower index first), decoded with
 *       {@link BoxCoder} weights (1, 1, 1, 1), sigmoid, clipped to the resized image size, boxes with a side
 *       below {@code minSize} removed, scores below {@code scoreThresh} removed, {@link Nms#batchedNms} per level
 *       at {@code nmsThresh}, the first {@code postNmsTopN} kept (score-descending).
 * </ol>
 *
 * <p>API: {@code new RegionProposalNetwork(sd, RpnConfig.testing())} (keys {@code rpn.head.*});
 * {@link #proposals(ImageList, Map)} gives the proposals per image; {@link #forward(ImageList, Map)} also returns
 * the flattened objectness / deltas / anchors for the loss ({@link RpnOutput}). The proposal filtering runs in
 * plain Java on float32 values (no gradient flows through proposals in torchvision either).
 */
public final class RegionProposalNetwork {
    private final RpnHead head;
    private final RpnConfig cfg;
    private final RpnConfig trainingCfg;
    private final AnchorGenerator anchorGenerator;
    private final BoxCoder boxCoder = new BoxCoder(new double[] {1, 1, 1, 1});

    public RegionProposalNetwork(StateDict sd, RpnConfig cfg) {
        this(new RpnHead(sd, "rpn.head"), cfg, RpnConfig.training(), AnchorGenerator.fpnDefault());
    }

    public RegionProposalNetwork(RpnHead head, RpnConfig cfg, AnchorGenerator anchorGenerator) {
        this(head, cfg, RpnConfig.training(), anchorGenerator);
    }

    /**
     * @param cfg the inference settings
     * @param trainingCfg the settings of {@link #forwardTraining} (top-n, anchor matching and sampling)
     */
    public RegionProposalNetwork(RpnHead head, RpnConfig cfg, RpnConfig trainingCfg, AnchorGenerator anchorGenerator) {
        this.head = head;
        this.cfg = cfg;
        this.trainingCfg = trainingCfg;
        this.anchorGenerator = anchorGenerator;
    }

    public RpnConfig trainingConfig() {
        return trainingCfg;
    }

    public RpnHead head() {
        return head;
    }

    public RpnConfig config() {
        return cfg;
    }

    public BoxCoder boxCoder() {
        return boxCoder;
    }

    /** Proposals (K, 4) per image of the batch (the head's intermediate outputs are closed). */
    public List<NDArray> proposals(ImageList images, Map<String, NDArray> features) {
        RpnOutput out = forward(images, features);
        out.objectness().close();
        out.deltas().close();
        out.anchors().close();
        out.scores().forEach(NDArray::close);
        return out.proposals();
    }

    /** Head, anchors and proposals for a batch; see {@link RpnOutput}. */
    public RpnOutput forward(ImageList images, Map<String, NDArray> features) {
        List<NDArray> feats = new ArrayList<>(features.values());
        RpnHead.Output h = head.forward(feats);
        return forward(images, h.objectness(), h.deltas(), true);
    }

    /**
     * From the head's per-level outputs (objectness (N, A, H, W), deltas (N, 4A, H, W)); closes them when
     * {@code closeInputs}.
     */
    public RpnOutput forward(ImageList images, List<NDArray> objectness, List<NDArray> deltas, boolean closeInputs) {
        NDManager m = objectness.get(0).getManager();
        int n = (int) objectness.get(0).getShape().get(0);
        List<long[]> sizes = new ArrayList<>();
        NDList objFlat = new NDList();
        NDList delFlat = new NDList();
        for (int l = 0; l < objectness.size(); l++) {
            NDArray o = objectness.get(l);
            NDArray d = deltas.get(l);
            Shape s = o.getShape();
            long a = s.get(1);
            long hh = s.get(2);
            long ww = s.get(3);
            sizes.add(new long[] {hh, ww});
            try (NDArray ot = o.transpose(0, 2, 3, 1)) {
                objFlat.add(ot.reshape(n, -1));
            }
            try (NDArray d5 = d.reshape(n, a, 4, hh, ww);
                    NDArray dt = d5.transpose(0, 3, 4, 1, 2)) {
                delFlat.add(dt.reshape(n, -1, 4));
            }
            if (closeInputs) {
                o.close();
                d.close();
            }
        }
        NDArray obj = NDArrays.concat(objFlat, 1);
        NDArray del = NDArrays.concat(delFlat, 1);
        objFlat.close();
        delFlat.close();
        long[] padded = images.paddedSize();
        float[] anchorsArr = anchorGenerator.anchorsArray(sizes, padded);
        NDArray anchors = m.create(anchorsArr, new Shape(anchorsArr.length / 4, 4));
        long[] perLevel = anchorGenerator.anchorsPerLevel(sizes);

        float[] objAll = obj.toType(DataType.FLOAT32, false).toFloatArray();
        float[] delAll = del.toType(DataType.FLOAT32, false).toFloatArray();
        int total = anchorsArr.length / 4;
        List<NDArray> proposals = new ArrayList<>();
        List<NDArray> scores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] hw = images.imageSizes().get(i);
            float[][] ps = filterProposals(objAll, delAll, i * total, anchorsArr, perLevel, hw, cfg, boxCoder);
            proposals.add(m.create(ps[0], new Shape(ps[1].length, 4)));
            scores.add(m.create(ps[1], new Shape(ps[1].length)));
        }
        return new RpnOutput(proposals, scores, obj, del, anchors, perLevel);
    }

    /**
     * What the training path gives.
     *
     * @param proposals per image, flat x1 y1 x2 y2 (no gradient flows through proposals, as in torchvision)
     * @param loss the objectness and box regression losses (differentiable)
     */
    public record TrainingOutput(List<float[]> proposals, RpnLoss loss) {}

    /**
     * The training path (torchvision's {@code RegionProposalNetwork.forward} with targets): the head on every level,
     * its outputs flattened differentiably ({@link RpnProposals#flattenPredictions}), proposals filtered with the
     * training settings ({@link #trainingConfig()}), each anchor matched to the ground truth ({@link RpnTargets}) and
     * the sampled anchors' losses ({@link RpnLoss}).
     *
     * @param images the batch (padded tensors and each image's size)
     * @param features FPN maps by name, the RPN's levels in the map's order
     * @param gtBoxes per image its ground-truth boxes, flat x1 y1 x2 y2
     * @param random source of the anchor sampling
     */
    public TrainingOutput forwardTraining(
            ImageList images, Map<String, NDArray> features, List<float[]> gtBoxes, Random random) {
        RpnHead.Output out = head.forward(new ArrayList<>(features.values()));
        List<long[]> featureSizes = new ArrayList<>();
        for (NDArray o : out.objectness()) {
            featureSizes.add(new long[] {o.getShape().get(2), o.getShape().get(3)});
        }
        float[] anchors = anchorGenerator.anchorsArray(featureSizes, images.paddedSize());
        long[] perLevel = new long[featureSizes.size()];
        for (int l = 0; l < perLevel.length; l++) {
            perLevel[l] = featureSizes.get(l)[0]
                    * featureSizes.get(l)[1]
                    * out.objectness().get(l).getShape().get(1);
        }
        NDArray[] flat = RpnProposals.flattenPredictions(out.objectness(), out.deltas());
        NDArray objectness = flat[0];
        NDArray deltas = flat[1];
        int perImage = anchors.length / 4;
        float[] objAll = objectness.stopGradient().toFloatArray();
        float[] deltaAll = deltas.stopGradient().toFloatArray();
        Matcher matcher = new Matcher(trainingCfg.fgIouThresh(), trainingCfg.bgIouThresh(), true);
        List<float[]> proposals = new ArrayList<>();
        List<RpnTargets> targets = new ArrayList<>();
        for (int i = 0; i < gtBoxes.size(); i++) {
            proposals.add(filterProposals(
                    objAll,
                    deltaAll,
                    i * perImage,
                    anchors,
                    perLevel,
                    images.imageSizes().get(i),
                    trainingCfg,
                    boxCoder)[0]);
            targets.add(RpnTargets.compute(anchors, gtBoxes.get(i), matcher, boxCoder));
        }
        RpnLoss loss = RpnLoss.compute(
                objectness,
                deltas,
                targets,
                new BalancedPositiveNegativeSampler(
                        trainingCfg.batchSizePerImage(), trainingCfg.positiveFraction(), random));
        return new TrainingOutput(proposals, loss);
    }

    /**
     * torch's float32 CPU sigmoid, 1 / (1 + exp(-x)) with each step rounded to float (a correctly rounded sigmoid
     * differs in the last bit for some logits, which reorders nearly tied proposals).
     */
    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /**
     * torchvision's {@code filter_proposals} for one image, on plain arrays (inference and training share it): the
     * per-level top {@code cfg.preNmsTopN()} logits, decoded against their anchors, clipped to the image, boxes
     * smaller than {@code cfg.minSize()} and scores below {@code cfg.scoreThresh()} removed, NMS per level, the best
     * {@code cfg.postNmsTopN()}.
     *
     * @param obj logits of a batch, image-major; the image's start at anchor {@code base}
     * @param del deltas (4 per anchor) laid out as {@code obj}
     * @param imageHW the image's (resized, unpadded) height and width
     * @return the proposals (K * 4, x1 y1 x2 y2) and their sigmoid scores (K)
     */
    public static float[][] filterProposals(
            float[] obj,
            float[] del,
            int base,
            float[] anchors,
            long[] perLevel,
            int[] imageHW,
            RpnConfig cfg,
            BoxCoder boxCoder) {
        // per-level top-n of the logits
        List<Integer> sel = new ArrayList<>();
        List<Integer> lvl = new ArrayList<>();
        int offset = 0;
        for (int l = 0; l < perLevel.length; l++) {
            int count = (int) perLevel[l];
            float[] v = new float[count];
            System.arraycopy(obj, base + offset, v, 0, count);
            int k = Math.min(cfg.preNmsTopN(), count);
            int[] order = TorchSort.argsortDescendingStable(v);
            for (int j = 0; j < k; j++) {
                sel.add(offset + order[j]);
                lvl.add(l);
            }
            offset += count;
        }
        int k = sel.size();
        float[] codes = new float[4 * k];
        float[] refs = new float[4 * k];
        float[] scores = new float[k];
        for (int j = 0; j < k; j++) {
            int a = sel.get(j);
            System.arraycopy(del, 4 * (base + a), codes, 4 * j, 4);
            System.arraycopy(anchors, 4 * a, refs, 4 * j, 4);
            scores[j] = sigmoid(obj[base + a]);
        }
        float[] boxes = boxCoder.decode(codes, refs);
        BoxOps.clipInPlace(boxes, imageHW[0], imageHW[1]);
        int[] keep = BoxOps.removeSmall(boxes, cfg.minSize());
        List<Integer> kept = new ArrayList<>();
        for (int j : keep) {
            if (scores[j] >= cfg.scoreThresh()) {
                kept.add(j);
            }
        }
        int nk = kept.size();
        float[] kb = new float[4 * nk];
        float[] ks = new float[nk];
        int[] kl = new int[nk];
        for (int j = 0; j < nk; j++) {
            int src = kept.get(j);
            System.arraycopy(boxes, 4 * src, kb, 4 * j, 4);
            ks[j] = scores[src];
            kl[j] = lvl.get(src);
        }
        int[] nmsKeep = Nms.batchedNms(kb, ks, kl, cfg.nmsThresh());
        int post = Math.min(cfg.postNmsTopN(), nmsKeep.length);
        float[] out = new float[4 * post];
        float[] outScores = new float[post];
        for (int j = 0; j < post; j++) {
            System.arraycopy(kb, 4 * nmsKeep[j], out, 4 * j, 4);
            outScores[j] = ks[nmsKeep[j]];
        }
        return new float[][] {out, outScores};
    }
}
