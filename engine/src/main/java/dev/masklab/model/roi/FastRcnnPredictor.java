package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * torchvision's {@code FastRCNNPredictor}: two linear layers on the box head's representation, {@code cls_score}
 * (numClasses logits, background = 0) and {@code bbox_pred} (4 x numClasses box deltas).
 */
public final class FastRcnnPredictor {
    public static final String PREFIX = "roi_heads.box_predictor.";

    private final NDArray clsWeight;
    private final NDArray clsBias;
    private final NDArray bboxWeight;
    private final NDArray bboxBias;

    public FastRcnnPredictor(Function<String, NDArray> weights) {
        this.clsWeight = weights.apply(PREFIX + "cls_score.weight");
        this.clsBias = weights.apply(PREFIX + "cls_score.bias");
        this.bboxWeight = weights.apply(PREFIX + "bbox_pred.weight");
        this.bboxBias = weights.apply(PREFIX + "bbox_pred.bias");
    }

    /** Number of classes including the background. */
    public int numClasses() {
        return Math.toIntExact(clsWeight.getShape().get(0));
    }

    /** (K, 1024) -> [class_logits (K, numClasses), box_regression (K, 4 * numClasses)]. Differentiable. */
    public NDList forward(NDArray x) {
        NDArray flat = x.getShape().dimension() > 2 ? x.reshape(x.getShape().get(0), -1) : x;
        NDArray logits = Linear.linear(flat, clsWeight, clsBias).singletonOrThrow();
        NDArray deltas = Linear.linear(flat, bboxWeight, bboxBias).singletonOrThrow();
        return new NDList(logits, deltas);
    }

    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(PREFIX + "cls_score.weight", clsWeight);
        p.put(PREFIX + "cls_score.bias", clsBias);
        p.put(PREFIX + "bbox_pred.weight", bboxWeight);
        p.put(PREFIX + "bbox_pred.bias", bboxBias);
        return p;
    }
}
