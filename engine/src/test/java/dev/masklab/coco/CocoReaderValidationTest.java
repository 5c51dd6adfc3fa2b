package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives a CocoFormatException (file, JSON path, reason) or a CocoProblem, as documented in CocoReader. */
class CocoReaderValidationTest {
    @TempDir
    Path tmp;

    static final String IMAGES = """
            "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 8},
                       {"id": 2, "file_name": "b.jpg", "width": 10, "height": 8}],
            "categories": [{"id": 1, "name": "thing"}]""";

    Path write(String json) throws IOException {
        Path f = tmp.resolve("in.json");
        Files.writeString(f, json);
        return f;
    }

    CocoFormatException fatal(String json) throws IOException {
        Path f = write(json);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoReader.read(f));
        assertEquals(f.toString(), e.file());
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e;
    }

    CocoDataset withAnnotations(String annotations) throws IOException {
        return CocoReader.read(write("{" + IMAGES + ", \"annotations\": [" + annotations + "]}"));
    }

    static final String GOOD = """
            {"id": 10, "image_id": 1, "category_id": 1, "segmentation": [[1, 1, 5, 1, 5, 5]], "area": 8,
             "bbox": [1, 1, 4, 4], "iscrowd": 0}""";

    static CocoProblem only(CocoDataset ds) {
        assertEquals(1, ds.problems().size(), () -> "problems: " + ds.problems());
        return ds.problems().get(0);
    }

    @Test
    void malformedJsonNamesPositionAndPath() throws IOException {
        CocoFormatException e = fatal("{" + IMAGES + ", \"annotations\": [{\"id\": 1, \"image_id\": 1,, }]}");
        assertEquals("annotations[0].image_id", e.jsonPath());
        assertTrue(e.reason().startsWith("malformed JSON"), e.reason());
        assertTrue(e.reason().contains("line "), e.reason());
        assertTrue(fatal("{\"images\": [").reason().startsWith("malformed JSON"));
        assertEquals("empty file", fatal("").reason());
        assertTrue(fatal("[1, 2]").reason().contains("a JSON object at the top level"));
    }

    @Test
    void missingFile() {
        CocoFormatException e =
                assertThrows(CocoFormatException.class, () -> CocoReader.read(tmp.resolve("nope.json")));
        assertEquals("file not found", e.reason());
    }

    @Test
    void wrongTypesAreFatal() throws IOException {
        CocoFormatException e = fatal("{\"images\": [{\"id\": 1, \"width\": \"640\", \"height\": 8}]}");
        assertEquals("images[0].width", e.jsonPath());
        assertTrue(e.reason().contains("expected an integer, found a string"), e.reason());

        e = fatal("{" + IMAGES + ", \"annotations\": [" + GOOD + ", {\"id\": 11, \"image_id\": 1, \"category_id\": 1,"
                + " \"segmentation\": [[1, 2, \"x\", 4, 5, 6]]}]}");
        assertEquals("annotations[1].segmentation[0][2]", e.jsonPath());

        e = fatal("{" + IMAGES + ", \"annotations\": [{\"id\": 11, \"image_id\": 1, \"category_id\": 1,"
                + " \"segmentation\": \"poly\"}]}");
        assertEquals("annotations[0].segmentation", e.jsonPath());

        e = fatal("{\"images\": {}}");
        assertEquals("images", e.jsonPath());

        e = fatal("{" + IMAGES + ", \"annotations\": [{\"id\": 1.5, \"image_id\": 1, \"category_id\": 1}]}");
        assertEquals("annotations[0].id", e.jsonPath());

        e = fatal("{\"images\": [{\"id\": 1, \"width\": 3, \"height\": 2}, {\"id\": 2, \"height\": 2}]}");
        assertEquals("images[1]", e.jsonPath());
        assertTrue(e.reason().contains("image 2 without \"width\"/\"height\""), e.reason());

        e = fatal("{" + IMAGES + ", \"annotations\": [{\"image_id\": 1, \"category_id\": 1}]}");
        assertEquals("annotations[0]", e.jsonPath());
        assertTrue(e.reason().contains("without \"id\""));
    }

    @Test
    void danglingIdsSkipTheAnnotation() throws IOException {
        CocoDataset ds = withAnnotations(GOOD + ", {\"id\": 11, \"image_id\": 99, \"category_id\": 1}");
        CocoProblem p = only(ds);
        assertEquals("annotations[1].image_id", p.jsonPath());
        assertTrue(p.reason().contains("image 99"), p.reason());
        assertNull(ds.annotation(11));
        assertNotNull(ds.annotation(10));

        ds = withAnnotations("{\"id\": 11, \"image_id\": 2, \"category_id\": 5}, " + GOOD);
        p = only(ds);
        assertEquals("annotations[0].category_id", p.jsonPath());
        assertEquals(
                List.of(10L), ds.annotations().stream().map(CocoAnnotation::id).toList());
        // not used, but not lost: written back where it was
        assertEquals(
                List.of(11L),
                ds.unreadAnnotations().stream().map(CocoAnnotation::id).toList());
        assertEquals(12, ds.nextAnnotationId());
        Path out = tmp.resolve("out.json");
        CocoWriter.write(ds, out);
        CocoDataset again = CocoReader.read(out);
        assertEquals(
                List.of(11L),
                again.unreadAnnotations().stream().map(CocoAnnotation::id).toList());
        assertTrue(
                Files.readString(out)
                        .replaceAll("\\s", "")
                        .contains("\"annotations\":[{\"id\":11,\"image_id\":2,\"category_id\":5},{\"id\":10,"),
                "kept first, as in the file");
    }

    @Test
    void badPolygonsAreDropped() throws IOException {
        CocoDataset ds = withAnnotations("""
                {"id": 10, "image_id": 1, "category_id": 1,
                 "segmentation": [[1, 1, 5, 1], [1, 1, 5, 1, 5, 5, 1], [1, 1, 5, 1, 5, 5], [1, NaN, 5, 1, 5, 5],
                                  [1, 1, Infinity, 1, 5, 5]]}""");
        List<CocoProblem> ps = ds.problems();
        assertEquals(4, ps.size(), () -> "problems: " + ps);
        assertEquals("annotations[0].segmentation[0]", ps.get(0).jsonPath());
        assertTrue(ps.get(0).reason().contains("2 points"), ps.get(0).reason());
        assertEquals("annotations[0].segmentation[1]", ps.get(1).jsonPath());
        assertTrue(ps.get(1).reason().contains("odd"), ps.get(1).reason());
        assertEquals("annotations[0].segmentation[3]", ps.get(2).jsonPath());
        assertTrue(ps.get(2).reason().contains("NaN"), ps.get(2).reason());
        assertEquals("annotations[0].segmentation[4]", ps.get(3).jsonPath());
        Segmentation.Polygons poly = (Segmentation.Polygons) ds.annotation(10).segmentation();
        assertEquals(1, poly.size());
        assertTrue(ds.annToRle(ds.annotation(10)).area() > 0);
    }

    @Test
    void nonFiniteNumbersDropTheField() throws IOException {
        CocoDataset ds = withAnnotations("{\"id\": 10, \"image_id\": 1, \"category_id\": 1, \"area\": NaN,"
                + " \"bbox\": [1, 2, -Infinity, 4]}");
        assertEquals(2, ds.problems().size(), () -> "problems: " + ds.problems());
        assertEquals("annotations[0].area", ds.problems().get(0).jsonPath());
        assertEquals("annotations[0].bbox", ds.problems().get(1).jsonPath());
        assertNull(ds.annotation(10).area());
        assertNull(ds.annotation(10).bbox());
        // refused, not lost: written back as they were until the program sets them
        assertEquals(
                java.util.Set.of("area", "bbox"), ds.annotation(10).unread().keySet());
        Path out = tmp.resolve("out.json");
        CocoWriter.write(ds, out);
        String written = Files.readString(out).replaceAll("\\s", "");
        assertTrue(written.contains("\"area\":NaN") && written.contains("\"bbox\":[1,2,-Infinity,4]"), written);
        ds.annotation(10).setBbox(new double[] {1, 2, 3, 4});
        assertEquals(java.util.Set.of("area"), ds.annotation(10).unread().keySet());
        CocoWriter.write(ds, out);
        assertTrue(Files.readString(out).replaceAll("\\s", "").contains("\"bbox\":[1.0,2.0,3.0,4.0]"));
    }

    @Test
    void rleCountsMustBeNonNegativeIntegersThatFit() throws IOException {
        for (String bad : new String[] {"\"5\"", "5.0", "-5", "2147483648", "NaN"}) {
            CocoFormatException e = fatal("{" + IMAGES + ", \"annotations\": [{\"id\": 11, \"image_id\": 1, "
                    + "\"category_id\": 1, \"segmentation\": {\"counts\": [" + bad + ", 75], \"size\": [8, 10]}}]}");
            assertEquals("annotations[0].segmentation.counts[0]", e.jsonPath(), bad);
        }
        CocoFormatException e = fatal("{" + IMAGES + ", \"annotations\": [{\"id\": 11, \"image_id\": 1, "
                + "\"category_id\": 1, \"segmentation\": {\"counts\": [80], \"size\": [-8, -10]}}]}");
        assertTrue(e.reason().contains("non-negative"), e.reason());
    }

    @Test
    void rleSizeMismatchesSkipTheAnnotation() throws IOException {
        CocoDataset ds = withAnnotations(GOOD
                + ", {\"id\": 11, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1,"
                + "  \"segmentation\": {\"counts\": [5, 10, 5], \"size\": [8, 10]}}"
                + ", {\"id\": 12, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1,"
                + "  \"segmentation\": {\"counts\": [5, 10, 5], \"size\": [4, 5]}}"
                + ", {\"id\": 13, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1,"
                + "  \"segmentation\": {\"counts\": \"52\", \"size\": [8, 10]}}"
                + ", {\"id\": 14, \"image_id\": 1, \"category_id\": 1, \"segmentation\": {\"size\": [8, 10]}}"
                + ", {\"id\": 15, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 1,"
                + "  \"segmentation\": {\"counts\": [5, 70, 5], \"size\": [8, 10]}}");
        List<CocoProblem> ps = ds.problems();
        assertEquals(4, ps.size(), () -> "problems: " + ps);
        // problems in the order found: the missing counts while parsing, the rest when linking
        assertEquals("annotations[4].segmentation", ps.get(0).jsonPath());
        assertEquals("annotations[1].segmentation", ps.get(1).jsonPath());
        assertTrue(ps.get(1).reason().contains("sum to 20"), ps.get(1).reason());
        assertEquals("annotations[2].segmentation", ps.get(2).jsonPath());
        assertTrue(ps.get(2).reason().contains("differs from image"), ps.get(2).reason());
        assertEquals("annotations[3].segmentation", ps.get(3).jsonPath());
        assertEquals(
                List.of(10L, 15L),
                ds.annotations().stream().map(CocoAnnotation::id).toList());
        assertEquals(70, ds.annToRle(ds.annotation(15)).area());
    }

    @Test
    void duplicateIdsKeepTheFirst() throws IOException {
        Path f = write("""
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 8},
                            {"id": 1, "file_name": "dup.jpg", "width": 10, "height": 8}],
                 "categories": [{"id": 1, "name": "thing"}, {"id": 1, "name": "dup"}],
                 "annotations": [{"id": 10, "image_id": 1, "category_id": 1},
                                 {"id": 10, "image_id": 1, "category_id": 1, "iscrowd": 1}]}""");
        CocoDataset ds = CocoReader.read(f);
        List<CocoProblem> ps = ds.problems();
        assertEquals(3, ps.size(), () -> "problems: " + ps);
        assertEquals("images[1]", ps.get(0).jsonPath());
        assertEquals("categories[1]", ps.get(1).jsonPath());
        assertEquals("annotations[1]", ps.get(2).jsonPath());
        assertEquals("a.jpg", ds.image(1).fileName());
        assertEquals("thing", ds.category(1).name());
        assertEquals(1, ds.annotations().size());
        assertTrue(ps.get(0).toString().startsWith(f + ": images[1]: duplicate image id 1"));
    }
}
