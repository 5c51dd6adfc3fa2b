package dev.masklab.model.rpn;

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
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.ops.TorchvisionOracle;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class RpnLossTest {

    /** Anchors scattered around two images' ground truth, so there are positives, negatives and ignored ones. */
    public static float[] anchorsNear(float[] gt, int n, Random r) {
        float[] a = new float[4 * n];
        for (int i = 0; i < n; i++) {
            int g = r.nextInt(gt.length / 4);
            float w = gt[4 * g + 2] - gt[4 * g];
            float h = gt[4 * g + 3] - gt[4 * g + 1];
            float jx = (float) (r.nextGaussian() * 0.3 * w);
            float jy = (float) (r.nextGaussian() * 0.3 * h);
            float s = (float) Math.exp(r.nextGaussian() * 0.3);
            float cx = (gt[4 * g] + gt[4 * g + 2]) / 2 + jx;
            float cy = (gt[4 * g + 1] + gt[4 * g + 3]) / 2 + jy;
            a[4 * i] = cx - w * s / 2;
            a[4 * i + 1] = cy - h * s / 2;
            a[4 * i + 2] = cx + w * s / 2;
            a[4 * i + 3] = cy + h * s / 2;
        }
        return a;
    }

    public static float[] gaussians(int n, double sd, Random r) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * sd);
        }
        return f;
    }

    @Test
    void labelsHandMade() {
        float[] gt = {0, 0, 10, 10};
        float[] anchors = {0, 0, 10, 10, /* iou 0.5 */ 0, 0, 10, 5, /* iou 0 */ 20, 20, 30, 30, /* 0.81 */ 0, 0, 9, 9};
        RpnTargets t =
                RpnTargets.compute(anchors, gt, RpnTargets.defaultMatcher(), new BoxCoder(new double[] {1, 1, 1, 1}));
        assertArrayEquals(new int[] {1, -1, 0, 1}, t.labels());
        assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(t.regression(), 0, 4), 0f);
        assertEquals(Math.log(10.0 / 9), t.regression()[14], 1e-6);
        // no ground truth: everything negative
        RpnTargets none = RpnTargets.compute(
                anchors, new float[0], RpnTargets.defaultMatcher(), new BoxCoder(new double[] {1, 1, 1, 1}));
        assertArrayEquals(new int[] {0, 0, 0, 0}, none.labels());
    }

    @Test
    void matchesTorchvisionAssignTargetsAndComputeLoss() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torchvision not available");
        Random r = new Random(3);
        float[][] gts = {{10, 20, 60, 90, 100, 40, 180, 120, 30, 30, 45, 50}, {5, 5, 80, 70}};
        int a = 300;
        float[][] anchors = {anchorsNear(gts[0], a, r), anchorsNear(gts[1], a, r)};
        float[] obj = gaussians(2 * a, 2, r);
        float[] deltas = gaussians(2 * a * 4, 0.2, r);
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.models.detection.rpn import RegionProposalNetwork
        rpn = RegionProposalNetwork(None, None, 0.7, 0.3, 10**7, 0.5, dict(training=10, testing=10),
                                    dict(training=10, testing=10), 0.7)
        anchors = [torch.tensor(x, dtype=torch.float32).view(-1, 4) for x in inp['anchors']]
        targets = [dict(boxes=torch.tensor(g, dtype=torch.float32).view(-1, 4)) for g in inp['gts']]
        labels, matched = rpn.assign_targets_to_anchors(anchors, targets)
        reg = rpn.box_coder.encode(matched, anchors)
        obj = torch.tensor(inp['obj'], dtype=torch.float32).view(-1, 1).requires_grad_()
        d = torch.tensor(inp['deltas'], dtype=torch.float32).view(-1, 4).requires_grad_()
        lo, lb = rpn.compute_loss(obj, d, labels, reg)
        (lo + lb).backward()
        out = dict(labels=torch.cat(labels).tolist(), lo=lo.item(), lb=lb.item(),
                   gobj=obj.grad.flatten().tolist(), gd=d.grad.flatten().tolist())
        """, Map.of("anchors", anchors, "gts", gts, "obj", obj, "deltas", deltas));
        BoxCoder coder = new BoxCoder(new double[] {1, 1, 1, 1});
        RpnTargets t0 = RpnTargets.compute(anchors[0], gts[0], RpnTargets.defaultMatcher(), coder);
        RpnTargets t1 = RpnTargets.compute(anchors[1], gts[1], RpnTargets.defaultMatcher(), coder);
        int[] labels = new int[2 * a];
        System.arraycopy(t0.labels(), 0, labels, 0, a);
        System.arraycopy(t1.labels(), 0, labels, a, a);
        float[] expected = TorchvisionOracle.floats(out.get("labels"));
        for (int i = 0; i < 2 * a; i++) {
            assertEquals(expected[i], labels[i], "anchor " + i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray o = m.create(obj, new Shape(2 * a, 1));
            NDArray d = m.create(deltas, new Shape(2 * a, 4));
            o.setRequiresGradient(true);
            d.setRequiresGradient(true);
            RpnLoss loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = RpnLoss.compute(
                        o, d, List.of(t0, t1), new BalancedPositiveNegativeSampler(10_000_000, 0.5f, new Random(0)));
                gc.backward(loss.objectness().add(loss.boxRegression()));
            }
            assertEquals(
                    out.get("lo").asDouble(),
                    loss.objectness().getFloat(),
                    1e-6 * out.get("lo").asDouble());
            assertEquals(
                    out.get("lb").asDouble(),
                    loss.boxRegression().getFloat(),
                    1e-5 * out.get("lb").asDouble());
            assertArrayEquals(
                    TorchvisionOracle.floats(out.get("gobj")), o.getGradient().toFloatArray(), 1e-7f);
            assertArrayEquals(
                    TorchvisionOracle.floats(out.get("gd")), d.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
