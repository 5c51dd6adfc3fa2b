package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.BoundedHeap;
import dev.masklab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Masks of huge declared images (issue #18): merge, area, bbox, IoU and contours work in memory proportional to the
 * runs (or the mask's bounding box), so a 300-byte COCO file declaring a 46000 x 46000 image converts without
 * allocating the 2.1-gigapixel raster, and a mask whose box is too large to trace is refused naming its annotation.
 * The two CLI conversions also run in a child JVM limited to a 1 GB heap.
 */
class MaskFuzzTest {
    static final int SIDE = 46_000;

    @TempDir
    Path tmp;

    /** A COCO file with one SIDE x SIDE image and the given annotation segmentations (JSON). */
    Path coco(String name, String... segmentations) throws Exception {
        StringBuilder anns = new StringBuilder();
        for (int i = 0; i < segmentations.length; i++) {
            anns.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(i + 1)
                    .append(",\"image_id\":1,\"category_id\":1,")
                    .append("\"iscrowd\":0,\"area\":1,\"bbox\":[0,0,1,1],\"segmentation\":")
                    .append(segmentations[i])
                    .append("}");
        }
        Path f = tmp.resolve(name);
        Files.writeString(
                f,
                "{\"images\":[{\"id\":1,\"file_name\":\"a.jpg\",\"width\":" + SIDE + ",\"height\":" + SIDE
                        + "}],\"categories\":[{\"id\":1,\"name\":\"x\"}],\"annotations\":[" + anns + "]}");
        return f;
    }

    static final String FULL = "{\"size\":[" + SIDE + "," + SIDE + "],\"counts\":[0," + (long) SIDE * SIDE + "]}";
    static final String SQUARE = "[[100,100,300,100,300,250,100,250]]";
    static final String FAR = "[[0,0,1e12,0,1e12,1e12]]";

    @Test
    void hugeMasksMergeAndMeasureByRuns() {
        Rle full = Rle.fromCounts(new int[] {0, SIDE * SIDE}, SIDE, SIDE);
        Rle square = Rle.fromPolygons(List.of(new double[] {100, 100, 300, 100, 300, 250, 100, 250}), SIDE, SIDE);
        Rle strip = Rle.fromBbox(new double[] {0, 40_000, SIDE, 10}, SIDE, SIDE);
        // union and intersection: the old raster merge took 8.5 GB here
        Rle union = Rle.merge(List.of(square, strip), false);
        Rle inter = Rle.merge(List.of(full, square), true);
        assertEquals(square, inter);
        assertEquals(square.area() + strip.area(), union.area());
        assertEquals(200L * 150, square.area());
        assertArrayEquals(new double[] {100, 100, 200, 150}, square.toBbox());
        double[][] iou = Rle.iou(List.of(square), List.of(full, union), null);
        assertEquals((double) square.area() / full.area(), iou[0][0], 1e-12);
        assertEquals((double) square.area() / union.area(), iou[0][1], 1e-12);
        // contours: traced inside the mask's box, placed in image coordinates
        List<double[]> polys = Contours.polygons(square);
        assertEquals(1, polys.size());
        assertEquals(square, Rle.fromPolygons(polys, SIDE, SIDE));
        // a box too large to rasterise is refused, not an OutOfMemoryError
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Contours.polygons(full));
        assertTrue(e.getMessage().contains("46000x46000"), e.getMessage());
        // a polygon far outside the image: refused by the boundary budget before allocating
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Rle.fromPolygons(List.of(new double[] {0, 0, 1e12, 0, 1e12, 1e12}), SIDE, SIDE));
        assertTrue(e.getMessage().contains("too large to rasterise"), e.getMessage());
    }

    @Test
    void mergeOfRandomMasksMatchesTheRasterAtSmallSizes() {
        Random rnd = new Random(1818);
        for (int c = 0; c < 200; c++) {
            int h = 1 + rnd.nextInt(12);
            int w = 1 + rnd.nextInt(12);
            int n = 1 + rnd.nextInt(4);
            boolean intersect = rnd.nextBoolean();
            List<Rle> masks = new ArrayList<>();
            byte[] expected = new byte[h * w];
            for (int k = 0; k < n; k++) {
                byte[] m = new byte[h * w];
                for (int i = 0; i < m.length; i++) {
                    m[i] = (byte) (rnd.nextInt(3) == 0 ? 1 : 0);
                    expected[i] = (byte) (k == 0 ? m[i] : intersect ? expected[i] & m[i] : expected[i] | m[i]);
                }
                masks.add(Rle.encode(m, h, w));
            }
            Rle merged = Rle.merge(masks, intersect);
            assertArrayEquals(expected, merged.decode(), "case " + c);
            assertEquals(Rle.encode(expected, h, w), merged, "case " + c + ": canonical runs");
        }
    }

    /** Runs {@code masklab convert} in-process; returns {exit code, stderr}. */
    static Object[] convert(Path in, String form, Path out) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int rc = cli.execute("convert", in.toString(), "--segmentation", form, "--out", out.toString());
        return new Object[] {rc, err.toString().strip()};
    }

    @Test
    void convertOfHugeDeclaredImagesNeverAllocatesTheRaster() throws Exception {
        Path full = coco("full.json", FULL);
        Path square = coco("square.json", SQUARE, SQUARE);
        Path far = coco("far.json", FAR);
        assertTrue(Files.size(full) < 400, "a few hundred bytes");

        Path out = tmp.resolve("full-rle.json");
        Object[] r = convert(full, "rle", out);
        assertEquals(0, r[0], (String) r[1]);
        com.fasterxml.jackson.databind.JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toFile())
                .path("annotations")
                .path(0);
        assertEquals((double) SIDE * SIDE, written.path("area").asDouble(), written.toString());
        r = convert(square, "rle", tmp.resolve("square-rle.json"));
        assertEquals(0, r[0], (String) r[1]);
        r = convert(tmp.resolve("square-rle.json"), "polygon", tmp.resolve("square-poly.json"));
        assertEquals(0, r[0], (String) r[1]);

        // refusals: one line naming the input file and the annotation, nothing written
        for (Object[] c : new Object[][] {{full, "polygon"}, {far, "rle"}}) {
            Path o = tmp.resolve("refused-" + c[1] + ".json");
            r = convert((Path) c[0], (String) c[1], o);
            String err = (String) r[1];
            if ((int) r[0] == 0) { // a converter that keeps what it cannot convert must still say so
                assertTrue(err.contains("annotation 1"), err);
            } else {
                assertEquals(2, r[0], err);
                assertEquals(1, err.lines().count(), err);
                assertTrue(err.contains(c[0].toString()) && err.contains("annotation 1"), err);
                assertFalse(Files.exists(o));
            }
        }
    }

    @Test
    void convertRunsUnderAOneGigabyteHeap() throws Exception {
        Path full = coco("full.json", FULL);
        Path squares = coco("squares.json", SQUARE, SQUARE, SQUARE);
        for (String[] c : new String[][] {
            {full.toString(), "rle", "0"}, {full.toString(), "polygon", "2"}, {squares.toString(), "rle", "0"}
        }) {
            Path out = tmp.resolve("heap-" + c[1] + "-" + c[2] + ".json");
            BoundedHeap.Result r = BoundedHeap.run(
                    Main.class, List.of("convert", c[0], "--segmentation", c[1], "--out", out.toString()));
            String output = r.output();
            assertFalse(output.contains("OutOfMemoryError") || output.contains("\tat "), output);
            if (c[2].equals("0")) {
                assertEquals(0, r.exitCode(), output);
                assertTrue(Files.exists(out));
            } else {
                assertTrue(r.exitCode() != 0 || output.contains("annotation 1"), output);
            }
        }
    }
}
