package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The RPN outputs as training uses them: torchvision's flattening of the per-level head outputs
 * ({@code concat_box_prediction_layers}, differentiable, for the RPN losses); the proposals themselves come from
 * {@link dev.masklab.model.rpn.RegionProposalNetwork#filterProposals} with the training top-n.
 */
final class RpnProposals {
    private RpnProposals() {}

    /** torchvision's concat_box_prediction_layers: objectness (N * sumA) and deltas (N * sumA, 4), image-major. */
    static NDArray[] flattenPredictions(List<NDArray> obj, List<NDArray> deltas) {
        NDList o = new NDList();
        NDList d = new NDList();
        long n = obj.get(0).getShape().get(0);
        for (int i = 0; i < obj.size(); i++) {
            Shape s = obj.get(i).getShape();
            long a = s.get(1);
            long h = s.get(2);
            long wd = s.get(3);
            o.add(obj.get(i).transpose(0, 2, 3, 1).reshape(n, -1));
            d.add(deltas.get(i).reshape(n, a, 4, h, wd).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
        }
        return new NDArray[] {
            NDArrays.concat(o, 1).reshape(-1), NDArrays.concat(d, 1).reshape(-1, 4)
        };
    }
}
