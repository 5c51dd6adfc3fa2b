package dev.masklab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.io.Npz;
import dev.masklab.model.ops.Interpolate;
import dev.masklab.model.roi.Detections;
import dev.masklab.model.roi.ParityAssert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskRcnn} vs torchvision on every parity reference (model.pth loaded with score threshold 0 and the
 * reference's FrozenBatchNorm eps).
 *
 * <ul>
 *   <li>From torchvision's FPN features: RPN -> RoI heads -> scaling to the original image give torchvision's ordered
 *       detections (same labels, boxes within 1e-3 px, ties in any order) and masks / keypoints within 1e-4
 *       relative.
 *   <li>From the image's pixels: every stage carries float32 noise (resize ~5e-5, FPN features 1e-5..3e-5 relative,
 *       printed per stage: libtorch 2.5's convolutions are not bit-identical to torch 1.13's), which moves boxes by
 *       up to ~0.05 px and scores by up to ~4e-3, enough to swap near-tied detections or flip an NMS decision. The
 *       test therefore asserts: the 3 best detections identical in order, at least 85 of the 100 torchvision
 *       detections found with the same label and a box within 0.1 px, matched scores within 5e-3.
 * </ul>
 */
class MaskRcnnParityTest {
    static final double E2E_BOX_TOL_PX = 0.1;
    static final double E2E_SCORE_TOL = 5e-3;
    static final double E2E_MIN_MATCHED = 0.85;

