package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code masklab generate} run in-process. */
class GenerateCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesDatasetWithImages() throws IOException {
        Path out = tmp.resolve("ds");
        Run r = run(
                "generate", "--out", out.toString(), "--images", "4", "--seed", "5", "--width", "96", "--height", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("generate: 4 images, "), r.out());
        CocoDataset ds = CocoReader.read(out.resolve("annotations.json"));
        assertEquals(4, ds.images().size());
        assertTrue(ds.problems().isEmpty(), ds.problems().toString());
        assertEquals(96, ds.images().get(0).width());
        for (var im : ds.images()) assertTrue(Files.isRegularFile(out.resolve(im.fileName())), im.fileName());
    }

    @Test
    void annotationsOnlyWithSplitAndDetections() throws IOException {
        Path out = tmp.resolve("ao");
        Run r = run(
                "generate",
                "--out",
                out.toString(),
                "--images",
                "10",
                "--seed",
                "5",
                "--annotations-only",
                "--val-fraction",
                "0.2",
                "--detections",
                out.resolve("dets.json").toString(),
                "--detections-per-image",
                "7");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("14 detections"), r.out());
        assertEquals(8, CocoReader.read(out.resolve("train.json")).images().size());
        assertEquals(2, CocoReader.read(out.resolve("val.json")).images().size());
        assertFalse(Files.exists(out.resolve("images")));
    }

    @Test
    void badOptionsAreOneLineExit2() {
        Run r = run("generate", "--out", tmp.resolve("x").toString(), "--images", "0");
        assertEquals(2, r.code());
        assertEquals("generate: --images must be at least 1, got 0", r.err().strip());
        r = run("generate", "--out", tmp.resolve("x").toString(), "--images", "3", "--val-fraction", "1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--val-fraction must be in [0, 1)"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void unwritableOutputIsOneLineExit1() throws IOException {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "not a folder");
        Run r = run("generate", "--out", file.toString(), "--images", "2");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("generate: cannot write the dataset to " + file), r.err());
    }
}
