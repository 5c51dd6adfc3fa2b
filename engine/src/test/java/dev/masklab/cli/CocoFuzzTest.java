package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoFormatException;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the COCO dataset and results readers and of the commands that read them (convert, stats, eval),
 * in-process: hundreds of malformed files (truncated JSON, wrong types, NaN/Infinity literals, huge and negative
 * numbers, strings for RLE counts, missing fields, deep nesting, enormous declared sizes, garbage bytes). Each fatal
 * file gives a {@link CocoFormatException} whose one-line message starts with the file's name; each command exits
 * non-zero with one line on stderr naming the file and no stack trace, and {@code convert} writes nothing. Files that
 * stay readable (a NaN bbox, duplicate ids) are read with problems named, never with another exception. Nothing is
 * allocated from a declared size: a 2^31-pixel image costs nothing to read.
 */
class CocoFuzzTest {
    @TempDir
    Path tmp;

    static final String IMAGES = "{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 40, \"height\": 30}, "
            + "{\"id\": 2, \"file_name\": \"b.jpg\", \"width\": 40, \"height\": 30}";
    static final String ANN_POLY = "{\"id\": 10, \"image_id\": 1, \"category_id\": 1, \"segmentation\": "
            + "[[1, 1, 20, 1, 20, 15, 1, 15]], \"area\": 266, \"bbox\": [1, 1, 19, 14], \"iscrowd\": 0}";
    static final String ANN_RLE = "{\"id\": 11, \"image_id\": 2, \"category_id\": 1, \"segmentation\": "
            + "{\"counts\": [100, 50, 1050], \"size\": [30, 40]}, \"area\": 50, \"bbox\": [3, 10, 2, 30], "
            + "\"iscrowd\": 1}";
    static final String CATS = "{\"id\": 1, \"name\": \"thing\"}";

    static String dataset(String images, String annotations, String categories) {
        return "{\"info\": {\"v\": 1}, \"images\": [" + images + "], \"annotations\": [" + annotations
                + "], \"categories\": [" + categories + "]}";
    }

    static final String VALID = dataset(IMAGES, ANN_POLY + ", " + ANN_RLE, CATS);

