package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture under shared/fixtures/coco-eval and every iou type in its expected.json: pycocotools' stats. */
class CocoEvaluatorFixtureTest {
    private static final ObjectMapper OM = new ObjectMapper();

    static Path shared() {
        return SharedData.root();
    }

    /** The ground truth named by expected.json's "gt": the gt.json beside it, or the shared data set's file. */
    static Path groundTruth(Path fixture, String name) {
        Path beside = fixture.resolve(name);
        if (Files.isRegularFile(beside)) return beside;
        for (String set : new String[] {"coco-person-kp", "labelme-voc"}) {
            Path p = shared().resolve("data").resolve(set).resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("ground truth " + name + " of " + fixture + " not found");
    }

    static Stream<Arguments> cases() throws IOException {
        Path root = shared().resolve("fixtures/coco-eval");
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (!Files.isRegularFile(dir.resolve("expected.json"))) continue;
                JsonNode exp = OM.readTree(dir.resolve("expected.json").toFile());
                Iterator<String> types = exp.get("stats").fieldNames();
                while (types.hasNext()) {
                    String t = types.next();
                    out.add(Arguments.of(dir.getFileName().toString(), t));
                }
            }
        }
        assertTrue(out.size() >= 8, "expected the 3 fixtures with 8 iou types in all, found " + out);
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void statsEqualPycocotools(String fixture, String iouType) throws IOException {
        Path dir = shared().resolve("fixtures/coco-eval").resolve(fixture);
        JsonNode exp = OM.readTree(dir.resolve("expected.json").toFile());
        CocoDataset gt = CocoReader.read(groundTruth(dir, exp.get("gt").asText()));
        EvalResult r =
                CocoEvaluator.evaluate(gt, dir.resolve("detections.json"), EvalParams.defaults(IouType.parse(iouType)));
        JsonNode expected = exp.get("stats").get(iouType);
        double[] stats = r.stats();
        assertEquals(expected.size(), stats.length);
        for (int i = 0; i < stats.length; i++) {
            assertEquals(expected.get(i).asDouble(), stats[i], 1e-6, fixture + " " + iouType + " stats[" + i + "]");
        }
    }
}
