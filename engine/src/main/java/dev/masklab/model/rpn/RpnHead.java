package dev.masklab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.masklab.model.backbone.Conv2d;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's {@code RPNHead}, shared by every FPN level: 3x3 conv (padding 1) + ReLU ({@code PREFIX.conv.0.0}),
 * then a 1x1 conv to A objectness logits ({@code PREFIX.cls_logits}) and a 1x1 conv to 4A box deltas
 * ({@code PREFIX.bbox_pred}).
 */
public final class RpnHead {
    private final Conv2d conv;
    private final Conv2d clsLogits;
    private final Conv2d bboxPred;

    /** @param prefix state dict prefix, "rpn.head" for torchvision's models */
    public RpnHead(StateDict sd, String prefix) {
        conv = new Conv2d(sd, prefix + ".conv.0.0", 1, 1);
        clsLogits = new Conv2d(sd, prefix + ".cls_logits", 1, 0);
        bboxPred = new Conv2d(sd, prefix + ".bbox_pred", 1, 0);
    }

    /** Per level: objectness (N, A, H, W) and deltas (N, 4A, H, W). */
    public record Output(List<NDArray> objectness, List<NDArray> deltas) {}

    public Output forward(List<NDArray> features) {
        List<NDArray> obj = new ArrayList<>();
        List<NDArray> del = new ArrayList<>();
        for (NDArray f : features) {
            try (NDArray c = conv.forward(f);
                    NDArray t = Activation.relu(c)) {
                obj.add(clsLogits.forward(t));
                del.add(bboxPred.forward(t));
            }
        }
        return new Output(obj, del);
    }

    /** The head's parameters by state dict key (all trainable). */
    public java.util.Map<String, NDArray> parameters() {
        java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        for (Conv2d c : List.of(conv, clsLogits, bboxPred)) {
            out.put(c.key() + ".weight", c.weight());
            out.put(c.key() + ".bias", c.bias());
        }
        return out;
    }
}