    static String deep(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** Generators of dataset files that must be refused; each is called with a seeded random. */
    static List<Function<Random, String>> fatalDatasets() {
        List<Function<Random, String>> g = new ArrayList<>();
        g.add(r -> VALID.substring(0, r.nextInt(VALID.length() - 1))); // truncated anywhere
        g.add(r -> "");
        g.add(r -> "[" + VALID + "]");
        g.add(r -> VALID + "{}");
        g.add(
                r -> { // garbage bytes
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < 1 + r.nextInt(200); i++) sb.append((char) r.nextInt(0x80));
                    return "{" + sb;
                });
        // ids are 64-bit: 2147483648 is a (missing) id, not an error; widths and heights are 31-bit
        String[] badInts = {
            "\"640\"",
            "1.5",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "99999999999999999999999",
            "9223372036854775808",
            "true",
            "{}",
            "[]",
            "[40]"
        };
        g.add(r -> dataset(IMAGES.replace("\"width\": 40", "\"width\": " + pick(r, badInts)), "", CATS));
        g.add(r -> dataset(IMAGES.replace("\"width\": 40", "\"width\": 2147483648"), "", CATS));
        g.add(r -> dataset(IMAGES, ANN_POLY.replace("\"id\": 10", "\"id\": " + pick(r, badInts)), CATS));
        g.add(r -> dataset(IMAGES, ANN_POLY.replace("\"image_id\": 1", "\"image_id\": " + pick(r, badInts)), CATS));
        g.add(r -> dataset(IMAGES, "", CATS.replace("\"id\": 1", "\"id\": " + pick(r, badInts))));
        g.add(r -> dataset(IMAGES.replace("\"height\": 30", "\"height\": -" + (1 + r.nextInt(1000))), "", CATS));
        // missing required fields
        String[] required = {"\"id\": 10, ", "\"image_id\": 1, ", "\"category_id\": 1, "};
        g.add(r -> dataset(IMAGES, ANN_POLY.replace(pick(r, required), ""), CATS));
        g.add(r -> dataset(IMAGES.replace(r.nextBoolean() ? ", \"width\": 40" : ", \"height\": 30", ""), "", CATS));
        g.add(r -> dataset(IMAGES.replace("{\"id\": 1, ", "{"), "", CATS));
        // RLE counts and sizes: strings, fractions, negative, beyond 2^31-1; sizes with the wrong arity
        String[] badCounts = {
            "\"100\"", "100.0", "1e2", "-100", "2147483648", "9223372036854775808", "NaN", "null", "[100]", "{}"
        };
        g.add(r -> dataset(IMAGES, ANN_RLE.replace("[100, 50, 1050]", "[" + pick(r, badCounts) + ", 50, 1050]"), CATS));
        String[] badSizes = {"[30]", "[30, 40, 1]", "[\"30\", 40]", "[-30, 40]", "[30, 4e1]", "30", "[30, 2147483648]"};
        g.add(r -> dataset(IMAGES, ANN_RLE.replace("[30, 40]", pick(r, badSizes)), CATS));
        g.add(r -> dataset(IMAGES, ANN_RLE.replace("[100, 50, 1050]", "12345"), CATS));
        // wrong shapes
        g.add(r -> dataset(
                IMAGES,
                ANN_POLY.replace("[[1, 1, 20, 1, 20, 15, 1, 15]]", pick(r, new String[] {
                    "\"poly\"", "42", "[1, 2, 3, 4, 5, 6]", "[[1, 2, \"x\", 4, 5, 6]]", deep(50)
                })),
                CATS));
        g.add(r -> "{\"images\": " + pick(r, new String[] {"{}", "1", "\"x\"", "[1]", "[[]]", "null"}) + "}");
        g.add(r -> dataset(
                IMAGES,
                ANN_POLY.replace(
                        "[1, 1, 19, 14]",
                        pick(r, new String[] {"\"box\"", "[1, 1, \"19\", 14]", "{}", "[[1], 1, 19, 14]"})),
                CATS));
        // deep nesting beyond the parser's limit, in an unknown field
        g.add(r -> "{\"info\": " + deep(1001 + r.nextInt(5000)) + ", \"images\": []}");
        return g;
    }

    /** Files that stay readable; the unusable parts are reported as problems. */
    static List<Function<Random, String>> tolerantDatasets() {
        List<Function<Random, String>> g = new ArrayList<>();
        String[] nonFinite = {"NaN", "Infinity", "-Infinity"};
        g.add(r ->
                dataset(IMAGES, ANN_POLY.replace("[1, 1, 19, 14]", "[1, " + pick(r, nonFinite) + ", 19, 14]"), CATS));
        g.add(r -> dataset(IMAGES, ANN_POLY.replace("\"area\": 266", "\"area\": " + pick(r, nonFinite)), CATS));
        g.add(r -> dataset(IMAGES, ANN_POLY.replace("20, 15, 1, 15", "20, 15, " + pick(r, nonFinite) + ", 15"), CATS));
        g.add(r -> dataset(IMAGES + ", " + IMAGES, ANN_POLY + ", " + ANN_POLY, CATS + ", " + CATS)); // duplicate ids
        g.add(r ->
                dataset(IMAGES, ANN_POLY.replace("\"image_id\": 1", "\"image_id\": " + (3 + r.nextInt(1000))), CATS));
        // enormous declared sizes: nothing is allocated from them
        g.add(r -> dataset(
                IMAGES.replace("\"width\": 40, \"height\": 30", "\"width\": 2147483647, \"height\": " + "2147483647"),
                ANN_RLE.replace("[30, 40]", "[2147483647, 2147483647]")
                        .replace("[100, 50, 1050]", "[2147483647, 2147483647]"),
                CATS));
        g.add(r -> dataset(IMAGES, ANN_RLE.replace("[100, 50, 1050]", "[" + (r.nextInt(1200)) + "]"), CATS));
        g.add(r -> dataset(IMAGES, ANN_RLE.replace("[100, 50, 1050]", "\"" + randomRle(r) + "\""), CATS));
        return g;
    }

