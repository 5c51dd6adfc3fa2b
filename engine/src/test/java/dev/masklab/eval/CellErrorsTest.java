package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResults;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ImageEvaluations#errors(int)} against pycocotools 2.0.11's own evalImgs (bench/make-eval-errors-expected.py):
 * every shared fixture with each of its iou types and every random case (bbox, segm, keypoints; crowd regions,
 * score ties, annotation id 0, more than 100 detections per image), at IoU 0.5 and 0.75. The lists, the cells listed
 * and their order must be identical.
 */
class CellErrorsTest {
    private static final ObjectMapper OM = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        List<Arguments> out = new ArrayList<>();
        Path fixtures = CocoEvaluatorFixtureTest.shared().resolve("fixtures/coco-eval");
        Path expectedFixtures =
                Path.of(CellErrorsTest.class.getResource("pycocotools-errors").toURI());
        try (Stream<Path> dirs = Files.list(fixtures)) {
            for (Path dir : dirs.sorted().toList()) {
                JsonNode exp = OM.readTree(dir.resolve("expected.json").toFile());
                Path gt =
                        CocoEvaluatorFixtureTest.groundTruth(dir, exp.get("gt").asText());
                Path errors = expectedFixtures.resolve(dir.getFileName() + ".json");
                addTypes(out, dir.getFileName().toString(), gt, dir.resolve("detections.json"), errors);
            }
        }
        int fixtureCases = out.size();
        assertTrue(fixtureCases >= 16, "3 fixtures, 8 iou types, 2 thresholds: " + fixtureCases);
        Path random =
                Path.of(CellErrorsTest.class.getResource("pycocotools-cases").toURI());
        try (Stream<Path> dirs = Files.list(random)) {
            for (Path dir : dirs.sorted().toList()) {
                addTypes(
                        out,
                        dir.getFileName().toString(),
                        dir.resolve("gt.json"),
                        dir.resolve("dt.json"),
                        dir.resolve("errors.json"));
            }
        }
        assertTrue(out.size() - fixtureCases >= 180, "30 random cases x 3 types x 2 thresholds");
        return out.stream();
    }

    private static void addTypes(List<Arguments> out, String name, Path gt, Path dt, Path errors) throws IOException {
        JsonNode all = OM.readTree(errors.toFile()).get("errors");
        Iterator<String> types = all.fieldNames();
        while (types.hasNext()) {
            String t = types.next();
            for (String thr : new String[] {"0.5", "0.75"}) {
                out.add(Arguments.of(name, t, thr, gt, dt, all.get(t).get(thr)));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void errorsEqualPycocotoolsEvalImgs(
            String name, String type, String thr, Path gtFile, Path dtFile, JsonNode expected) throws IOException {
        CocoDataset gt = CocoReader.read(gtFile);
        EvalParams params = EvalParams.defaults(IouType.parse(type));
        ImageEvaluations ev = CocoEvaluator.evaluateImages(gt, CocoResults.read(dtFile, gt), params, true);
        int t = thr.equals("0.5") ? 0 : 5;
        assertEquals(Double.parseDouble(thr), params.iouThrs()[t], 1e-12);
        JsonNode images = expected.get("images");
        assertFalse(images.isEmpty(), "pycocotools evaluated no cell");
        assertEquals(images.toString(), toJson(ev.errors(t)).toString(), name + " " + type + " @" + thr);
        // the accumulated result with the matching kept is the plain one
        assertEquals(
                java.util.Arrays.toString(CocoEvaluator.evaluate(gt, CocoResults.read(dtFile, gt), params)
                        .stats()),
                java.util.Arrays.toString(ev.result().stats()));
    }

    static ArrayNode toJson(List<CellErrors> cells) {
        ArrayNode a = OM.createArrayNode();
        for (CellErrors c : cells) {
            ObjectNode o = a.addObject();
            o.put("image_id", c.imageId());
            o.put("category_id", c.categoryId());
            ArrayNode tp = o.putArray("tp");
            for (long[] p : c.tp()) tp.addArray().add(p[0]).add(p[1]);
            ArrayNode fp = o.putArray("fp");
            for (long d : c.fp()) fp.add(d);
            ArrayNode fn = o.putArray("fn");
            for (long g : c.fn()) fn.add(g);
        }
        return a;
    }
}
