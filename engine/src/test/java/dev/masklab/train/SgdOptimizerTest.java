package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.TorchvisionOracle;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SgdOptimizerTest {

    private static void backward(NDArray p, float[] coef) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p.getManager().create(coef))
                    .sum()
                    .add(p.square().sum().mul(0.25f)));
        }
    }

    @Test
    void handComputedMomentumAndWeightDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f});
            p.setRequiresGradient(true);
            SgdOptimizer opt = new SgdOptimizer(Map.of("p", p), 0.9, 0.1, m);
            // loss 0.5 p: gradient 0.5
            for (int i = 0; i < 2; i++) {
                opt.zeroGradients();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.mul(0.5f).sum());
                }
                opt.step(0.1);
            }
            // step 1: d = 0.5 + 0.1 = 0.6, buf 0.6, p = 0.94; step 2: d = 0.5 + 0.094, buf = 0.54 + 0.594, p -= 0.1134
            assertEquals(0.8266f, p.getFloat(), 1e-6f);
            assertEquals(1.134f, opt.state().get("p").getFloat(), 1e-6f);
        }
    }

    @Test
    void matchesTorchOptimSgdWithScheduleClippingAndAccumulation() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        float[] init = {0.5f, -1.5f, 2f, 0.25f};
        float[] coef = {1f, -2f, 0.5f, 3f};
        LrSchedule schedule = new LrSchedule(0.1, 3, 0.001, new int[] {4}, 0.1);
        JsonNode out = TorchvisionOracle.run("""
        p = torch.tensor(inp['init'], requires_grad=True)
        coef = torch.tensor(inp['coef'])
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=1e-4)
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.001, total_iters=3)
        steps = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[4], gamma=0.1)
        lrs = []
        for it in range(6):
            opt.zero_grad()
            for micro in range(2):  # gradient accumulation over two halves
                ((p * coef).sum() + 0.25 * (p * p).sum()).div(2).backward()
            torch.nn.utils.clip_grad_norm_([p], 2.0)
            lrs.append(opt.param_groups[0]['lr'])
            opt.step()
            warm.step()
            steps.step()
        out = dict(p=p.tolist(), lrs=lrs)
        """, Map.of("init", init, "coef", coef));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(init);
            p.setRequiresGradient(true);
            SgdOptimizer opt = new SgdOptimizer(Map.of("p", p), 0.9, 1e-4, m);
            float[] half = coef.clone();
            for (int it = 0; it < 6; it++) {
                opt.zeroGradients();
                for (int micro = 0; micro < 2; micro++) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.mul(m.create(half))
                                .sum()
                                .add(p.square().sum().mul(0.25f))
                                .div(2f));
                    }
                }
                opt.clipGradientNorm(2.0);
                assertEquals(out.get("lrs").get(it).asDouble(), schedule.lr(it), 1e-12, "lr at " + it);
                opt.step(schedule.lr(it));
            }
            assertArrayEquals(TorchvisionOracle.floats(out.get("p")), p.toFloatArray(), 1e-6f);
        }
    }

    /** Gradient norm, clipping and steps leave no arrays behind on the parameters' manager (a leak grew ~100 MB/step). */
    @Test
    void optimizerStepsLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, -2f, 3f});
            p.setRequiresGradient(true);
            SgdOptimizer opt = new SgdOptimizer(Map.of("p", p), 0.9, 1e-4, m);
            int[] after = new int[3];
            for (int it = 0; it < 3; it++) {
                opt.zeroGradients();
                try (NDManager scope = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray sq = p.square();
                    sq.attach(scope);
                    NDArray loss = sq.sum();
                    loss.attach(scope); // backward's seed gradient goes to the loss's manager
                    gc.backward(loss);
                }
                opt.gradientNorm();
                opt.clipGradientNorm(0.5);
                opt.step(0.1);
                after[it] = m.getManagedArrays().size();
            }
            assertEquals(after[0], after[1], "arrays left by the second step");
            assertEquals(after[1], after[2], "arrays left by the third step");
        }
    }
}
