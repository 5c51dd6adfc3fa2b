package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CocoReader + CocoWriter give back the same JSON tree; the model sees the files' content. */
class CocoRoundTripTest {
    static final Path SHARED = SharedData.root();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "data/coco-person-kp/test_coco.json",
                "data/labelme-voc/annotations.json",
                "fixtures/coco-eval/person-s3-crowd/gt.json"
            })
    void readWriteGivesEqualTree(String rel) throws IOException {
        Path src = SHARED.resolve(rel);
        CocoDataset ds = CocoReader.read(src);
        assertTrue(ds.problems().isEmpty(), () -> "problems: " + ds.problems());
        Path out = tmp.resolve("out.json");
        CocoWriter.write(ds, out);
        JsonNode expected = JSON.readTree(src.toFile());
        JsonNode actual = JSON.readTree(out.toFile());
        assertEquals(expected, actual);
        // writing again keeps the previous file as .bak and the tree again equal
        CocoWriter.write(CocoReader.read(out), out);
        assertEquals(expected, JSON.readTree(out.toFile()));
        assertEquals(expected, JSON.readTree(tmp.resolve("out.json.bak").toFile()));
        try (var s = Files.list(tmp)) {
            assertEquals(
                    List.of("out.json", "out.json.bak"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left");
        }
    }

    @Test
    void modelReflectsPersonFile() throws IOException {
        CocoDataset ds = CocoReader.read(SHARED.resolve("data/coco-person-kp/test_coco.json"));
        JsonNode tree = JSON.readTree(
                SHARED.resolve("data/coco-person-kp/test_coco.json").toFile());
        assertEquals(tree.get("images").size(), ds.images().size());
        assertEquals(tree.get("annotations").size(), ds.annotations().size());
        CocoCategory person = ds.category(1);
        assertEquals("person", person.name());
        assertEquals(17, person.keypoints().size());
        assertEquals("nose", person.keypoints().get(0));
        assertEquals(tree.get("categories").get(0).get("skeleton").size(), person.skeleton().length);
        CocoAnnotation a = ds.annotation(442619);
        assertNotNull(a);
        assertEquals(785, a.imageId());
        assertEquals(51, a.keypoints().length);
        assertEquals(27789.11055, a.area());
        long onImage = 0;
        for (JsonNode an : tree.get("annotations")) if (an.get("image_id").asLong() == 785) onImage++;
        assertEquals(onImage, ds.annotationsOf(785).size());
        assertEquals(640, ds.image(785).width());
        assertEquals(
                "For testing COCO dataset only.", ds.info().get("description").asText());
    }

    @Test
    void zeroAndNonContiguousIdsAndExtrasAtEveryLevel() throws IOException {
        Path f = tmp.resolve("ids.json");
        Files.writeString(f, """
                {"extra_top": {"a": [1, 2.5, null]},
                 "images": [{"id": 0, "file_name": "a.jpg", "width": 4, "height": 3, "x": "y", "url": null},
                            {"id": 900000000000, "file_name": "b.jpg", "width": 4, "height": 3}],
                 "categories": [{"id": 0, "name": "bg", "supercategory": null, "color": [1, 2, 3]},
                                {"id": 7, "name": "cat"}],
                 "annotations": [{"id": 0, "image_id": 0, "category_id": 7, "bbox": [0, 0, 2, 2.5],
                                  "segmentation": [[0, 0, 2, 0, 2, 2.5]], "area": 5, "iscrowd": 0, "note": {"k": 1}},
                                 {"id": -5, "image_id": 900000000000, "category_id": 0, "bbox": [1.0, 1.0, 1.0, 1.0],
                                  "segmentation": {"counts": [1, 2, 9], "size": [3, 4]}, "iscrowd": 1, "area": 2.0}]}
                """);
        CocoDataset ds = CocoReader.read(f);
        assertTrue(ds.problems().isEmpty(), () -> "problems: " + ds.problems());
        assertEquals("bg", ds.category(0).name());
        assertEquals(1, ds.annotationsOf(900000000000L).size());
        assertTrue(ds.annotation(-5).isCrowd());
        assertEquals("y", ds.image(0).extra().get("x").asText());
        Path out = tmp.resolve("ids-out.json");
        CocoWriter.write(ds, out);
        assertEquals(JSON.readTree(f.toFile()), JSON.readTree(out.toFile()));
        assertFalse(Files.exists(tmp.resolve("ids-out.json.bak")));
        // crowd RLE as pycocotools reads it
        assertEquals(2, ds.annToRle(ds.annotation(-5)).area());
    }

    @Test
    void coordinatesParseExactlyLikeDoubleParseDouble() throws IOException {
        java.util.Random r = new java.util.Random(11);
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            double v = (r.nextDouble() - 0.2) * Math.pow(10, r.nextInt(8));
            String t = switch (i % 5) {
                case 0 -> String.format(java.util.Locale.ROOT, "%." + r.nextInt(8) + "f", v);
                case 1 -> Double.toString(v);
                case 2 -> String.format(java.util.Locale.ROOT, "%.17f", v);
                case 3 -> String.format(java.util.Locale.ROOT, "%.3e", v);
                default -> String.format(java.util.Locale.ROOT, "%.2f", v);
            };
            if (!t.contains(".") && !t.contains("e")) t = t + ".0";
            texts.add(t);
        }
        texts.addAll(List.of(
                "-0.0",
                "0.0",
                "0.1",
                "123456789012345.6",
                "1234567890123456.7",
                "0.000000000000000000000001",
                "9007199254740993.0",
                "-1.5E3"));
        StringBuilder poly = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) poly.append(i == 0 ? "" : ", ").append(texts.get(i));
        if (texts.size() % 2 == 1) poly.append(", 1.0");
        Path f = tmp.resolve("nums.json");
        Files.writeString(
                f,
                "{\"images\": [{\"id\": 1, \"width\": 10, \"height\": 10}], \"categories\": [{\"id\": 1}],"
                        + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [["
                        + poly + "]]}]}");
        CocoDataset ds = CocoReader.read(f);
        double[] got = ((Segmentation.Polygons) ds.annotation(1).segmentation())
                .polygons()
                .get(0);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(
                    Double.doubleToRawLongBits(Double.parseDouble(texts.get(i))),
                    Double.doubleToRawLongBits(got[i]),
                    texts.get(i));
        }
    }

    @Test
    void missingSectionsStayMissingAndNewDatasetsGetTheUsualOnes() throws IOException {
        Path f = tmp.resolve("partial.json");
        Files.writeString(f, "{\"images\": [{\"id\": 3, \"width\": 2, \"height\": 2}], \"type\": \"instances\"}");
        CocoDataset ds = CocoReader.read(f);
        Path out = tmp.resolve("partial-out.json");
        CocoWriter.write(ds, out);
        assertEquals(JSON.readTree(f.toFile()), JSON.readTree(out.toFile()));

        CocoDataset built = new CocoDataset();
        built.addImage(new CocoImage(1, "a.jpg", 4, 3));
        built.addCategory(new CocoCategory(1, "thing", "any"));
        CocoAnnotation a = new CocoAnnotation(1, 1, 1)
                .setSegmentation(Segmentation.polygons(List.of(new double[] {0, 0, 2, 0, 2, 2})))
                .setIscrowd(0)
                .setArea(2.0);
        built.addAnnotation(a);
        CocoWriter.write(built, out);
        JsonNode tree = JSON.readTree(out.toFile());
        assertEquals(
                List.of("images", "annotations", "categories"),
                java.util.stream.StreamSupport.stream(
                                java.util.Spliterators.spliteratorUnknownSize(tree.fieldNames(), 0), false)
                        .toList());
        assertEquals(
                "[[0.0,0.0,2.0,0.0,2.0,2.0]]",
                tree.get("annotations").get(0).get("segmentation").toString());
        CocoDataset back = CocoReader.read(out);
        assertEquals(a.segmentation(), back.annotation(1).segmentation());
        assertTrue(Files.exists(tmp.resolve("partial-out.json.bak")));
        // the original's permissions are kept
        var perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(out, perms);
        CocoWriter.write(built, out);
        assertEquals(perms, Files.getPosixFilePermissions(out));
        // a new file is readable by others as usual, not owner-only like a temp file
        Path fresh = tmp.resolve("fresh.json");
        CocoWriter.write(built, fresh);
        assertTrue(
                Files.getPosixFilePermissions(fresh).contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ));
        assertTrue(
                Files.getPosixFilePermissions(fresh).size() > 2,
                Files.getPosixFilePermissions(fresh).toString());
    }

    @Test
    void removedAnnotationInsertedBackTakesItsPlaceInBothOrders() throws IOException {
        CocoDataset ds = CocoReader.read(SHARED.resolve("data/labelme-voc/annotations.json"));
        List<Long> order = ds.annotations().stream().map(CocoAnnotation::id).toList();
        for (int at : new int[] {0, order.size() / 2, order.size() - 1}) {
            CocoAnnotation a = ds.annotations().get(at);
            List<Long> ofImage = ds.annotationsOf(a.imageId()).stream()
                    .map(CocoAnnotation::id)
                    .toList();
            assertEquals(at, ds.indexOfAnnotation(a.id()));
            ds.removeAnnotation(a.id());
            assertEquals(-1, ds.indexOfAnnotation(a.id()));
            ds.insertAnnotation(at, a);
            assertEquals(
                    order, ds.annotations().stream().map(CocoAnnotation::id).toList());
            assertEquals(
                    ofImage,
                    ds.annotationsOf(a.imageId()).stream()
                            .map(CocoAnnotation::id)
                            .toList());
        }
        CocoAnnotation first = ds.annotations().getFirst();
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ds.insertAnnotation(0, first));
        org.junit.jupiter.api.Assertions.assertThrows(
                IndexOutOfBoundsException.class, () -> ds.insertAnnotation(order.size() + 1, first.withId(1_000_000)));
    }
}
