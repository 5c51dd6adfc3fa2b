package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.Architecture;
import dev.masklab.model.backbone.FrozenBatchNorm2d;
import dev.masklab.model.backbone.ResNetFpnBackbone;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fresh weights with torchvision 0.14's initialisation of each module, from a seed: ResNet, mask head,
 * keypoint head and mask / keypoint predictors Kaiming-normal (fan out, ReLU) with zero bias; frozen batch
 * norms the identity (weight 1, bias 0, mean 0, var 1); FPN Kaiming-uniform (a = 1) with zero bias; RPN
 * head normal(0, 0.01) with zero bias; fully connected layers (box head, box predictor) PyTorch's
 * {@code nn.Linear} default, uniform in {@code +-1/sqrt(fan_in)} for weight and bias.
 */
public final class ModelInit {
    private ModelInit() {}

    /** Every tensor of {@code arch}'s state_dict, freshly initialised. */
    public static Map<String, NDArray> all(
            Architecture arch, int numClasses, int numKeypoints, long seed, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        Map<String, long[]> shapes = arch.shapes(numClasses, numKeypoints);
        Random r = new Random(seed);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            out.put(e.getKey(), tensor(e.getKey(), e.getValue(), r, manager));
        }
        return out;
    }

    /** One tensor initialised the way torchvision initialises the module that owns {@code key}. */
    public static NDArray tensor(String key, long[] shape, Random r, NDManager manager) {
        int n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, (int) d);
        }
        float[] v = new float[n];
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        long fanIn = shape.length > 1 ? shape[1] * receptive : shape[0];
        long fanOut = shape[0] * receptive;
        boolean weight = key.endsWith(".weight");
        if (Architecture.isFrozenNorm(key)) {
            if (key.endsWith(".weight") || key.endsWith(".running_var")) {
                java.util.Arrays.fill(v, 1f);
            }
        } else if (key.startsWith("roi_heads.box_head.") || key.startsWith("roi_heads.box_predictor.")) {
            // nn.Linear default: kaiming_uniform(a=sqrt(5)) for the weight -> bound 1/sqrt(fan_in); same bound for bias
            long linearFanIn = weight ? fanIn : fanInOfLinearBias(key, shape);
            double bound = 1 / Math.sqrt(linearFanIn);
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            }
        } else if (!weight) {
            // every other bias starts at zero
        } else if (key.startsWith("backbone.fpn.")) {
            double bound = Math.sqrt(3.0 / fanIn);
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            }
        } else if (key.startsWith("rpn.head.")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) (r.nextGaussian() * 0.01);
            }
        } else {
            double std = Math.sqrt(2.0 / fanOut);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (r.nextGaussian() * std);
            }
        }
        return manager.create(v, new Shape(shape));
    }

    /** The input width of a box head / predictor linear layer, from its bias key. */
    private static long fanInOfLinearBias(String key, long[] shape) {
        return key.startsWith("roi_heads.box_head.fc6.") ? 256 * 7 * 7 : 1024;
    }

    /** Images whose statistics set the frozen batch norms of a model trained from scratch. */
    public static final int CALIBRATION_IMAGES = 8;

    /**
     * Training from scratch: sets every backbone frozen batch norm's running mean and variance (in place in
     * {@code weights}) to its input's statistics on the first training batches, at least {@link #CALIBRATION_IMAGES}
     * images, so that the random network starts normalised (see {@link FrozenBatchNorm2d#calibrating}).
     *
     * @return the number of images used
     */
    public static int calibrateFrozenBatchNorms(
            Map<String, NDArray> weights, TrainingBatches batches, float bnEps, NDManager manager) {
        List<TrainingSample> samples = new ArrayList<>();
        for (int b = 0; samples.size() < CALIBRATION_IMAGES; b++) {
            samples.addAll(batches.batch(b));
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray images = TrainingBatches.batchImages(samples, scope);
            StateDict sd = new StateDict(scope, weights, "calibration");
            FrozenBatchNorm2d.calibrating(() -> new ResNetFpnBackbone(sd, "backbone", 50, bnEps).forward(images));
        }
        return samples.size();
    }
}
