package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.Architecture;
import dev.masklab.model.backbone.Conv2d;
import dev.masklab.model.backbone.ResNet;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Training from scratch: frozen batch norms set to their inputs' statistics on real training images. */
class BatchNormCalibrationTest {

    @Test
    void calibratedStatisticsAreTheLayerInputsMomentsAndKeepTheRandomResNetWellScaled() throws Exception {
        CocoTrainingSet set = DataPipelineTest.personSet(true, 0, true);
        TrainingBatches batches = new TrainingBatches(set, TrainingConfig.smallCpu(), HorizontalFlip.COCO_PERSON_FLIP);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = ModelInit.all(Architecture.MASKRCNN_RESNET50_FPN, 2, 0, 7, m);
            List<TrainingSample> samples = new ArrayList<>();
            for (int b = 0; samples.size() < ModelInit.CALIBRATION_IMAGES; b++) {
                samples.addAll(batches.batch(b));
            }
            NDArray images = TrainingBatches.batchImages(samples, m);
            double before = layer4Rms(w, images, m);

            int n = ModelInit.calibrateFrozenBatchNorms(w, batches, 1e-5f, m);
            assertEquals(samples.size(), n);

            // the stem's statistics are the moments of conv1's output over batch and space, computed here directly
            StateDict sd = new StateDict(m, w, "test");
            float[] conv =
                    new Conv2d(sd, "backbone.body.conv1", 2, 3).forward(images).toFloatArray();
            int c = 64;
            int plane = conv.length / (n * c);
            float[] mean = w.get("backbone.body.bn1.running_mean").toFloatArray();
            float[] var = w.get("backbone.body.bn1.running_var").toFloatArray();
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                double s2 = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < plane; p++) {
                        double v = conv[(i * c + ch) * plane + p];
                        s += v;
                        s2 += v * v;
                    }
                }
                double mu = s / (n * plane);
                double var64 = s2 / (n * plane) - mu * mu;
                assertEquals(mu, mean[ch], 1e-4 * Math.max(1, Math.abs(mu)), "mean of channel " + ch);
                assertEquals(var64, var[ch], 1e-3 * var64, "variance of channel " + ch);
            }

            // with identity batch norms the random ResNet-50's scale drifts layer by layer (layer4 rms ~30 here);
            // calibrated, every batch norm's output is normalised and layer4's rms is of order one
            double after = layer4Rms(w, images, m);
            System.out.printf("layer4 rms: identity batch norms %.4g, calibrated %.4g%n", before, after);
            assertTrue(after > 0.5 && after < 5, "calibrated layer4 rms " + after);
            assertTrue(before > 5 * after, "identity batch norms: layer4 rms " + before + ", calibrated " + after);
        }
    }

    private static double layer4Rms(Map<String, NDArray> w, NDArray images, NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            List<NDArray> outs =
                    new ResNet(new StateDict(scope, w, "test"), "backbone.body", 50, 1e-5f).forward(images);
            float[] v = outs.get(3).toFloatArray();
            double s2 = 0;
            for (float x : v) {
                s2 += (double) x * x;
            }
            return Math.sqrt(s2 / v.length);
        }
    }
}