    @Test
    void fromTorchvisionFeaturesMatchesExactly() throws Exception {
        List<String> failures = new ArrayList<>();
        for (ParityReferences.Reference r : ParityReferences.require()) {
            try (MaskRcnn model = load(r);
                    Npz npz = Npz.open(r.npz());
                    NDManager tmp = model.manager().newSubManager()) {
                long[] ts = r.shape("transformed");
                NDArray input = npz.get("transformed", tmp).reshape(1, ts[0], ts[1], ts[2]);
                long[] is = r.shape("image");
                ImageList batch = new ImageList(
                        input, List.<int[]>of(resizedSize(r)), List.<int[]>of(new int[] {(int) is[1], (int) is[2]}));
                Map<String, NDArray> features = new LinkedHashMap<>();
                for (String k : List.of("0", "1", "2", "3", "pool")) {
                    long[] s = r.shape("features." + k);
                    features.put(k, npz.get("features." + k, tmp).reshape(1, s[0], s[1], s[2]));
                }
                long t0 = System.nanoTime();
                MaskRcnnOutput out = model.detectFromFeatures(batch, features).get(0);
                long t1 = System.nanoTime();
                String n = r.name() + " from-features";
                try {
                    Detections d = out.detections();
                    int[] perm = ParityAssert.assertDetections(
                            n + " detections",
                            d.boxes(),
                            d.scores(),
                            d.labels(),
                            npz.floats("detections.boxes"),
                            npz.floats("detections.scores"),
                            labels(npz));
                    compareMasksAndKeypoints(n, out, perm, npz);
                } catch (AssertionError e) {
                    failures.add(n + ": " + e.getMessage());
                }
                System.out.printf("timing %s rpn + roi heads + postprocess (CPU) %.0f ms%n", n, (t1 - t0) / 1e6);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void fromPixelsMatchesWithinFloatNoise() throws Exception {
        List<String> failures = new ArrayList<>();
        for (ParityReferences.Reference r : ParityReferences.require()) {
            try (MaskRcnn model = load(r);
                    Npz npz = Npz.open(r.npz())) {
                NDArray image = npz.get("image", model.manager());
                stages(r, model, image, npz);
                long t0 = System.nanoTime();
                MaskRcnnOutput out = model.detect(List.of(image)).get(0);
                long t1 = System.nanoTime();
                System.out.printf("timing %s end-to-end detect (CPU, 1 image) %.0f ms%n", r.name(), (t1 - t0) / 1e6);
                try {
                    assertEquals(r.shape("image")[1], out.height());
                    assertEquals(r.shape("image")[2], out.width());
                    Detections d = out.detections();
                    float[] rb = npz.floats("detections.boxes");
                    float[] rs = npz.floats("detections.scores");
                    int[] rl = labels(npz);
                    float[] b = d.boxes();
                    for (int i = 0; i < 3; i++) {
                        assertEquals(rl[i], d.labels()[i], r.name() + " label of detection " + i);
                        double bd = 0;
                        for (int k = 0; k < 4; k++) {
                            bd = Math.max(bd, Math.abs(b[4 * i + k] - rb[4 * i + k]));
                        }
                        assertTrue(bd <= E2E_BOX_TOL_PX, r.name() + " box of detection " + i + " off by " + bd + " px");
                    }
                    int matched = 0;
                    double maxBox = 0;
                    double maxScore = 0;
                    boolean[] used = new boolean[d.size()];
                    for (int i = 0; i < rs.length; i++) {
                        int best = -1;
                        double bestD = Double.MAX_VALUE;
                        for (int j = 0; j < d.size(); j++) {
                            if (used[j] || d.labels()[j] != rl[i]) {
                                continue;
                            }
                            double bd = 0;
                            for (int k = 0; k < 4; k++) {
                                bd = Math.max(bd, Math.abs(b[4 * j + k] - rb[4 * i + k]));
                            }
                            if (bd < bestD) {
                                bestD = bd;
                                best = j;
                            }
                        }
                        if (best >= 0 && bestD <= E2E_BOX_TOL_PX) {
                            used[best] = true;
                            matched++;
                            maxBox = Math.max(maxBox, bestD);
                            maxScore = Math.max(maxScore, Math.abs(d.scores()[best] - rs[i]));
                        }
                    }
                    System.out.printf(
                            "parity %s end-to-end: %d/%d torchvision detections matched, max box diff %.3e px, "
                                    + "max score diff %.3e%n",
                            r.name(), matched, rs.length, maxBox, maxScore);
                    assertTrue(matched >= E2E_MIN_MATCHED * rs.length, r.name() + " only " + matched + " matched");
                    assertTrue(maxScore <= E2E_SCORE_TOL, r.name() + " score diff " + maxScore);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static MaskRcnn load(ParityReferences.Reference r) throws Exception {
        String arch = r.model().equals("maskrcnn") ? MaskRcnnConfig.MASKRCNN : MaskRcnnConfig.KEYPOINTRCNN;
        return MaskRcnn.load(r.pth(), arch, c -> c.withBoxScoreThresh(0f).withBnEps(r.frozenBnEps()), Device.cpu());
    }

    private static int[] labels(Npz npz) throws Exception {
        float[] f = npz.floats("detections.labels");
        int[] l = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            l[i] = Math.round(f[i]);
        }
        return l;
    }

    private static void compareMasksAndKeypoints(String n, MaskRcnnOutput out, int[] perm, Npz npz) throws Exception {
        if (out.hasMasks()) {
            float[] ref = npz.floats("detections.masks");
            int plane = out.height() * out.width();
            float[] mine = new float[ref.length];
            for (int i = 0; i < perm.length; i++) {
                System.arraycopy(out.pastedMask(perm[i]), 0, mine, i * plane, plane);
            }
            ParityAssert.assertClose(n + " detections.masks", mine, ref);
        }
        if (out.hasKeypoints()) {
            int k = out.numKeypoints();
            float[] kp = new float[out.keypoints().length];
            float[] ks = new float[out.keypointScores().length];
            for (int i = 0; i < perm.length; i++) {
                System.arraycopy(out.keypoints(), perm[i] * k * 3, kp, i * k * 3, k * 3);
                System.arraycopy(out.keypointScores(), perm[i] * k, ks, i * k, k);
            }
            ParityAssert.assertKeypoints(
                    n + " detections.keypoints",
                    kp,
                    ks,
                    npz.floats("detections.keypoints"),
                    npz.floats("detections.keypoints_scores"),
                    0.01);
        }
    }

    /** torchvision's resized size (float32 scale computed as reciprocal(min side) * 800, then floor(side * scale)). */
    private static int[] resizedSize(ParityReferences.Reference r) {
        long[] s = r.shape("image");
        int h = (int) s[1];
        int w = (int) s[2];
        float scale = Math.min((1f / Math.min(h, w)) * 800f, (1f / Math.max(h, w)) * 1333f);
        return new int[] {Interpolate.scaledSize(h, scale), Interpolate.scaledSize(w, scale)};
    }

    /** Prints how far the transform and the backbone are from torchvision (the sources of the end-to-end noise). */
    private static void stages(ParityReferences.Reference r, MaskRcnn model, NDArray image, Npz npz) throws Exception {
        try (NDManager tmp = model.manager().newSubManager()) {
            ImageList batch = model.transform().apply(List.of(image), tmp);
            float[] mine = batch.tensors().toFloatArray();
            float[] ref = npz.floats("transformed");
            if (mine.length == ref.length) {
                report(r.name() + " transformed", mine, ref);
            }
            Map<String, NDArray> f = model.backbone().forward(batch.tensors());
            for (String k : f.keySet()) {
                float[] a = f.get(k).toFloatArray();
                float[] b = npz.floats("features." + k);
                if (a.length == b.length) {
                    report(r.name() + " features." + k + " (from pixels)", a, b);
                }
            }
        }
    }

    private static void report(String what, float[] a, float[] b) {
        double d = ParityReferences.maxAbsDiff(a, b);
        double s = ParityReferences.maxAbs(b);
        System.out.printf("stage %-50s max|diff| %.3e rel %.3e%n", what, d, s == 0 ? d : d / s);
    }
}
