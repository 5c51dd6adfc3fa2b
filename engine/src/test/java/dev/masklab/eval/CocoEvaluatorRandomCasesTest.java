package dev.masklab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random small cases written by bench/make-eval-random-cases.py with pycocotools 2.0.11's own stats: score ties,
 * crowd RLE regions, annotation id 0, areas that differ from the mask, more than 100 detections per image, wrong
 * categories, keypoints with every visibility. All 12 (10) stats must agree to 1e-12.
 */
class CocoEvaluatorRandomCasesTest {
    private static final ObjectMapper OM = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        Path root = Path.of(CocoEvaluatorRandomCasesTest.class
                .getResource("pycocotools-cases")
                .toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                for (String t : new String[] {"bbox", "segm", "keypoints"}) out.add(Arguments.of(dir, t));
            }
        }
        assertTrue(out.size() >= 90, "expected 30 cases, found " + out.size() / 3);
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void statsEqualPycocotools(Path dir, String iouType) throws IOException {
        CocoDataset gt = CocoReader.read(dir.resolve("gt.json"));
        assertTrue(gt.problems().isEmpty(), gt.problems().toString());
        EvalResult r = CocoEvaluator.evaluate(gt, dir.resolve("dt.json"), EvalParams.defaults(IouType.parse(iouType)));
        JsonNode expected =
                OM.readTree(dir.resolve("expected.json").toFile()).get("stats").get(iouType);
        double[] stats = r.stats();
        assertEquals(expected.size(), stats.length);
        for (int i = 0; i < stats.length; i++) {
            assertEquals(
                    expected.get(i).asDouble(), stats[i], 1e-12, dir.getFileName() + " " + iouType + " [" + i + "]");
        }
    }
}
