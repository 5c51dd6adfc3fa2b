package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.coco.CocoCategory;
import dev.masklab.model.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job loop, checkpoints, NaN handling and fine-tuning bookkeeping, on a one-parameter stand-in model. */
class TrainingJobTest {
    @TempDir
    Path tmp;

    /** loss_a = sum((p - 3)^2) per batch; loss_b = NaN from the given iteration on (counting forward calls). */
    static final class Quadratic implements DetectorTraining {
        final NDArray p;
        final int nanAt;
        int calls;

        Quadratic(NDManager m, int nanAt) {
            p = m.create(new float[] {0f, 1f});
            p.setRequiresGradient(true);
            this.nanAt = nanAt;
        }

        @Override
        public Map<String, NDArray> weights() {
            return Map.of("p", p);
        }

        @Override
        public Map<String, NDArray> trainable() {
            return Map.of("p", p);
        }

        @Override
        public Map<String, NDArray> losses(List<TrainingSample> batch, Random random, NDManager manager) {
            calls++;
            Map<String, NDArray> l = new LinkedHashMap<>();
            l.put("loss_a", p.sub(3f).square().sum());
            l.put("loss_b", p.sum().mul(calls >= nanAt ? Float.NaN : 0f));
            return l;
        }
    }

    TrainingJob job(Quadratic model, int iterations, Path ckpts) throws Exception {
        CocoTrainingSet set = DataPipelineTest.personSet(false, 0, true);
        TrainingConfig c = TrainingConfig.smallCpu().toBuilder()
                .batchSize(1)
                .baseLr(0.1)
                .warmupIterations(0)
                .build();
        LrSchedule s = new LrSchedule(0.1, 0, 1, new int[0], 0.1);
        var info = new TrainingJob.RunInfo(
                Architecture.MASKRCNN_RESNET50_FPN,
                iterations,
                c,
                s,
                new CategoryMap(new long[] {1}, new String[] {"person"}),
                0,
                List.of());
        return new TrainingJob(
                model, new TrainingBatches(set, c, HorizontalFlip.COCO_PERSON_FLIP), info, ckpts, 2, 1, 0, null);
    }