    static String randomRle(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.nextInt(40); i++) sb.append((char) (48 + r.nextInt(64)));
        return sb.toString().replace("\\", "").replace("\"", "");
    }

    static final String DT_BOX = "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 10, 10], \"score\": 0.9}";
    static final String DT_SEGM = "{\"image_id\": 2, \"category_id\": 1, \"segmentation\": "
            + "{\"counts\": [100, 50, 1050], \"size\": [30, 40]}, \"score\": 0.8}";

    /** Results files (against {@link #VALID}) that must be refused. */
    static List<Function<Random, String>> fatalResults() {
        List<Function<Random, String>> g = new ArrayList<>();
        String valid = "[" + DT_BOX + ", " + DT_BOX.replace("0.9", "0.4") + "]";
        g.add(r -> valid.substring(0, r.nextInt(valid.length() - 1)));
        g.add(r -> pick(r, new String[] {"", "{}", "1", "\"x\"", "[1]", "[[]]", "[null]", "{\"annotations\": []}"}));
        String[] badNumbers = {"NaN", "Infinity", "-Infinity", "\"0.9\"", "null", "[]", "{}", "true"};
        g.add(r -> "[" + DT_BOX.replace("0.9", pick(r, badNumbers)) + "]");
        g.add(r -> "[" + DT_BOX.replace("[1, 1, 10, 10]", "[1, " + pick(r, badNumbers) + ", 10, 10]") + "]");
        g.add(r -> "["
                + DT_BOX.replace(
                        "[1, 1, 10, 10]", pick(r, new String[] {"[1, 1, 10]", "[1,1,10,10,5]", "\"box\"", "{}"}))
                + "]");
        g.add(r -> "["
                + DT_BOX.replace(
                        "\"image_id\": 1",
                        "\"image_id\": "
                                + pick(r, new String[] {
                                    "\"1\"", "1.5", "NaN", "Infinity", "1e300", "99", "-1", "null", "[1]"
                                }))
                + "]");
        g.add(r -> "["
                + DT_BOX.replace(
                        pick(r, new String[] {"\"image_id\": 1, ", "\"category_id\": 1, ", ", \"score\": 0.9"}), "")
                + "]");
        String[] badCounts = {
            "\"100\"",
            "100.5",
            "-100",
            "2147483648",
            "4294967396",
            "9223372036854775808",
            "NaN",
            "null",
            "[100]",
            "{}",
            "true"
        };
        g.add(r -> "[" + DT_SEGM.replace("[100, 50, 1050]", "[" + pick(r, badCounts) + ", 50, 1050]") + "]");
        g.add(r -> "[" + DT_SEGM.replace("[100, 50, 1050]", "[" + pick(r, badCounts) + "]") + "]");
        g.add(r -> "["
                + DT_SEGM.replace("[30, 40]", pick(r, new String[] {
                    "[\"30\", \"40\"]", "[30.5, 40]", "[-30, 40]", "[4294967326, 40]", "[30]", "[31, 40]", "30"
                }))
                + "]");
        g.add(r -> "[" + DT_SEGM.replace("[100, 50, 1050]", "[100, 50, " + (1051 + r.nextInt(5)) + "]") + "]");
        g.add(r -> "[" + DT_SEGM.replace("[100, 50, 1050]", "\"" + randomRle(r) + "!\"") + "]");
        g.add(r -> "[{\"image_id\": 1, \"category_id\": 1, \"keypoints\": [1, 2, 2, 5], \"score\": 1}]");
        g.add(r -> "[{\"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 2, " + pick(r, badNumbers)
                + ", 4, 5, 6]], \"score\": 1}]");
        g.add(r -> "[" + DT_BOX.replace("[1, 1, 10, 10]", deep(1001 + r.nextInt(3000))) + "]");
        return g;
    }

    static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    // ------------------------------------------------------------------------------------------------ checks

    static void assertOneLineNaming(String message, Path file, String what) {
        assertFalse(message.strip().contains("\n"), () -> what + ": more than one line: " + message);
        assertTrue(message.contains(file.toString()), () -> what + ": does not name " + file + ": " + message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), () -> what + ": a trace: " + message);
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
    }

    /**
     * Child-JVM probe (see {@link dev.masklab.BoundedHeap}): reads each file as a dataset (or, after
     * {@code --results GT}, as a results file against GT); exit 0 when every one was refused with a
     * CocoFormatException.
     */
    public static void main(String[] args) throws IOException {
        if (args.length >= 2 && args[0].equals("--results")) {
            CocoDataset gt = CocoReader.read(Path.of(args[1]));
            dev.masklab.BoundedHeap.probe(
                    java.util.Arrays.copyOfRange(args, 2, args.length),
                    f -> CocoResults.read(f, gt),
                    CocoFormatException.class);
        }
        dev.masklab.BoundedHeap.probe(args, CocoReader::read, CocoFormatException.class);
    }

    @Test
    void malformedResultsAreRefusedUnderAOneGigabyteHeap() throws Exception {
        Random r = new Random(1019);
        List<String> files = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (Function<Random, String> g : fatalResults()) {
                files.add(write("bounded-dt-" + files.size() + ".json", g.apply(r))
                        .toString());
            }
        }
        List<String> args =
                new ArrayList<>(List.of("--results", write("gt.json", VALID).toString()));
        args.addAll(files);
        dev.masklab.BoundedHeap.Result res = dev.masklab.BoundedHeap.run(CocoFuzzTest.class, args);
        assertEquals(0, res.exitCode(), res.output());
        assertEquals(
                files.size(),
                res.output()
                        .lines()
                        .filter(l -> l.startsWith(tmp.resolve("bounded-dt-").toString()))
                        .count(),
                res.output());
    }

    @Test
    void malformedDatasetsAreRefusedUnderAOneGigabyteHeap() throws Exception {
        Random r = new Random(1018);
        List<String> files = new ArrayList<>();
        List<Function<Random, String>> gens = fatalDatasets();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < gens.size(); i++) {
                files.add(write("bounded-" + files.size() + ".json", gens.get(i).apply(r))
                        .toString());
            }
        }
        // a large but well-formed prefix declaring enormous sizes, then a defect at the end
        StringBuilder big = new StringBuilder("{\"images\": [");
        for (int i = 1; i <= 20_000; i++) {
            big.append(i > 1 ? ", " : "")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"file_name\": \"x.jpg\", \"width\": 46000, \"height\": 46000}");
        }
        big.append("], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": "
                + "{\"size\": [46000, 46000], \"counts\": [2116000000, \"x\"]}}], \"categories\": [" + CATS + "]}");
        files.add(write("bounded-big.json", big.toString()).toString());
        dev.masklab.BoundedHeap.Result res = dev.masklab.BoundedHeap.run(CocoFuzzTest.class, files);
        assertEquals(0, res.exitCode(), res.output());
        assertEquals(
                files.size(),
                res.output().lines().filter(l -> l.startsWith(tmp.toString())).count(),
                res.output());
    }

    @Test
    void malformedDatasetsAreRefusedByNameAndNothingIsWritten() throws IOException {
        Random r = new Random(18);
        int cases = 0;
        List<Function<Random, String>> gens = fatalDatasets();
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < gens.size(); i++) {
                String json = gens.get(i).apply(r);
                String what = "generator " + i + ": " + abbreviate(json);
                Path in = write("in-" + cases + ".json", json);
                try {
                    CocoReader.read(in);
                    fail(what + ": was read");
                } catch (CocoFormatException e) {
                    assertTrue(e.getMessage().startsWith(in + ": "), () -> what + ": " + e.getMessage());
                    assertOneLineNaming(e.getMessage(), in, what);
                } catch (IOException | RuntimeException e) {
                    fail(what + ": " + e, e);
                }
                Path out = tmp.resolve("out-" + cases + ".json");
                ConvertCommandTest.Run convert = ConvertCommandTest.run(
                        "convert",
                        in.toString(),
                        "--segmentation",
                        r.nextBoolean() ? "rle" : "polygon",
                        "--out",
                        out.toString());
                assertEquals(2, convert.code(), what);
                assertOneLineNaming(convert.err(), in, what);
                assertTrue(convert.err().startsWith("convert: "), what);
                assertFalse(Files.exists(out), what + ": convert wrote its output");
                ConvertCommandTest.Run stats = ConvertCommandTest.run("stats", in.toString());
                assertNotEquals(0, stats.code(), what);
                assertOneLineNaming(stats.err(), in, what);
                cases++;
            }
        }
        try (var s = Files.list(tmp)) {
            assertTrue(
                    s.noneMatch(p -> p.getFileName().toString().startsWith("out-")
                            || p.getFileName().toString().endsWith(".tmp")),
                    "no output or temporary file anywhere");
        }
        assertTrue(cases >= 250, "cases: " + cases);
    }

    @Test
    void readableDamageIsReportedNotFatal() throws IOException {
        Random r = new Random(20);
        List<Function<Random, String>> gens = tolerantDatasets();
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < gens.size(); i++) {
                String json = gens.get(i).apply(r);
                Path in = write("ok.json", json);
                String what = "generator " + i + ": " + abbreviate(json);
                CocoDataset ds;
                try {
                    ds = CocoReader.read(in);
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError(what + ": " + e, e);
                }
                assertFalse(ds.problems().isEmpty() && json.contains("NaN"), what + ": a NaN was not reported");
                ds.problems().forEach(p -> assertEquals(in.toString(), p.file(), what));
                ConvertCommandTest.Run stats = ConvertCommandTest.run("stats", in.toString());
                assertEquals(0, stats.code(), () -> what + ": " + stats.err());
            }
        }
    }

    @Test
    void malformedResultsAreRefusedByName() throws IOException {
        Path gtFile = write("gt.json", VALID);
        CocoDataset gt = CocoReader.read(gtFile);
        Random r = new Random(19);
        List<Function<Random, String>> gens = fatalResults();
        int cases = 0;
        for (int round = 0; round < 14; round++) {
            for (int i = 0; i < gens.size(); i++) {
                String json = gens.get(i).apply(r);
                String what = "generator " + i + ": " + abbreviate(json);
                Path dt = write("dt-" + cases + ".json", json);
                try {
                    CocoResults.read(dt, gt);
                    fail(what + ": was read");
                } catch (CocoFormatException e) {
                    assertTrue(e.getMessage().startsWith(dt + ": "), () -> what + ": " + e.getMessage());
                    assertOneLineNaming(e.getMessage(), dt, what);
                } catch (IOException | RuntimeException e) {
                    fail(what + ": " + e, e);
                }
                ConvertCommandTest.Run eval = ConvertCommandTest.run(
                        "eval", "--gt", gtFile.toString(), "--dt", dt.toString(), "--iou-type", pick(r, new String[] {
                            "bbox", "segm", "keypoints"
                        }));
                assertNotEquals(0, eval.code(), what);
                assertOneLineNaming(eval.err(), dt, what);
                cases++;
            }
        }
        assertTrue(cases >= 200, "cases: " + cases);
    }

    static String abbreviate(String s) {
        return s.length() < 300 ? s : s.substring(0, 300) + "...";
    }
}
