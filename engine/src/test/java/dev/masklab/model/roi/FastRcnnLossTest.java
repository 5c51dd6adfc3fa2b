package dev.masklab.model.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.box.BalancedPositiveNegativeSampler;
import dev.masklab.model.ops.TorchvisionOracle;
import dev.masklab.model.rpn.RpnLossTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FastRcnnLossTest {

    @Test
    void handMadeSampling() {
        float[] proposals = {0, 0, 10, 10, /* iou 0.5 with gt 0 */ 0, 0, 10, 5, 50, 50, 60, 60};
        float[] gt = {0, 0, 10, 10, 40, 40, 70, 70};
        ProposalTargets t = ProposalTargets.compute(
                proposals,
                gt,
                new int[] {3, 7},
                ProposalTargets.defaultMatcher(),
                new BalancedPositiveNegativeSampler(512, 0.25f, new Random(0)),
                ProposalTargets.defaultCoder());
        // 3 proposals + 2 appended gt boxes; 0.5 IoU is foreground (>= high), 1/9 IoU background
        assertArrayEquals(new int[] {3, 3, 0, 3, 7}, t.labels());
        // background proposals get index 0 (torchvision clamps the matcher result)
        assertArrayEquals(new int[] {0, 0, 0, 0, 1}, t.matchedGt());
        assertArrayEquals(new int[] {0, 1, 3, 4}, t.positives());
        ProposalTargets none = ProposalTargets.compute(
                proposals,
                new float[0],
                new int[0],
                ProposalTargets.defaultMatcher(),
                new BalancedPositiveNegativeSampler(512, 0.25f, new Random(0)),
                ProposalTargets.defaultCoder());
        assertArrayEquals(new int[] {0, 0, 0}, none.labels());
    }

    @Test
    void matchesTorchvisionSelectTrainingSamplesAndFastrcnnLoss() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(5);
        float[][] gts = {{10, 20, 60, 90, 100, 40, 180, 120}, {5, 5, 80, 70, 20, 30, 50, 60, 60, 10, 90, 40}};
        int[][] gtLabels = {{2, 4}, {1, 4, 3}};
        int c = 5;
        float[][] props = {RpnLossTest.anchorsNear(gts[0], 40, r), RpnLossTest.anchorsNear(gts[1], 50, r)};
        List<ProposalTargets> targets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            targets.add(ProposalTargets.compute(
                    props[i],
                    gts[i],
                    gtLabels[i],
                    ProposalTargets.defaultMatcher(),
                    new BalancedPositiveNegativeSampler(10_000_000, 0.25f, new Random(0)),
                    ProposalTargets.defaultCoder()));
        }
        int p = targets.get(0).size() + targets.get(1).size();
        float[] logits = RpnLossTest.gaussians(p * c, 2, r);
        float[] reg = RpnLossTest.gaussians(p * c * 4, 0.5, r);
        JsonNode out = TorchvisionOracle.run(
                """
        from torchvision.models.detection.roi_heads import RoIHeads, fastrcnn_loss
        heads = RoIHeads(None, None, None, 0.5, 0.5, 10**7, 0.25, None, 0.05, 0.5, 100)
        props = [torch.tensor(x, dtype=torch.float32).view(-1, 4) for x in inp['props']]
        targets = [dict(boxes=torch.tensor(g, dtype=torch.float32).view(-1, 4), labels=torch.tensor(l))
                   for g, l in zip(inp['gts'], inp['labels'])]
        props, matched, labels, reg_t = heads.select_training_samples(props, targets)
        logits = torch.tensor(inp['logits']).view(-1, inp['c']).requires_grad_()
        reg = torch.tensor(inp['reg']).view(logits.shape[0], -1).requires_grad_()
        lc, lb = fastrcnn_loss(logits, reg, labels, reg_t)
        (lc + lb).backward()
        out = dict(props=torch.cat(props).flatten().tolist(), labels=torch.cat(labels).tolist(),
                   matched=torch.cat(matched).tolist(), reg_t=torch.cat(reg_t).flatten().tolist(),
                   lc=lc.item(), lb=lb.item(), gl=logits.grad.flatten().tolist(), gr=reg.grad.flatten().tolist())
        """, Map.of("props", props, "gts", gts, "labels", gtLabels, "logits", logits, "reg", reg, "c", c));
        List<Float> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Integer> matched = new ArrayList<>();
        List<Float> regT = new ArrayList<>();
        for (ProposalTargets t : targets) {
            for (float f : t.proposals()) {
                boxes.add(f);
            }
            for (float f : t.regression()) {
                regT.add(f);
            }
            for (int i = 0; i < t.size(); i++) {
                labels.add(t.labels()[i]);
                matched.add(t.matchedGt()[i]);
            }
        }
        assertArrayEquals(TorchvisionOracle.floats(out.get("props")), toFloats(boxes), 0f);
        assertArrayEquals(
                TorchvisionOracle.ints(out.get("labels")),
                labels.stream().mapToInt(i -> i).toArray());
        assertArrayEquals(
                TorchvisionOracle.ints(out.get("matched")),
                matched.stream().mapToInt(i -> i).toArray());
        float[] expReg = TorchvisionOracle.floats(out.get("reg_t"));
        float[] ourReg = toFloats(regT);
        for (int i = 0; i < expReg.length; i++) {
            assertEquals(expReg[i], ourReg[i], 1e-5 + 1e-5 * Math.abs(expReg[i]), "regression target " + i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(logits, new Shape(p, c));
            NDArray g = m.create(reg, new Shape(p, 4L * c));
            l.setRequiresGradient(true);
            g.setRequiresGradient(true);
            FastRcnnLoss loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = FastRcnnLoss.compute(l, g, targets);
                gc.backward(loss.classifier().add(loss.boxRegression()));
            }
            assertEquals(
                    out.get("lc").asDouble(),
                    loss.classifier().getFloat(),
                    1e-6 * out.get("lc").asDouble());
            assertEquals(
                    out.get("lb").asDouble(),
                    loss.boxRegression().getFloat(),
                    1e-5 * out.get("lb").asDouble());
            assertArrayEquals(
                    TorchvisionOracle.floats(out.get("gl")), l.getGradient().toFloatArray(), 1e-7f);
            assertArrayEquals(
                    TorchvisionOracle.floats(out.get("gr")), g.getGradient().toFloatArray(), 1e-6f);
        }
    }

    static float[] toFloats(List<Float> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = l.get(i);
        }
        return f;
    }
}
