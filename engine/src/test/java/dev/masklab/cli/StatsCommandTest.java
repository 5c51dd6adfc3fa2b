package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code masklab stats} run in-process. */
class StatsCommandTest {
    static final Path SHARED = Path.of(System.getProperty("masklab.shared", "/work/shared"));

    @TempDir Path tmp;

    @Test
    void countsOfTheCrowdFixture() {
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats",
                SHARED.resolve("fixtures/coco-eval/person-s3-crowd/gt.json").toString(), "--time");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("images: 4\n"), out);
        assertTrue(out.contains("annotations: 14 (crowd 2; polygons 12, RLE 2, no segmentation 0)"), out);
        assertTrue(out.contains("images without annotations: 0"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1\\s+person\\s+14\\s+2\\s+4\\n.*"), out);
        assertTrue(out.contains("load time: "), out);
        assertTrue(out.contains("problems: 0"), out);
    }

    @Test
    void problemsAndEmptyImagesAreListed() throws IOException {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, """
                {"images": [{"id": 1, "width": 10, "height": 8}, {"id": 2, "width": 10, "height": 8}],
                 "categories": [{"id": 3, "name": "cat"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "segmentation": [[1, 1, 2, 2]]},
                                 {"id": 2, "image_id": 7, "category_id": 3}]}""");
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("images without annotations: 1"), r.out());
        assertTrue(r.out().contains("problems: 2"), r.out());
        assertTrue(r.out().contains(f + ": annotations[0].segmentation[0]: polygon has 2 points"), r.out());
        assertTrue(r.out().contains(f + ": annotations[1].image_id: annotation 2 names image 7"), r.out());
    }

    @Test
    void unreadableFileIsOneLineExit2() throws IOException {
        Path f = tmp.resolve("broken.json");
        Files.writeString(f, "{\"images\": [");
        ConvertCommandTest.Run r = ConvertCommandTest.run("stats", f.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("stats: " + f + ": "), r.err());
        assertTrue(r.err().contains("malformed JSON"), r.err());
    }
}
