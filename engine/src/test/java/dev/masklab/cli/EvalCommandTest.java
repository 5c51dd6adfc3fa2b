package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code masklab eval} in-process on the shared fixtures. */
class EvalCommandTest {
    private static final ObjectMapper OM = new ObjectMapper();
    private static final Path SHARED = SharedData.root();
    private static final Path PERSON = SHARED.resolve("fixtures/coco-eval/person-s1");
    private static final Path PERSON_GT = SHARED.resolve("data/coco-person-kp/test_coco.json");
    private static final Path VOC = SHARED.resolve("fixtures/coco-eval/voc-s1");
    private static final Path VOC_GT = SHARED.resolve("data/labelme-voc/annotations.json");

    private record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static JsonNode expected(Path fixture, String type) throws IOException {
        return OM.readTree(fixture.resolve("expected.json").toFile())
                .get("stats")
                .get(type);
    }

    @Test
    void jsonOutputIsOneObjectWithPycocotoolsStats() throws IOException {
        Run r = run(
                "eval",
                "--gt",
                PERSON_GT.toString(),
                "--dt",
                PERSON.resolve("detections.json").toString(),
                "--iou-type",
                "segm",
                "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.outLines().size(), r.out());
        JsonNode o = OM.readTree(r.out());
        assertEquals("segm", o.get("iouType").asText());
        JsonNode exp = expected(PERSON, "segm");
        assertEquals(12, o.get("stats").size());
        for (int i = 0; i < 12; i++)
            assertEquals(exp.get(i).asDouble(), o.get("stats").get(i).asDouble(), 1e-6);
        JsonNode person = o.get("perCategory").get("1");
        assertEquals("person", person.get("name").asText());
        // a single category: its AP is the overall AP, its AP50 the overall AP50
        assertEquals(exp.get(0).asDouble(), person.get("ap").asDouble(), 1e-6);
        assertEquals(exp.get(1).asDouble(), person.get("ap50").asDouble(), 1e-6);
        assertEquals(exp.get(8).asDouble(), person.get("ar").asDouble(), 1e-6);
        assertEquals(List.of("1"), iterable(o.get("perCategory")));
    }

    private static List<String> iterable(JsonNode obj) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        obj.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void jsonPerCategoryCoversEveryGroundTruthCategory() throws IOException {
        Run r = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                VOC.resolve("detections.json").toString(),
                "--iou-type",
                "bbox",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = OM.readTree(r.out());
        JsonNode gt = OM.readTree(VOC_GT.toFile());
        assertEquals(gt.get("categories").size(), o.get("perCategory").size());
        // categories without ground truth have AP -1; the mean of the others is the overall AP
        double sum = 0;
        int n = 0;
        for (JsonNode c : o.get("perCategory")) {
            double ap = c.get("ap").asDouble();
            if (ap > -1) {
                sum += ap;
                n++;
            } else {
                assertEquals(0, c.get("gtCount").asInt());
            }
        }
        assertTrue(n > 0);
        assertEquals(expected(VOC, "bbox").get(0).asDouble(), sum / n, 1e-6);
    }

    @Test
    void textOutputIsThePycocotoolsSummary() throws IOException {
        Run r = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                VOC.resolve("detections.json").toString(),
                "--iou-type",
                "bbox");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.outLines();
        assertEquals(12, lines.size(), r.out());
        JsonNode exp = expected(VOC, "bbox");
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = %.3f",
                        exp.get(0).asDouble()),
                lines.get(0));
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = %.3f",
                        exp.get(11).asDouble()),
                lines.get(11));
        assertTrue(lines.get(6).contains("| maxDets=  1 ]"), lines.get(6));
    }

    @Test
    void keypointsSummaryHasTenLines() throws IOException {
        Run r = run(
                "eval",
                "--gt",
                PERSON_GT.toString(),
                "--dt",
                PERSON.resolve("detections.json").toString(),
                "--iou-type",
                "keypoints");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.outLines();
        assertEquals(10, lines.size(), r.out());
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets= 20 ] = %.3f",
                        expected(PERSON, "keypoints").get(3).asDouble()),
                lines.get(3));
    }

    @Test
    void errorsAreOneLineAndExitTwo(@TempDir Path tmp) throws IOException {
        Path dets = VOC.resolve("detections.json");
        Run missing =
                run("eval", "--gt", tmp.resolve("nope.json").toString(), "--dt", dets.toString(), "--iou-type", "bbox");
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("nope.json"), missing.err());
        assertEquals("", missing.out());

        Run badType = run("eval", "--gt", VOC_GT.toString(), "--dt", dets.toString(), "--iou-type", "mask");
        assertEquals(2, badType.code());
        assertTrue(badType.err().contains("unknown iou type 'mask'"), badType.err());

        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3");
        Run malformed = run("eval", "--gt", VOC_GT.toString(), "--dt", broken.toString(), "--iou-type", "bbox");
        assertEquals(2, malformed.code());
        assertEquals(1, malformed.err().lines().count(), malformed.err());
        assertTrue(malformed.err().contains("broken.json"), malformed.err());

        // voc has no keypoint category: keypoints evaluation says so and names the files
        Run noKps = run("eval", "--gt", VOC_GT.toString(), "--dt", dets.toString(), "--iou-type", "keypoints");
        assertEquals(2, noKps.code());
        assertEquals(1, noKps.err().lines().count(), noKps.err());
        assertTrue(
                noKps.err().contains("no category of the ground truth has keypoints")
                        && noKps.err().contains("annotations.json")
                        && noKps.err().contains("detections.json"),
                noKps.err());

        // person results without keypoints for a keypoint category: the result is named
        Path noKpsDets = tmp.resolve("no-kps.json");
        Files.writeString(
                noKpsDets,
                "[{\"image_id\": 785, \"category_id\": 1, \"score\": 0.5," + " \"bbox\": [10, 10, 50, 80]}]");
        Run missingKps =
                run("eval", "--gt", PERSON_GT.toString(), "--dt", noKpsDets.toString(), "--iou-type", "keypoints");
        assertEquals(2, missingKps.code());
        assertTrue(missingKps.err().contains("result 1 (image 785) has no keypoints"), missingKps.err());
    }

    private static final Path CROWD = SHARED.resolve("fixtures/coco-eval/person-s3-crowd");

    /** pycocotools' own errors document (bench/make-eval-errors-expected.py) for a fixture, type and threshold. */
    private static JsonNode pycocotoolsErrors(Path fixture, String type, String thr) throws Exception {
        Path p = Path.of(EvalCommandTest.class
                .getResource("/dev/masklab/eval/pycocotools-errors/" + fixture.getFileName() + ".json")
                .toURI());
        return OM.readTree(p.toFile()).get("errors").get(type).get(thr);
    }

    @Test
    void errorsFileIsPycocotoolsEvalImgsAndStdoutIsUnchanged(@TempDir Path tmp) throws Exception {
        String[] base = {
            "eval",
            "--gt",
            CROWD.resolve("gt.json").toString(),
            "--dt",
            CROWD.resolve("detections.json").toString(),
            "--iou-type",
            "segm"
        };
        Run plain = run(base);
        Path out = tmp.resolve("sub/errors.json");
        String[] withErrors = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(base),
                        java.util.stream.Stream.of("--errors", out.toString(), "--iou-threshold", "0.75"))
                .toArray(String[]::new);
        Run r = run(withErrors);
        assertEquals(0, r.code(), r.err());
        assertEquals(plain.out(), r.out());
        assertEquals("", r.err());
        JsonNode doc = OM.readTree(out.toFile());
        assertEquals(List.of("iouType", "iouThreshold", "images"), iterable(doc));
        assertEquals(pycocotoolsErrors(CROWD, "segm", "0.75").toString(), doc.toString());
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void errorsDefaultToIouHalfForKeypoints(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("errors.json");
        Run r = run(
                "eval",
                "--gt",
                PERSON_GT.toString(),
                "--dt",
                PERSON.resolve("detections.json").toString(),
                "--iou-type",
                "keypoints",
                "--errors",
                out.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.outLines().size(), r.out());
        JsonNode doc = OM.readTree(out.toFile());
        assertEquals(0.5, doc.get("iouThreshold").asDouble());
        assertEquals(pycocotoolsErrors(PERSON, "keypoints", "0.5").toString(), doc.toString());
    }

    @Test
    void iouThresholdsOutsideCocosAreRefusedByName(@TempDir Path tmp) {
        Path out = tmp.resolve("errors.json");
        for (String bad : new String[] {"0.62", "0.3", "1", "half"}) {
            Run r = run(
                    "eval",
                    "--gt",
                    VOC_GT.toString(),
                    "--dt",
                    VOC.resolve("detections.json").toString(),
                    "--iou-type",
                    "bbox",
                    "--errors",
                    out.toString(),
                    "--iou-threshold",
                    bad);
            assertEquals(2, r.code(), bad);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(
                    r.err().contains("--iou-threshold " + bad + " is not one of COCO's IoU thresholds (0.5, 0.55,"),
                    r.err());
            assertEquals("", r.out());
        }
        assertTrue(Files.notExists(out));
        Run ok = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                VOC.resolve("detections.json").toString(),
                "--iou-type",
                "bbox",
                "--errors",
                out.toString(),
                "--iou-threshold",
                "0.95");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(out));
        Run noErrors = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                VOC.resolve("detections.json").toString(),
                "--iou-type",
                "bbox",
                "--iou-threshold",
                "0.5");
        assertEquals(2, noErrors.code());
        assertTrue(noErrors.err().contains("--iou-threshold applies to --errors only"), noErrors.err());
    }

    @Test
    void detectionsOnCrowdRegionsAndIgnoredTruthAreInNoList(@TempDir Path tmp) throws IOException {
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, """
                {"images": [{"id": 7, "file_name": "a.jpg", "width": 400, "height": 400}],
                 "categories": [{"id": 3, "name": "c"}],
                 "annotations": [
                  {"id": 10, "image_id": 7, "category_id": 3, "bbox": [0, 0, 100, 100], "area": 10000, "iscrowd": 1},
                  {"id": 11, "image_id": 7, "category_id": 3, "bbox": [200, 200, 50, 50], "area": 2500, "iscrowd": 0},
                  {"id": 12, "image_id": 7, "category_id": 3, "bbox": [300, 10, 40, 40], "area": 1600, "iscrowd": 0}]}
                """);
        Path dt = tmp.resolve("dt.json");
        Files.writeString(dt, """
                [{"image_id": 7, "category_id": 3, "bbox": [10, 10, 20, 20], "score": 0.9},
                 {"image_id": 7, "category_id": 3, "bbox": [201, 200, 50, 50], "score": 0.8},
                 {"image_id": 7, "category_id": 3, "bbox": [150, 300, 30, 30], "score": 0.7}]
                """);
        Path out = tmp.resolve("errors.json");
        Run r = run(
                "eval", "--gt", gt.toString(), "--dt", dt.toString(), "--iou-type", "bbox", "--errors", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "{\"iouType\":\"bbox\",\"iouThreshold\":0.5,\"images\":[{\"image_id\":7,\"category_id\":3,"
                        + "\"tp\":[[2,11]],\"fp\":[3],\"fn\":[12]}]}",
                OM.readTree(out.toFile()).toString());
    }

    /**
     * {@code --compare}: the VOC fixture's detections (A) against a copy without the detections of one image (B). A and
     * B in the comparison's JSON are what two plain {@code eval --json} runs print, the image ranks first, and the text
     * table shows the category's AP of both with B-A.
     */
    @Test
    void compareShowsBothRunsSideBySide(@TempDir Path tmp) throws IOException {
        Path a = VOC.resolve("detections.json");
        JsonNode dets = OM.readTree(a.toFile());
        long image = dets.get(0).get("image_id").asLong();
        com.fasterxml.jackson.databind.node.ArrayNode kept = OM.createArrayNode();
        for (JsonNode d : dets) if (d.get("image_id").asLong() != image) kept.add(d);
        Path b = tmp.resolve("b.json");
        OM.writeValue(b.toFile(), kept);

        Run cmp = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                a.toString(),
                "--iou-type",
                "segm",
                "--compare",
                b.toString(),
                "--json");
        assertEquals(0, cmp.code(), cmp.err());
        JsonNode o = OM.readTree(cmp.out());
        JsonNode plainA =
                OM.readTree(run("eval", "--gt", VOC_GT.toString(), "--dt", a.toString(), "--iou-type", "segm", "--json")
                        .out());
        JsonNode plainB =
                OM.readTree(run("eval", "--gt", VOC_GT.toString(), "--dt", b.toString(), "--iou-type", "segm", "--json")
                        .out());
        assertEquals(plainA, o.get("a"));
        assertEquals(plainB, o.get("b"));
        assertEquals(image, o.get("images").get(0).get("image_id").asLong());
        assertEquals(0, o.get("images").get(0).get("b").get(0).asInt(), "B has no true positive in the image");

        Run text = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                a.toString(),
                "--iou-type",
                "segm",
                "--compare",
                b.toString(),
                "--top",
                "3");
        assertEquals(0, text.code(), text.err());
        long cat = dets.get(0).get("category_id").asLong();
        JsonNode ca = plainA.get("perCategory").get(Long.toString(cat));
        JsonNode cb = plainB.get("perCategory").get(Long.toString(cat));
        String want = String.format(
                java.util.Locale.ROOT,
                "%-24s %7.3f %7.3f %+7.3f",
                ca.get("name").asText(),
                ca.get("ap").asDouble(),
                cb.get("ap").asDouble(),
                cb.get("ap").asDouble() - ca.get("ap").asDouble());
        assertTrue(text.outLines().stream().anyMatch(l -> l.startsWith(want)), want + "\n" + text.out());
        // header, categories, summary, blank, title, column heads, 3 images
        int cats = plainA.get("perCategory").size();
        assertEquals(1 + cats + 1 + 1 + 1 + 1 + 3, text.outLines().size(), text.out());

        Run bad = run(
                "eval",
                "--gt",
                VOC_GT.toString(),
                "--dt",
                a.toString(),
                "--iou-type",
                "segm",
                "--compare",
                tmp.resolve("missing.json").toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("missing.json"), bad.err());
        Run topAlone = run("eval", "--gt", VOC_GT.toString(), "--dt", a.toString(), "--iou-type", "segm", "--top", "3");
        assertEquals(2, topAlone.code());
    }
}