    @Test
    void optimisesWritesCheckpointsAndStopsOnNaNNamingTheTerm() throws Exception {
        List<String> messages = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic q = new Quadratic(m, 5);
            SgdOptimizer opt = new SgdOptimizer(q.trainable(), 0.9, 0, m);
            TrainingJob j = job(q, 10, tmp.resolve("ck"));
            j.addListener(new TrainingListener() {
                @Override
                public void onMessage(String msg) {
                    messages.add(msg);
                }
            });
            TrainingJob.Result r = j.run(0, opt, m);
            assertFalse(r.completed());
            assertEquals(4, r.iteration());
            assertTrue(r.stopReason().contains("loss_b is NaN at iteration 5"), r.stopReason());
            assertTrue(messages.get(messages.size() - 1).contains("loss_b"), messages.toString());
            // the last good checkpoint (iteration 4) is kept and holds the weights after 4 steps
            assertEquals(tmp.resolve("ck/iter-00000004"), r.lastCheckpoint());
            TrainingCheckpoint.Loaded l = TrainingCheckpoint.read(r.lastCheckpoint(), m);
            assertEquals(4, l.state().iteration());
            assertArrayEquals(q.p.toFloatArray(), l.weights().get("p").toFloatArray(), 0f);
            assertArrayEquals(
                    opt.state().get("p").toFloatArray(), l.momentum().get("p").toFloatArray(), 0f);
            assertTrue(q.p.getFloat(0) > 1f, "moved towards 3");
        }
    }

    @Test
    void corruptedCheckpointIsReportedWithItsFile() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic q = new Quadratic(m, 1000);
            SgdOptimizer opt = new SgdOptimizer(q.trainable(), 0.9, 0, m);
            TrainingJob.Result r = job(q, 2, tmp.resolve("ck")).run(0, opt, m);
            assertTrue(r.completed());
            Path w = r.lastCheckpoint().resolve(TrainingCheckpoint.WEIGHTS);
            Files.write(w, new byte[] {1, 2, 3});
            IOException e = assertThrows(IOException.class, () -> TrainingCheckpoint.read(r.lastCheckpoint(), m));
            assertTrue(e.getMessage().contains(w.toString()), e.getMessage());
            assertNull(TrainingCheckpoint.latest(tmp.resolve("nothing")));
        }
    }

    @Test
    void fineTuningKeepsMatchingTensorsAndReinitialisesThePredictor() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> coco = ModelInit.all(Architecture.MASKRCNN_RESNET50_FPN, 91, 0, 1, m);
            FineTune.Result r = FineTune.adapt(coco, Architecture.MASKRCNN_RESNET50_FPN, 4, 0, 2, m, false);
            List<String> reinit = r.report().reinitialised().stream()
                    .map(s -> s.substring(0, s.indexOf(' ')))
                    .toList();
            assertEquals(
                    List.of(
                            "roi_heads.box_predictor.cls_score.weight",
                            "roi_heads.box_predictor.cls_score.bias",
                            "roi_heads.box_predictor.bbox_pred.weight",
                            "roi_heads.box_predictor.bbox_pred.bias",
                            "roi_heads.mask_predictor.mask_fcn_logits.weight",
                            "roi_heads.mask_predictor.mask_fcn_logits.bias"),
                    reinit);
            assertEquals(coco.size() - 6, r.report().kept().size());
            assertArrayEquals(
                    coco.get("roi_heads.box_head.fc6.bias").toFloatArray(),
                    r.weights().get("roi_heads.box_head.fc6.bias").toFloatArray(),
                    0f);
            assertEquals(
                    4,
                    r.weights()
                            .get("roi_heads.box_predictor.cls_score.weight")
                            .getShape()
                            .get(0));
            Map<String, NDArray> partial = new LinkedHashMap<>(coco);
            partial.remove("backbone.body.conv1.weight");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> FineTune.adapt(partial, Architecture.MASKRCNN_RESNET50_FPN, 91, 0, 2, m, false));
        }
    }

    @Test
    void trainableLayersFollowTorchvision() {
        assertTrue(Architecture.isTrainable("backbone.body.layer4.0.conv1.weight", 3, false));
        assertTrue(Architecture.isTrainable("backbone.body.layer2.1.conv2.weight", 3, false));
        assertFalse(Architecture.isTrainable("backbone.body.layer1.0.conv1.weight", 3, false));
        assertFalse(Architecture.isTrainable("backbone.body.conv1.weight", 4, false));
        assertTrue(Architecture.isTrainable("backbone.body.conv1.weight", 5, false));
        assertFalse(Architecture.isTrainable("backbone.body.layer4.0.bn1.weight", 5, false));
        assertFalse(Architecture.isTrainable("backbone.body.layer4.0.downsample.1.weight", 5, false));
        assertTrue(Architecture.isTrainable("backbone.body.layer4.0.downsample.0.weight", 1, false));
        assertTrue(Architecture.isTrainable("backbone.fpn.inner_blocks.0.0.weight", 0, false));
        assertTrue(Architecture.isTrainable("roi_heads.mask_head.0.0.weight", 0, false));
        // batch statistics (from scratch): batch-norm weight and bias train with their stage, running statistics never,
        // the stem's bn1 only with all five stages (torchvision appends "bn1" to the trained layers then)
        assertTrue(Architecture.isTrainable("backbone.body.layer4.0.bn1.weight", 1, true));
        assertTrue(Architecture.isTrainable("backbone.body.layer4.0.downsample.1.bias", 1, true));
        assertFalse(Architecture.isTrainable("backbone.body.layer4.0.bn1.running_mean", 5, true));
        assertFalse(Architecture.isTrainable("backbone.body.layer3.0.bn2.weight", 1, true));
        assertFalse(Architecture.isTrainable("backbone.body.bn1.weight", 4, true));
        assertTrue(Architecture.isTrainable("backbone.body.bn1.weight", 5, true));
        assertFalse(Architecture.isTrainable("backbone.body.bn1.weight", 5, false));
    }

    @Test
    void categoryMapIsContiguousOrIdentity() {
        List<CocoCategory> cats =
                List.of(new CocoCategory(9, "c", null), new CocoCategory(2, "a", null), new CocoCategory(5, "b", null));
        CategoryMap c = CategoryMap.contiguous(cats);
        assertEquals(4, c.numClasses());
        assertEquals(1, c.label(2));
        assertEquals(3, c.label(9));
        assertEquals(-1, c.label(4));
        assertEquals(5, c.categoryId(2));
        CategoryMap id = CategoryMap.identity(cats, 91);
        assertEquals(91, id.numClasses());
        assertEquals(9, id.label(9));
        assertEquals(-1, id.label(3));
    }
}
