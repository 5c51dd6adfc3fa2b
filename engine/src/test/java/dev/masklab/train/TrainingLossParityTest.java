package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.io.Npz;
import dev.masklab.model.ops.TorchvisionOracle;
import dev.masklab.model.roi.KeypointLoss;
import dev.masklab.model.roi.KeypointTargets;
import dev.masklab.model.roi.RoiHeads;
import dev.masklab.testing.SharedData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Training losses and gradients against torchvision on every parity reference made with {@code --train}:
 * the reference's weights, image and ground truth, sampling made exhaustive (batch sizes 10**7) and the RPN
 * keeping 2000 proposals before and after NMS, as the reference script does. Each loss within 1e-4
 * relative, each recorded gradient within 1e-3 (norm of the difference / norm of the reference).
 *
 * <p>A term outside those bounds is judged against the exact value: torchvision's own computation in float64 on
 * the same input ({@code torchvision_float64_losses.py}, run only then). A loss passes when the engine is at least as
 * close to it as torchvision's float32 result is (or within the bound of it): float32 rounding can flip a discrete
 * decision (a proposal kept by NMS at 0.7, matched at IoU 0.5, or at a top-k boundary) in either implementation;
 * on keypointrcnn seed 5 torchvision's recorded loss_classifier is 4.1e-4 off its own float64 value, the engine's
 * 6.5e-5. A gradient passes when its distance to float64 is at most {@link #GRAD_ROUNDING_FACTOR} times
 * torchvision's float32's: torchvision's own float32 gradients are up to 5e-3 off float64 on some references,
 * above the 1e-3 bound (docs/benchmarks.md). A keypoint loss may also be a heatmap-cell tie
 * ({@link #keypointCellTies}).
 */
class TrainingLossParityTest {
    static final double LOSS_TOL = 1e-4;
    static final double GRAD_TOL = 1e-3;
    /** A gradient outside GRAD_TOL passes when its distance to float64 is at most this times torchvision's float32's. */
    static final double GRAD_ROUNDING_FACTOR = 1.5;

    static final String[] GRADS = {
        "rpn.head.conv.0.0.weight", "roi_heads.box_head.fc6.weight", "backbone.fpn.layer_blocks.0.0.weight"
    };

    @TestFactory
    Stream<DynamicTest> lossesAndGradientsMatchTorchvision() {
        List<ParityReferences.Reference> refs = ParityReferences.require().stream()
                .filter(r -> r.manifest().path("losses").size() > 0)
                .toList();
        return refs.stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> check(r)));
    }

    static void check(ParityReferences.Reference ref) throws Exception {
        boolean masks = ref.model().equals("maskrcnn");
        Architecture arch = masks ? Architecture.MASKRCNN_RESNET50_FPN : Architecture.KEYPOINTRCNN_RESNET50_FPN;
        try (NDManager m = NDManager.newBaseManager();
                Npz npz = Npz.open(ref.npz())) {
            Map<String, NDArray> weights = TrainingRun.loadWeights(ref.pth(), m);
            int numClasses = (int) weights.get("roi_heads.box_predictor.cls_score.weight")
                    .getShape()
                    .get(0);
            int numKeypoints = masks
                    ? 0
                    : (int) weights.get("roi_heads.keypoint_predictor.kps_score_lowres.bias")
                            .getShape()
                            .get(0);
            long[] shape = npz.shape("image");
            int h = (int) shape[1];
            int w = (int) shape[2];
            float[] image = npz.floats("image");
            float[] boxes = npz.floats("target.boxes");
            float[] labelF = npz.floats("target.labels");
            int n = labelF.length;
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = Math.round(labelF[i]);
            }
            byte[][] maskArr = null;
            float[] kps = null;
            if (masks) {
                float[] mk = npz.floats("target.masks");
                maskArr = new byte[n][h * w];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < h * w; j++) {
                        maskArr[i][j] = (byte) (mk[i * h * w + j] > 0.5f ? 1 : 0);
                    }
                }
            } else {
                kps = keypointsOf(ref.manifest().path("image").asText(), n, numKeypoints);
            }
            TrainingSample original = new TrainingSample(0, h, w, image, boxes, labels, maskArr, kps, numKeypoints);
            TrainingConfig config = TrainingConfig.standard().toBuilder()
                    .rpnBatchPerImage(10_000_000)
                    .boxBatchPerImage(10_000_000)
                    .batchSize(1)
                    .warmupIterations(0)
                    .milestoneFractions()
                    .flipProbability(0)
                    .skipEmptyImages(false)
                    .seed(0)
                    .loaderThreads(1)
                    .frozenBnEps(ref.frozenBnEps())
                    .build();
            MaskRcnnTraining model =
                    new MaskRcnnTraining(arch, weights, numClasses, numKeypoints, config, m, ref.frozenBnEps());
            model.recordKeypointInputs();
            // torchvision's training transform draws the shorter side from min_size (Keypoint R-CNN: 640..800 step 32,
            // Mask R-CNN: 800) with torch's global RNG, which the reference does not record: take the size whose RPN
            // objectness loss matches (the RPN loss depends on the image size through the anchors' targets)
            int[] candidates = masks ? new int[] {800} : new int[] {800, 768, 736, 704, 672, 640};
            double expectedObj =
                    ref.manifest().path("losses").path("loss_objectness").asDouble();
            TrainingSample sample = null;
            int trainSize = 0;
            StringBuilder tried = new StringBuilder();
            for (int size : candidates) {
                TrainingSample s = prepared(original, npz, size, 1333);
                trainSize = size;
                if (candidates.length == 1) {
                    sample = s;
                    break;
                }
                try (NDManager step = m.newSubManager()) {
                    double obj = model.rpnLosses(List.of(s), new Random(0), step)
                            .get("loss_objectness")
                            .getFloat();
                    tried.append(" ").append(size).append(":").append(obj);
                    if (Math.abs(obj - expectedObj) <= 1e-3 * expectedObj) {
                        sample = s;
                        break;
                    }
                }
            }
            assertTrue(sample != null, "no training size reproduces loss_objectness " + expectedObj + ":" + tried);
            boolean exactInput = sample.height() == exactHeight(original, npz);
            Map<String, Double> ours = new LinkedHashMap<>();
            Map<String, Double> theirs = new LinkedHashMap<>();
            Map<String, float[]> ourGrads = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            StringBuilder report = new StringBuilder(ref.name()
                    + (exactInput
                            ? " (reference input)"
                            : " (input resized here to " + sample.height() + "x" + sample.width() + ")"));
            try (NDManager step = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> losses = model.losses(List.of(sample), new Random(0), step);
                NDArray total = null;
                JsonNode expected = ref.manifest().path("losses");
                for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    NDArray v = losses.get(k);
                    if (v == null) {
                        failures.add(k + " missing");
                        continue;
                    }
                    ours.put(k, (double) v.getFloat());
                    theirs.put(k, expected.get(k).asDouble());
                    total = total == null ? v : total.add(v);
                }
                gc.backward(total);
                for (String g : GRADS) {
                    ourGrads.put(g, model.weights().get(g).getGradient().toFloatArray());
                }
            }
            List<String> outside = new ArrayList<>();
            for (String k : ours.keySet()) {
                double rel = Math.abs(ours.get(k) - theirs.get(k)) / Math.abs(theirs.get(k));
                report.append(String.format(
                        "%n  %-18s ours %.8g torchvision %.8g rel %.2e", k, ours.get(k), theirs.get(k), rel));
                if (!(rel <= LOSS_TOL)) {
                    outside.add(k);
                }
            }
            for (String g : GRADS) {
                double rel = relDiff(ourGrads.get(g), npz.floats("grad." + g));
                report.append(String.format("%n  grad %-38s rel %.2e", g, rel));
                if (!(rel <= GRAD_TOL)) {
                    outside.add("grad." + g);
                }
            }
            if (outside.contains("loss_keypoint")) {
                // a keypoint a hair from a heatmap cell edge lands in either cell depending on the proposal's last bits
                RoiHeads.KeypointLossInputs in = model.keypointInputs();
                try (NDManager tm = m.newSubManager()) {
                    String tie = keypointCellTies(in, theirs.get("loss_keypoint"), tm);
                    report.append(String.format(
                            "%n  loss_keypoint: %s", tie == null ? "no heatmap-cell tie explains it" : tie));
                    if (tie != null) {
                        outside.remove("loss_keypoint");
                    }
                }
            }
            if (!outside.isEmpty()) {
                // torchvision's float32 result is itself off the exact value when a discrete decision (NMS at 0.7,
                // matching
                // at 0.5, a top-k boundary) flips on float rounding: judge those terms against torchvision in float64
                report.append(String.format("%n  outside the float32 tolerance: %s; torchvision in float64:", outside));
                if (!TorchvisionOracle.available()) {
                    failures.addAll(outside);
                    report.append(" not available (/usr/bin/python3 with torchvision)");
                } else {
                    Float64 exact = float64(ref, trainSize);
                    for (String k : outside) {
                        boolean grad = k.startsWith("grad.");
                        double oursErr;
                        double theirsErr;
                        if (grad) {
                            float[] g64 = exact.grads().get(k);
                            oursErr = relDiff(ourGrads.get(k.substring(5)), g64);
                            theirsErr = relDiff(npz.floats(k), g64);
                        } else {
                            double l64 = exact.losses().get(k);
                            oursErr = Math.abs(ours.get(k) - l64) / Math.abs(l64);
                            theirsErr = Math.abs(theirs.get(k) - l64) / Math.abs(l64);
                        }
                        // a loss outside the bound is a flipped discrete decision: the engine must not be the one off;
                        // a gradient's
                        // float32 rounding error alone can exceed the bound, in torchvision as in the engine: same
                        // order required
                        boolean ok = grad
                                ? oursErr <= Math.max(GRAD_TOL, GRAD_ROUNDING_FACTOR * theirsErr)
                                : oursErr <= Math.max(LOSS_TOL, theirsErr);
                        report.append(String.format(
                                "%n  %-44s ours %.2e, torchvision float32 %.2e off float64: %s",
                                k,
                                oursErr,
                                theirsErr,
                                !ok
                                        ? "FAIL"
                                        : grad
                                                ? "within " + GRAD_ROUNDING_FACTOR + "x torchvision's own float32 error"
                                                : "as close as torchvision's own float32"));
                        if (!ok) {
                            failures.add(k);
                        }
                    }
                }
            }
            System.out.println(report);
            assertTrue(failures.isEmpty(), "outside tolerance: " + failures + "\n" + report);
        }
    }

    /** Heatmap cells closer than this to a keypoint count as ties (1e-3 cells: about 1e-2 px on a 600 px proposal). */
    static final float CELL_TIE = 1e-3f;

    /**
     * When keypoints lie within {@link #CELL_TIE} of a heatmap cell edge (either cell is float32 rounding, given
     * proposals that agree with torchvision's to about 1e-3 px), the engine's loss with those keypoints in the
     * neighbouring cell: a description if some assignment brings it within {@link #LOSS_TOL} of {@code expected},
     * else null (also when there are no such keypoints or more than 8).
     */
    static String keypointCellTies(RoiHeads.KeypointLossInputs in, double expected, NDManager m) {
        int k = in.numKeypoints();
        int size = in.size();
        KeypointTargets base = KeypointTargets.compute(in.keypoints(), in.rois(), k, size);
        List<int[]> ties = new ArrayList<>(); // {entry, axis, alternative cell}
        List<String> where = new ArrayList<>();
        for (int e = 0; e < base.valid().length; e++) {
            int r = e / k;
            if (!(in.keypoints()[3 * e + 2] > 0)) {
                continue;
            }
            for (int axis = 0; axis < 2; axis++) {
                float u = KeypointTargets.cell(
                        in.keypoints()[3 * e + axis], in.rois()[4 * r + axis], in.rois()[4 * r + 2 + axis], size);
                long edge = Math.round(u);
                if (Math.abs(u - edge) <= CELL_TIE && edge >= 0 && edge <= size) {
                    ties.add(new int[] {e, axis, (int) (Math.floor(u) == edge ? edge - 1 : edge)});
                    where.add(String.format("proposal %d keypoint %d %s %.6f", r, e % k, axis == 0 ? "x" : "y", u));
                }
            }
        }
        if (ties.isEmpty() || ties.size() > 8) {
            return null;
        }
        NDArray logits = m.create(in.logits(), new ai.djl.ndarray.types.Shape(in.rois().length / 4, k, size, size));
        for (int mask = 1; mask < 1 << ties.size(); mask++) {
            int[] index = base.index().clone();
            boolean[] valid = base.valid().clone();
            Map<Integer, long[]> cells =
                    new LinkedHashMap<>(); // entry -> its (x, y) cell, both axes of a keypoint may move
            for (int t = 0; t < ties.size(); t++) {
                if ((mask & 1 << t) != 0) {
                    int[] tie = ties.get(t);
                    cells.computeIfAbsent(tie[0], e -> cellsOf(in, e, size))[tie[1]] = tie[2];
                }
            }
            cells.forEach((e, xy) -> {
                valid[e] = xy[0] >= 0 && xy[1] >= 0 && xy[0] < size && xy[1] < size;
                index[e] = valid[e] ? (int) (xy[1] * size + xy[0]) : 0;
            });
            double loss = KeypointLoss.compute(logits, new KeypointTargets(index, valid))
                    .getFloat();
            double rel = Math.abs(loss - expected) / Math.abs(expected);
            if (rel <= LOSS_TOL) {
                List<String> moved = new ArrayList<>();
                for (int t = 0; t < ties.size(); t++) {
                    if ((mask & 1 << t) != 0) {
                        moved.add(where.get(t));
                    }
                }
                return String.format(
                        "a heatmap-cell tie (within %.0e cells of an edge: %s); in the neighbouring cell the loss is"
                                + " %.8g, rel %.2e",
                        CELL_TIE, String.join(", ", moved), loss, rel);
            }
        }
        return null;
    }

    /** The heatmap cell (x, y) of keypoint entry {@code e} (proposal {@code e / K}) as {@link KeypointTargets} puts it. */
    private static long[] cellsOf(RoiHeads.KeypointLossInputs in, int e, int size) {
        int r = e / in.numKeypoints();
        long[] xy = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            xy[axis] = KeypointTargets.cellOf(
                    in.keypoints()[3 * e + axis], in.rois()[4 * r + axis], in.rois()[4 * r + 2 + axis], size);
        }
        return xy;
    }

    static double relDiff(float[] a, float[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += ((double) a[i] - ref[i]) * ((double) a[i] - ref[i]);
            norm += (double) ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    record Float64(Map<String, Double> losses, Map<String, float[]> grads) {}

    /** torchvision's losses and recorded gradients in float64 with the training transform's shorter side {@code size}. */
    static Float64 float64(ParityReferences.Reference ref, int size) throws Exception {
        Path script = Files.createTempFile("torchvision_float64_losses", ".py");
        Path out = Files.createTempFile("float64-grads", ".npz");
        try (InputStream in = TrainingLossParityTest.class.getResourceAsStream("torchvision_float64_losses.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("ref", ref.dir().toAbsolutePath().toString());
            input.put("size", size);
            input.put("shared", SharedData.root().toAbsolutePath().toString());
            input.put("threads", Runtime.getRuntime().availableProcessors());
            input.put("out", out.toString());
            input.put("grads", List.of(GRADS));
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            p.getOutputStream().write(new ObjectMapper().writeValueAsBytes(input));
            p.getOutputStream().close();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(1200, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("torchvision float64 losses failed for " + ref.dir());
            }
            Map<String, Double> losses = new LinkedHashMap<>();
            new ObjectMapper()
                    .readTree(stdout)
                    .fields()
                    .forEachRemaining(e -> losses.put(e.getKey(), e.getValue().asDouble()));
            Map<String, float[]> grads = new LinkedHashMap<>();
            try (Npz g = Npz.open(out)) {
                for (String name : GRADS) {
                    grads.put("grad." + name, g.floats("grad." + name));
                }
            }
            return new Float64(losses, grads);
        } finally {
            Files.deleteIfExists(script);
            Files.deleteIfExists(out);
        }
    }

    /**
     * The sample resized like torchvision's transform to shorter side {@code minSize}; at the reference's own
     * evaluation size the input is its recorded transformed image (unpadded part), so that the comparison is
     * about the training computation (the image path is checked against torch in DataPipelineTest).
     */
    static TrainingSample prepared(TrainingSample original, Npz npz, int minSize, int maxSize) throws Exception {
        int h = original.height();
        int w = original.width();
        int[] hw = TargetResize.outputSize(h, w, minSize, maxSize);
        long[] ts = npz.shape("transformed");
        float[] input;
        if (minSize == 800 && hw[0] <= ts[1] && hw[1] <= ts[2] && (ts[1] - hw[0]) < 32 && (ts[2] - hw[1]) < 32) {
            float[] transformed = npz.floats("transformed");
            input = new float[3 * hw[0] * hw[1]];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < hw[0]; y++) {
                    System.arraycopy(
                            transformed, (int) ((c * ts[1] + y) * ts[2]), input, (c * hw[0] + y) * hw[1], hw[1]);
                }
            }
        } else {
            input = TrainingBatches.normalizeAndResize(original.image(), h, w, hw[0], hw[1]);
        }
        return TargetResize.targets(original, hw[0], hw[1], input);
    }

    /** Height of the reference's recorded transformed image, unpadded (its evaluation size, shorter side 800). */
    static int exactHeight(TrainingSample original, Npz npz) throws Exception {
        return TargetResize.outputSize(original.height(), original.width(), 800, 1333)[0];
    }

    /** The image's non-crowd annotations' keypoints from the shared COCO person set (as the reference script). */
    static float[] keypointsOf(String imageName, int n, int k) throws Exception {
        Path gt = SharedData.path("data/coco-person-kp/test_coco.json");
        CocoDataset ds = CocoReader.read(gt);
        CocoImage img = ds.images().stream()
                .filter(i -> Path.of(i.fileName()).getFileName().toString().equals(imageName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(imageName + " not in " + gt));
        List<CocoAnnotation> anns =
                ds.annotationsOf(img.id()).stream().filter(a -> !a.isCrowd()).toList();
        if (anns.size() != n) {
            throw new IllegalStateException(
                    anns.size() + " annotations in " + gt + " for " + imageName + ", reference has " + n);
        }
        float[] out = new float[n * k * 3];
        for (int i = 0; i < n; i++) {
            double[] kp = anns.get(i).keypoints();
            for (int j = 0; j < k * 3; j++) {
                out[i * k * 3 + j] = (float) kp[j];
            }
        }
        return out;
    }
}
