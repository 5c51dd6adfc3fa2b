package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.Rle;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code masklab convert} run in-process on the shared fixtures. */
class ConvertCommandTest {
    static final Path SHARED = SharedData.root();
    static final ObjectMapper JSON = new ObjectMapper();
    /** Reads NaN/Infinity literals (kept as they were by convert). */
    static final ObjectMapper LENIENT = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build());

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(SHARED.resolve("fixtures/coco-eval"))) {
            return s.filter(p -> Files.exists(p.resolve("expected.json"))).sorted().toList().stream();
        }
    }

    static Path gtOf(Path fixture) throws IOException {
        String gt = JSON.readTree(fixture.resolve("expected.json").toFile())
                .get("gt")
                .asText();
        for (Path p : List.of(
                fixture.resolve(gt),
                SHARED.resolve("data/coco-person-kp").resolve(gt),
                SHARED.resolve("data/labelme-voc").resolve(gt))) {
            if (Files.exists(p)) return p;
        }
        throw new AssertionError("gt of " + fixture);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void rleConversionGivesPycocotoolsMasks(Path fixture) throws IOException {
        Path gt = gtOf(fixture);
        Path out = tmp.resolve("rle.json");
        Run r = run("convert", gt.toString(), "--segmentation", "rle", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<Long, JsonNode> masks = new HashMap<>();
        JSON.readTree(fixture.resolve("expected.json").toFile())
                .get("masks")
                .forEach(m -> masks.put(m.get("id").asLong(), m));
        JsonNode conv = JSON.readTree(out.toFile());
        JsonNode orig = JSON.readTree(gt.toFile());
        assertEquals(masks.size(), conv.get("annotations").size());
        for (JsonNode a : conv.get("annotations")) {
            JsonNode exp = masks.get(a.get("id").asLong());
            assertEquals(
                    exp.get("counts").asText(),
                    a.get("segmentation").get("counts").asText());
            assertEquals(exp.get("area").asDouble(), a.get("area").asDouble());
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        exp.get("bbox").get(i).asDouble(), a.get("bbox").get(i).asDouble(), 1e-9);
            }
        }
        // everything but segmentation, area and bbox unchanged
        assertEquals(strip(orig), strip(conv));
    }

    static JsonNode strip(JsonNode root) {
        JsonNode copy = root.deepCopy();
        for (JsonNode a : copy.get("annotations")) ((ObjectNode) a).remove(List.of("segmentation", "area", "bbox"));
        return copy;
    }

    @Test
    void polygonConversionOfRleGivesTheSameMasks() throws IOException {
        Path gt = SHARED.resolve("fixtures/coco-eval/person-s3-crowd/gt.json");
        Path rle = tmp.resolve("rle.json");
        Path poly = tmp.resolve("poly.json");
        assertEquals(
                0,
                run("convert", gt.toString(), "--segmentation", "rle", "--out", rle.toString())
                        .code());
        Run r = run("convert", rle.toString(), "--segmentation", "polygon", "--out", poly.toString());
        assertEquals(0, r.code(), r.err());
        CocoDataset a = CocoReader.read(rle);
        CocoDataset b = CocoReader.read(poly);
        int crowd = 0;
        for (CocoAnnotation ann : b.annotations()) {
            Rle expected = a.annToRle(a.annotation(ann.id()));
            Rle actual = b.annToRle(ann);
            if (ann.isCrowd()) {
                crowd++;
                assertTrue(ann.segmentation() instanceof dev.masklab.coco.Segmentation.CompressedRle);
                assertEquals(expected, actual);
            } else {
                assertTrue(ann.segmentation() instanceof dev.masklab.coco.Segmentation.Polygons);
                // outer contours: equal up to filled holes
                double iou = Rle.iou(List.of(actual), List.of(expected), null)[0][0];
                assertTrue(iou > 0.99, "annotation " + ann.id() + " iou " + iou);
                assertEquals(
                        0,
                        Rle.merge(List.of(expected, actual), false).area() - actual.area(),
                        "the polygon mask covers the RLE mask");
            }
            assertEquals(a.annotation(ann.id()).area(), ann.area());
        }
        assertTrue(crowd > 0);
    }

    @Test
    void errorsAreOneLineWithExitCode2() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"images\": [{\"id\": 1, \"width\": \"x\", \"height\": 2}]}");
        Run r = run(
                "convert",
                bad.toString(),
                "--segmentation",
                "rle",
                "--out",
                tmp.resolve("o.json").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("convert: " + bad + ": images[0].width: "), r.err());
        assertFalse(Files.exists(tmp.resolve("o.json")));

        r = run("convert", tmp.resolve("missing.json").toString(), "--segmentation", "rle", "--out", "x.json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.json: file not found"), r.err());

        r = run("convert", bad.toString(), "--segmentation", "mesh", "--out", "x.json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--segmentation must be rle or polygon"), r.err());
    }

    @Test
    void annotationsWithUnreadableValuesAreKeptUnchangedAndNamed() throws IOException {
        String bad = "{\"id\": 7, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1], "
                + "[1, 1, 6, 1, 6, 6, 1, 6]], \"area\": 25, \"bbox\": [1, 1, 5, 5], \"iscrowd\": 0}";
        String nan = "{\"id\": 8, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[2, 2, 7, 2, 7, 7]], "
                + "\"area\": 12.5, \"bbox\": [2, NaN, 5, 5], \"iscrowd\": 0}";
        String good = "{\"id\": 9, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[2, 2, 7, 2, 7, 7]], "
                + "\"area\": 12.5, \"bbox\": [2, 2, 5, 5], \"iscrowd\": 0}";
        Path in = Files.writeString(
                tmp.resolve("in.json"),
                "{\"images\": [{\"id\": 1, \"width\": 10, \"height\": 10}]," + " \"annotations\": [" + bad + ", " + nan
                        + ", " + good + "], \"categories\": [{\"id\": 1}]}");
        Path out = tmp.resolve("out.json");
        Run r = run("convert", in.toString(), "--segmentation", "rle", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("annotation 7 kept unchanged: its segmentation could not be read"), r.err());
        assertTrue(r.err().contains("annotation 8 kept unchanged: its bbox could not be read"), r.err());
        assertTrue(r.out().contains("1 of 3 annotations converted"), r.out());
        JsonNode outAnns = LENIENT.readTree(out.toFile()).get("annotations");
        JsonNode inAnns = LENIENT.readTree(in.toFile()).get("annotations");
        assertEquals(inAnns.get(0), outAnns.get(0), "the dropped 2-point polygon is still there, bbox and area kept");
        assertEquals(inAnns.get(1).toString(), outAnns.get(1).toString());
        assertTrue(outAnns.get(2).get("segmentation").has("counts"), "the readable annotation was converted");
    }
}
