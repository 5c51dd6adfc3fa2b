package dev.masklab.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradients reach the trainable parameters through the backbone although its intermediates are closed eagerly. */
class BackboneGradientTest {
    @Test
    void gradientsFlowToTrainableParameters() throws Exception {
        ParityReferences.Reference ref = ParityReferences.require().get(0);
        try (NDManager m = NDManager.newBaseManager();
                StateDict sd = PthLoader.load(ref.pth(), m)) {
            ResNetFpnBackbone backbone = new ResNetFpnBackbone(sd, "backbone", 50, ref.frozenBnEps());
            Map<String, NDArray> trainable = backbone.trainableParameters(3);
            // 3 stages: layer2 (4 blocks), layer3 (6), layer4 (3), 13 blocks x 3 convs + 3 downsample convs, + 8 FPN
            // convs
            assertEquals(13 * 3 + 3 + 8 * 2, trainable.size());
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            NDArray frozen = sd.get("backbone.body.layer1.0.conv1.weight");
            NDArray x = m.randomUniform(-1f, 1f, new Shape(1, 3, 64, 96));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> f = backbone.forward(x);
                NDArray loss = f.get("0").mean();
                for (String k : new String[] {"1", "2", "3", "pool"}) {
                    loss = loss.add(f.get(k).mean());
                }
                gc.backward(loss);
            }
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                float g = e.getValue().getGradient().abs().sum().getFloat();
                assertTrue(g > 0 && Float.isFinite(g), e.getKey() + " gradient " + g);
            }
            assertTrue(!frozen.hasGradient(), "layer1 is frozen with 3 trainable stages");
            trainable.values().forEach(p -> p.setRequiresGradient(false));
        }
    }
}
