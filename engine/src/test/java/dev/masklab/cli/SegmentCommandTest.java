package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.testing.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code masklab segment}'s bad prompts: each is one line naming the prompt (index and image id) and what is wrong,
 * exit 2, and no output file. They are found before the model is loaded (the weights file here does not exist; the
 * category the model lacks is in SegmentParityTest). The dataset is the shared coco-person-kp set (image 40083 is
 * 500 x 333, category 1 only).
 */
class SegmentCommandTest {
    @TempDir
    Path tmp;

    private static Path dataset() {
        return SharedData.root().resolve("data/coco-person-kp/test_coco.json");
    }

    private record Run(int rc, String err, Path out) {}

    private Run segment(String prompts) throws Exception {
        Path p = tmp.resolve("prompts.json");
        Files.writeString(p, prompts);
        Path out = tmp.resolve("out.json");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(
                "segment",
                "--weights",
                tmp.resolve("missing.pth").toString(),
                "--arch",
                "maskrcnn_resnet50_fpn",
                "--dataset",
                dataset().toString(),
                "--prompts",
                p.toString(),
                "--out",
                out.toString(),
                "--device",
                "cpu");
        return new Run(rc, err.toString(), out);
    }

    private void assertBad(String prompts, String... expectedParts) throws Exception {
        Run r = segment(prompts);
        assertEquals(2, r.rc(), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(line.startsWith("masklab segment: "), line);
        for (String part : expectedParts) {
            assertTrue(line.contains(part), "'" + part + "' in: " + line);
        }
        assertFalse(Files.exists(r.out()), "nothing written");
    }

    @Test
    void boxOutsideTheImage() throws Exception {
        String ok = "{\"image_id\": 40083, \"bbox\": [10, 10, 50, 50]}";
        assertBad(
                "[" + ok + ", {\"image_id\": 40083, \"bbox\": [480, 10, 50, 50]}]",
                "prompt 1 (image_id 40083)",
                "outside the 500x333 image");
        assertBad("[{\"image_id\": 40083, \"bbox\": [-20, 10, 50, 50]}]", "prompt 0 (image_id 40083)", "outside");
        assertBad("[{\"image_id\": 40083, \"bbox\": [600, 400, 10, 10]}]", "prompt 0 (image_id 40083)", "outside");
    }

    @Test
    void zeroOrNegativeSize() throws Exception {
        assertBad(
                "[{\"image_id\": 40083, \"bbox\": [10, 10, 0, 50]}]",
                "prompt 0 (image_id 40083)",
                "zero or negative size");
        assertBad(
                "[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5]}, {\"image_id\": 40083, \"bbox\": [10, 10, 20, -3]}]",
                "prompt 1 (image_id 40083)",
                "zero or negative size");
    }

    @Test
    void unknownImageOrCategory() throws Exception {
        assertBad(
                "[{\"image_id\": 123456, \"bbox\": [10, 10, 5, 5]}]",
                "prompt 0 (image_id 123456)",
                "no image with this id");
        assertBad(
                "[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5], \"category_id\": 99}]",
                "prompt 0 (image_id 785)",
                "category 99");
    }

    @Test
    void malformedJson() throws Exception {
        assertBad("[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5]}", "prompts.json", "not valid JSON");
        assertBad("{\"image_id\": 785}", "prompts.json", "expected a JSON list");
        assertBad("[{\"image_id\": 785, \"bbox\": [10, 10, 5]}]", "prompt 0 (image_id 785)", "4 numbers");
        assertBad(
                "[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5]}, {\"bbox\": [1, 2, 3, 4]}]",
                "prompt 1",
                "image_id must be an integer");
        assertBad("[{\"image_id\": 785, \"bbox\": [10, \"a\", 5, 5]}]", "prompt 0 (image_id 785)", "4 numbers");
        assertBad(
                "[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5], \"category_id\": \"person\"}]",
                "prompt 0 (image_id 785)",
                "category_id must be an integer");
        assertBad("[3]", "prompt 0", "expected an object");
    }

    @Test
    void missingWeightsAreRefusedAsByPredict() throws Exception {
        Run r = segment("[{\"image_id\": 785, \"bbox\": [10, 10, 5, 5]}]");
        assertEquals(2, r.rc(), r.err());
        assertFalse(r.err().strip().contains("\n"), r.err());
        assertTrue(r.err().contains("missing.pth"), r.err());
        assertFalse(Files.exists(r.out()));
    }
}
