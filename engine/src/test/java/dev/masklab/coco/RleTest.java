package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rle against pycocotools' own output (fixtures) and against direct pixel computation. */
class RleTest {
    static final Path SHARED = SharedData.root();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Fixture folders under shared/fixtures/coco-eval. */
    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(SHARED.resolve("fixtures/coco-eval"))) {
            List<Path> dirs = s.filter(p -> Files.isRegularFile(p.resolve("expected.json")))
                    .sorted()
                    .toList();
            assertFalse(dirs.isEmpty(), "no fixtures found");
            return dirs.stream();
        }
    }

    /** The gt file named by a fixture's expected.json. */
    static Path gtOf(Path fixture, JsonNode expected) {
        String gt = expected.get("gt").asText();
        if (Files.exists(fixture.resolve(gt))) return fixture.resolve(gt);
        for (String d : List.of("coco-person-kp", "labelme-voc")) {
            Path p = SHARED.resolve("data").resolve(d).resolve(gt);
            if (Files.exists(p)) return p;
        }
        throw new AssertionError("gt " + gt + " of " + fixture + " not found");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void annToRleMatchesPycocotoolsOnFixture(Path fixture) throws IOException {
        JsonNode expected = JSON.readTree(fixture.resolve("expected.json").toFile());
        JsonNode gt = JSON.readTree(gtOf(fixture, expected).toFile());
        Map<Long, JsonNode> images = new HashMap<>();
        gt.get("images").forEach(im -> images.put(im.get("id").asLong(), im));
        Map<Long, JsonNode> masks = new HashMap<>();
        expected.get("masks").forEach(mk -> masks.put(mk.get("id").asLong(), mk));
        int checked = 0;
        for (JsonNode ann : gt.get("annotations")) {
            JsonNode im = images.get(ann.get("image_id").asLong());
            int h = im.get("height").asInt();
            int w = im.get("width").asInt();
            JsonNode seg = ann.get("segmentation");
            Rle rle;
            if (seg.isArray()) {
                List<double[]> polys = new ArrayList<>();
                for (JsonNode p : seg) {
                    double[] xy = new double[p.size()];
                    for (int i = 0; i < xy.length; i++) xy[i] = p.get(i).asDouble();
                    polys.add(xy);
                }
                rle = Rle.fromPolygons(polys, h, w);
            } else if (seg.get("counts").isArray()) {
                int[] c = new int[seg.get("counts").size()];
                for (int i = 0; i < c.length; i++)
                    c[i] = seg.get("counts").get(i).asInt();
                rle = Rle.fromCounts(
                        c,
                        seg.get("size").get(0).asInt(),
                        seg.get("size").get(1).asInt());
            } else {
                rle = Rle.fromString(
                        seg.get("counts").asText(),
                        seg.get("size").get(0).asInt(),
                        seg.get("size").get(1).asInt());
            }
            JsonNode exp = masks.get(ann.get("id").asLong());
            String where = fixture.getFileName() + " ann " + ann.get("id");
            assertEquals(exp.get("counts").asText(), rle.toCompressedString(), where);
            assertEquals(exp.get("area").asLong(), rle.area(), where);
            double[] bb = rle.toBbox();
            for (int i = 0; i < 4; i++) assertEquals(exp.get("bbox").get(i).asDouble(), bb[i], 1e-9, where);
            // string round trip
            assertEquals(rle, Rle.fromString(rle.toCompressedString(), h, w), where);
            checked++;
        }
        assertEquals(masks.size(), checked, "every expected mask checked");
    }

    static byte[] randomMask(Random r, int h, int w) {
        byte[] m = new byte[h * w];
        // blobs of rectangles and noise, so runs of many lengths appear
        int kind = r.nextInt(3);
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (kind == 0 ? r.nextInt(2) : 0);
        }
        if (kind > 0) {
            for (int k = r.nextInt(5); k >= 0; k--) {
                int x0 = r.nextInt(w);
                int y0 = r.nextInt(h);
                int x1 = Math.min(w, x0 + 1 + r.nextInt(w));
                int y1 = Math.min(h, y0 + 1 + r.nextInt(h));
                for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * w + x] = 1;
            }
        }
        return m;
    }

    static long area(byte[] m) {
        long a = 0;
        for (byte b : m) a += b;
        return a;
    }

    @Test
    void containsAgreesWithTheDecodedMask() {
        Random rnd = new Random(16);
        for (int trial = 0; trial < 20; trial++) {
            int h = 1 + rnd.nextInt(9);
            int w = 1 + rnd.nextInt(9);
            byte[] m = new byte[h * w];
            for (int k = 0; k < m.length; k++) m[k] = (byte) (rnd.nextInt(3) == 0 ? 1 : 0);
            Rle r = Rle.encode(m, h, w);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) assertEquals(m[y * w + x] != 0, r.contains(x, y), x + "," + y);
            }
            assertFalse(r.contains(-1, 0));
            assertFalse(r.contains(w, 0));
            assertFalse(r.contains(0, h));
        }
    }

    @Test
    void encodeDecodeAndStringRoundTripOnRandomMasks() {
        Random r = new Random(42);
        for (int t = 0; t < 500; t++) {
            int h = 1 + r.nextInt(60);
            int w = 1 + r.nextInt(60);
            byte[] m = randomMask(r, h, w);
            Rle rle = Rle.encode(m, h, w);
            assertArrayEquals(m, rle.decode());
            assertEquals(area(m), rle.area());
            Rle back = Rle.fromString(rle.toCompressedString(), h, w);
            assertEquals(rle, back);
            assertEquals(rle, Rle.fromCounts(rle.counts(), h, w));
            // bbox against pixels
            int xs = w, ys = h, xe = -1, ye = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (m[y * w + x] != 0) {
                        xs = Math.min(xs, x);
                        ys = Math.min(ys, y);
                        xe = Math.max(xe, x);
                        ye = Math.max(ye, y);
                    }
                }
            }
            double[] exp = xe < 0 ? new double[4] : new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
            double[] bb = rle.toBbox();
            // pycocotools: a run crossing a column boundary widens the box to the full height
            if (xe >= 0 && (bb[1] != exp[1] || bb[3] != exp[3])) {
                assertEquals(0, bb[1]);
                assertEquals(h, bb[3]);
                assertEquals(exp[0], bb[0]);
                assertEquals(exp[2], bb[2]);
            } else {
                assertArrayEquals(exp, bb);
            }
        }
    }

    @Test
    void largeCountsUseMultiCharacterNumbers() {
        int h = 1000;
        int w = 1000;
        Rle rle = Rle.fromCounts(new int[] {123456, 700000, 1, 176543}, h, w);
        String s = rle.toCompressedString();
        assertEquals(rle, Rle.fromString(s, h, w));
        assertEquals(700000 + 176543, rle.area());
    }

    @Test
    void mergeAndIouMatchPixels() {
        Random r = new Random(7);
        for (int t = 0; t < 300; t++) {
            int h = 1 + r.nextInt(40);
            int w = 1 + r.nextInt(40);
            byte[] a = randomMask(r, h, w);
            byte[] b = randomMask(r, h, w);
            byte[] c = randomMask(r, h, w);
            byte[] or = new byte[h * w];
            byte[] and = new byte[h * w];
            long inter = 0;
            long union = 0;
            for (int i = 0; i < or.length; i++) {
                or[i] = (byte) (a[i] | b[i] | c[i]);
                and[i] = (byte) (a[i] & b[i] & c[i]);
                if (a[i] != 0 && b[i] != 0) inter++;
                if (a[i] != 0 || b[i] != 0) union++;
            }
            List<Rle> abc = List.of(Rle.encode(a, h, w), Rle.encode(b, h, w), Rle.encode(c, h, w));
            assertEquals(Rle.encode(or, h, w), Rle.merge(abc, false));
            assertEquals(Rle.encode(and, h, w), Rle.merge(abc, true));

            Rle ra = abc.get(0);
            Rle rb = abc.get(1);
            double[][] iou = Rle.iou(List.of(ra), List.of(rb), new boolean[] {false});
            double[][] crowd = Rle.iou(List.of(ra), List.of(rb), new boolean[] {true});
            double expIou = inter == 0 ? 0 : (double) inter / union;
            double expCrowd = inter == 0 ? 0 : (double) inter / area(a);
            assertEquals(expIou, iou[0][0], 1e-15);
            assertEquals(expCrowd, crowd[0][0], 1e-15);
        }
    }

    @Test
    void iouMatrixIsDtByGtAndMarksSizeMismatch() {
        Rle a = Rle.fromBbox(new double[] {0, 0, 4, 4}, 10, 10);
        Rle b = Rle.fromBbox(new double[] {2, 2, 4, 4}, 10, 10);
        Rle other = Rle.fromBbox(new double[] {0, 0, 4, 4}, 10, 12);
        double[][] o = Rle.iou(List.of(a, b, other), List.of(a, b), null);
        assertEquals(3, o.length);
        assertEquals(2, o[0].length);
        assertEquals(1.0, o[0][0]);
        assertEquals(4.0 / 28.0, o[0][1], 1e-15);
        assertEquals(4.0 / 28.0, o[1][0], 1e-15);
        assertEquals(-1.0, o[2][0]);
    }

    @Test
    void bboxIouWithCrowd() {
        List<double[]> dt = List.of(new double[] {0, 0, 10, 10}, new double[] {20, 20, 5, 5});
        List<double[]> gt = List.of(new double[] {5, 5, 10, 10});
        double[][] o = Rle.bboxIou(dt, gt, new boolean[] {false});
        assertEquals(25.0 / 175.0, o[0][0], 1e-15);
        assertEquals(0.0, o[1][0]);
        double[][] c = Rle.bboxIou(dt, gt, new boolean[] {true});
        assertEquals(25.0 / 100.0, c[0][0], 1e-15);
    }

    @Test
    void polygonRasterisationKnownSquare() {
        // the 4x4 square of integer corners covers pixel centres 1..4 in pycocotools' convention
        Rle sq = Rle.fromPolygon(new double[] {1, 1, 5, 1, 5, 5, 1, 5}, 8, 8);
        byte[] m = sq.decode();
        assertEquals(16, sq.area());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean in = x >= 1 && x < 5 && y >= 1 && y < 5;
                assertEquals(in ? 1 : 0, m[y * 8 + x], "pixel " + x + "," + y);
            }
        }
        assertEquals(sq, Rle.fromBbox(new double[] {1, 1, 4, 4}, 8, 8));
        // fully outside and degenerate polygons give empty masks, never exceptions
        assertEquals(
                0,
                Rle.fromPolygon(new double[] {-10, -10, -5, -10, -5, -5}, 8, 8).area());
        assertEquals(0, Rle.fromPolygon(new double[] {3, 3, 3, 3, 3, 3}, 8, 8).area());
    }

    @Test
    void invalidInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCounts(new int[] {3, 4}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCounts(new int[] {-1, 5}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Rle.fromString("0 ", 2, 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> Rle.merge(
                        List.of(Rle.fromCounts(new int[] {4}, 2, 2), Rle.fromCounts(new int[] {6}, 2, 3)), false));
        assertTrue(Rle.fromCounts(new int[] {4}, 2, 2).toCompressedString().length() > 0);
    }
}
