package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnn;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.Targets;
import dev.masklab.model.backbone.BatchNorm2d;
import dev.masklab.model.backbone.Norm2d;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.roi.RoiHeads;
import dev.masklab.model.rpn.RpnConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Mask R-CNN / Keypoint R-CNN (R50-FPN) in training: its weights (as float32 arrays on the training's manager, the
 * trained ones with gradients) and the one {@link MaskRcnn} built on them once ({@link MaskRcnn#forTraining}), whose
 * training path ({@link MaskRcnn#losses}) gives torchvision's loss terms for each batch. The training settings
 * (RPN top-n and anchor sampling, RoI sampling, trained backbone stages, batch norms) come from the
 * {@link TrainingConfig}.
 */
public final class MaskRcnnTraining implements DetectorTraining {
    private final Architecture arch;
    private final Map<String, NDArray> weights;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final MaskRcnn model;

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
        MaskRcnnConfig cfg = MaskRcnnConfig.defaults(arch.cliName())
                .withNumClasses(numClasses)
                .withNumKeypoints(numKeypoints)
                .withBnEps(frozenBnEps);
        this.model = MaskRcnn.forTraining(
                cfg,
                sd,
                config.trainBatchNorm() ? BatchNorm2d.factory(frozenBnEps) : Norm2d.Factory.frozen(frozenBnEps),
                RpnConfig.training()
                        .withTopN(config.rpnPreNmsTopN(), config.rpnPostNmsTopN())
                        .withSampling(config.rpnBatchPerImage(), config.rpnPositiveFraction()),
                new RoiHeads.Sampling(config.boxBatchPerImage(), config.boxPositiveFraction()));
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

    /**
     * Records what the keypoint loss of each {@link #losses} call is computed from ({@link #keypointInputs()}; for
     * the parity test, which judges heatmap-cell ties with it).
     */
    void recordKeypointInputs() {
        model.roiHeads().recordKeypointInputs();
    }

    RoiHeads.KeypointLossInputs keypointInputs() {
        return model.roiHeads().keypointInputs();
    }

    /** The model trained (its modules hold {@link #weights()}). */
    public MaskRcnn model() {
        return model;
    }

    @Override
    public Map<String, NDArray> losses(List<TrainingSample> batch, Random random, NDManager manager) {
        return model.losses(TrainingBatches.batchImages(batch, manager), targets(batch), random);
    }

    /** The backbone's forward pass on a batch (batch norms in training mode update their running statistics). */
    public void backboneForward(List<TrainingSample> batch, NDManager manager) {
        model.backbone().forward(TrainingBatches.batchImages(batch, manager));
    }

    /** Only the RPN's two loss terms (backbone and RPN forward), e.g. to check inputs cheaply. */
    public Map<String, NDArray> rpnLosses(List<TrainingSample> batch, Random random, NDManager manager) {
        return model.rpnLosses(TrainingBatches.batchImages(batch, manager), targets(batch), random);
    }

    private static List<Targets> targets(List<TrainingSample> batch) {
        List<Targets> out = new ArrayList<>();
        for (TrainingSample s : batch) {
            out.add(s.targets());
        }
        return out;
    }
}
