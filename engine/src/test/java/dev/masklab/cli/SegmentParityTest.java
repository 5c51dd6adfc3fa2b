package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.Rle;
import dev.masklab.model.io.Npz;
import dev.masklab.predict.SegmentReferences;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance test of {@code masklab segment} against torchvision (bench/torchvision_segment_reference.py: the prompt
 * box treated as a detection, computed with torchvision's own transform, backbone, RoI heads, maskrcnn_inference /
 * keypointrcnn_inference and transform.postprocess) on every box-prompt reference: a Mask R-CNN, a Keypoint R-CNN and
 * a legacy-form Mask R-CNN checkpoint (run with --legacy-eps), each on its own image and seed, with the image's
 * ground-truth boxes, one of them with a given category, and boxes without an object (corners, a strip along the
 * border, a tiny box). Per prompt: the same image_id, bbox and category, score within {@link #SCORE_TOL}, mask IoU
 * >= {@link #MIN_MASK_IOU} (two empty masks count as equal), keypoints within {@link #KEYPOINT_TOL_PX} px. The whole
 * CLI runs from the image's pixels, so the float noise of the backbone (see MaskRcnnParityTest) is included.
 */
class SegmentParityTest {
    static final double SCORE_TOL = 5e-4;
    static final double MIN_MASK_IOU = 0.98;
    static final double KEYPOINT_TOL_PX = 0.5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void segmentMatchesTorchvisionOnBoxPrompts() throws Exception {
        List<String> failures = new ArrayList<>();
        boolean sawGivenCategory = false;
        for (SegmentReferences.Reference r : SegmentReferences.require()) {
            Path out = tmp.resolve(r.name() + "-out.json");
            long t0 = System.nanoTime();
            CliRun run = segment(r, r.prompts(), r.gt(), out);
            long t1 = System.nanoTime();
            assertEquals(0, run.rc, r.name() + ": " + run.err);
            System.out.printf(
                    "timing %s segment CLI (load + %d prompts, CPU) %.0f ms%n",
                    r.name(), JSON.readTree(r.prompts().toFile()).size(), (t1 - t0) / 1e6);
            JsonNode prompts = JSON.readTree(r.prompts().toFile());
            JsonNode expected = JSON.readTree(r.expected().toFile());
            JsonNode actual = JSON.readTree(out.toFile());
            assertEquals(prompts.size(), actual.size(), r.name() + ": one entry per prompt");
            float[] masks = null;
            long[] maskShape = null;
            if (r.hasMasks()) {
                try (Npz npz = Npz.open(r.masks())) {
                    masks = npz.floats("masks");
                    maskShape = npz.shape("masks");
                }
            }
            double maxScore = 0;
            double minIou = 1;
            double maxKp = 0;
            for (int i = 0; i < prompts.size(); i++) {
                JsonNode p = prompts.get(i);
                JsonNode e = expected.get(i);
                JsonNode a = actual.get(i);
                String n = r.name() + " prompt " + i;
                sawGivenCategory |= p.has("category_id");
                try {
                    assertEquals(p.get("image_id").asLong(), a.path("image_id").asLong(), n + " image_id");
                    for (int k = 0; k < 4; k++) {
                        assertEquals(
                                p.get("bbox").get(k).asDouble(),
                                a.path("bbox").get(k).asDouble(),
                                n + " bbox (the prompt's)");
                    }
                    assertEquals(
                            e.get("category_id").asLong(), a.path("category_id").asLong(), n + " category");
                    double ds =
                            Math.abs(e.get("score").asDouble() - a.path("score").asDouble());
                    maxScore = Math.max(maxScore, ds);
                    assertTrue(ds <= SCORE_TOL, n + " score " + a.path("score") + " vs torchvision " + e.get("score"));
                    if (r.hasMasks()) {
                        JsonNode seg = a.path("segmentation");
                        int h = (int) maskShape[1];
                        int w = (int) maskShape[2];
                        assertEquals(h, seg.path("size").get(0).asInt(), n + " mask height");
                        assertEquals(w, seg.path("size").get(1).asInt(), n + " mask width");
                        Rle mine = Rle.fromString(seg.path("counts").asText(), h, w);
                        byte[] refPixels = new byte[h * w];
                        for (int q = 0; q < h * w; q++) {
                            refPixels[q] = (byte) (masks[i * h * w + q] > 0.5f ? 1 : 0);
                        }
                        Rle ref = Rle.encode(refPixels, h, w);
                        double iou = mine.area() == 0 && ref.area() == 0
                                ? 1 // two empty masks agree
                                : Rle.iou(List.of(mine), List.of(ref), new boolean[1])[0][0];
                        minIou = Math.min(minIou, iou);
                        assertTrue(
                                iou >= MIN_MASK_IOU,
                                n + " mask IoU " + iou + " (areas " + mine.area() + ", torchvision " + ref.area()
                                        + ")");
                        assertFalse(a.has("keypoints"), n + " a mask model writes no keypoints");
                    } else {
                        JsonNode kp = a.path("keypoints");
                        JsonNode ek = e.get("keypoints");
                        assertEquals(ek.size(), kp.size(), n + " keypoint values");
                        assertEquals(
                                e.get("keypoint_scores").size(),
                                a.path("keypoint_scores").size(),
                                n + " keypoint scores");
                        for (int k = 0; k < kp.size(); k += 3) {
                            double d = Math.hypot(
                                    kp.get(k).asDouble() - ek.get(k).asDouble(),
                                    kp.get(k + 1).asDouble() - ek.get(k + 1).asDouble());
                            maxKp = Math.max(maxKp, d);
                            assertTrue(d <= KEYPOINT_TOL_PX, n + " keypoint " + k / 3 + " off by " + d + " px");
                            assertEquals(1, kp.get(k + 2).asInt(), n + " keypoint visibility");
                        }
                        assertFalse(a.has("segmentation"), n + " a keypoint model writes no mask");
                    }
                } catch (AssertionError ex) {
                    failures.add(ex.getMessage());
                }
            }
            System.out.printf(
                    "parity %s segment: %d prompts, max score diff %.2e, min mask IoU %.4f, max keypoint "
                            + "distance %.3f px%n",
                    r.name(), prompts.size(), maxScore, minIou, maxKp);
        }
        assertTrue(sawGivenCategory, "the references include a prompt with a given category");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void categoryTheModelLacksIsABadPrompt() throws Exception {
        java.util.Optional<SegmentReferences.Reference> kp =
                SegmentReferences.require().stream().filter(x -> !x.hasMasks()).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(kp.isPresent(), "no Keypoint R-CNN box-prompt reference");
        SegmentReferences.Reference r = kp.get();
        // the dataset knows category 2, the keypoint model (background + person) does not
        ObjectNode gt = (ObjectNode) JSON.readTree(r.gt().toFile());
        ((ArrayNode) gt.get("categories")).addObject().put("id", 2).put("name", "robot");
        Path gtFile = tmp.resolve("gt2.json");
        JSON.writeValue(gtFile.toFile(), gt);
        ArrayNode prompts = (ArrayNode) JSON.readTree(r.prompts().toFile());
        ((ObjectNode) prompts.get(1)).put("category_id", 2);
        Path promptFile = tmp.resolve("prompts.json");
        JSON.writeValue(promptFile.toFile(), prompts);
        Path out = tmp.resolve("out.json");
        CliRun run = segment(r, promptFile, gtFile, out);
        assertEquals(2, run.rc, run.err);
        String line = run.err.strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(
                line.contains("prompt 1 (image_id "
                                + prompts.get(1).get("image_id").asLong() + ")")
                        && line.contains("category 2"),
                line);
        assertFalse(Files.exists(out), "nothing written");
    }

    private record CliRun(int rc, String err) {}

    private CliRun segment(SegmentReferences.Reference r, Path prompts, Path gt, Path out) {
        List<String> args = new ArrayList<>(List.of(
                "segment",
                "--weights",
                r.pth().toString(),
                "--arch",
                r.arch(),
                "--dataset",
                gt.toString(),
                "--image-root",
                SegmentReferences.images().toString(),
                "--prompts",
                prompts.toString(),
                "--out",
                out.toString(),
                "--device",
                "cpu"));
        if (r.legacy()) {
            args.add("--legacy-eps");
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(args.toArray(String[]::new));
        return new CliRun(rc, err.toString());
    }
}
