package dev.masklab.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated dataset is deterministic, valid COCO, and its annotations describe exactly what is drawn. */
class SyntheticDatasetGeneratorTest {
    static final int IMAGES = 12;
    static final long SEED = 3;

    @TempDir
    static Path shared;

    static Path dir;
    static SyntheticDatasetGenerator gen;
    static CocoDataset ds;

    @BeforeAll
    static void generate() throws IOException {
        gen = new SyntheticDatasetGenerator(SyntheticDatasetGenerator.Options.of(IMAGES, SEED));
        dir = shared.resolve("a");
        gen.generate(dir, "annotations", null, 0);
        ds = CocoReader.read(dir.resolve("annotations.json"));
    }

    @Test
    void sameSeedGivesSameBytesOtherSeedDiffers() throws IOException {
        Path again = shared.resolve("again");
        new SyntheticDatasetGenerator(SyntheticDatasetGenerator.Options.of(IMAGES, SEED))
                .generate(again, "annotations", null, 0);
        List<Path> files = listFiles(dir);
        assertEquals(IMAGES + 1, files.size());
        assertEquals(
                files.stream().map(dir::relativize).toList(),
                listFiles(again).stream().map(again::relativize).toList());
        for (Path f : files) {
            assertArrayEquals(
                    Files.readAllBytes(f), Files.readAllBytes(again.resolve(dir.relativize(f))), f.toString());
        }
        Path other = shared.resolve("other");
        new SyntheticDatasetGenerator(SyntheticDatasetGenerator.Options.of(IMAGES, SEED + 1))
                .generate(other, "annotations", null, 0);
        assertFalse(Arrays.equals(
                Files.readAllBytes(dir.resolve("annotations.json")),
                Files.readAllBytes(other.resolve("annotations.json"))));
        for (int i = 0; i < IMAGES; i++) {
            String name = SyntheticDatasetGenerator.fileName(i);
            assertFalse(
                    Arrays.equals(Files.readAllBytes(dir.resolve(name)), Files.readAllBytes(other.resolve(name))),
                    name);
        }
    }

    @Test
    void annotationsOnlyWritesTheSameJsonAndNoImages() throws IOException {
        Path ao = shared.resolve("ao");
        new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.of(IMAGES, SEED).withAnnotationsOnly(true))
                .generate(ao, "annotations", null, 0);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("annotations.json")),
                Files.readAllBytes(ao.resolve("annotations.json")));
        assertFalse(Files.exists(ao.resolve("images")));
    }

    @Test
    void readsBackWithoutProblemsAndIsConsistent() throws IOException {
        assertTrue(ds.problems().isEmpty(), () -> "problems: " + ds.problems());
        assertEquals(IMAGES, ds.images().size());
        assertTrue(
                ds.annotations().size() > 4 * IMAGES,
                "annotations: " + ds.annotations().size());
        Set<Long> ids = new HashSet<>();
        for (CocoImage im : ds.images()) {
            assertEquals(320, im.width());
            assertEquals(240, im.height());
            BufferedImage img = ImageIO.read(dir.resolve(im.fileName()).toFile());
            assertNotNull(img, im.fileName());
            assertEquals(320, img.getWidth());
            assertEquals(240, img.getHeight());
        }
        for (CocoAnnotation a : ds.annotations()) {
            assertTrue(ids.add(a.id()));
            assertNotNull(ds.image(a.imageId()), "image of " + a);
            assertNotNull(ds.category(a.categoryId()), "category of " + a);
            Rle rle = ds.annToRle(a);
            assertTrue(rle.area() > 0, "empty mask " + a);
            assertEquals(rle.area(), a.area(), 0.0, "area of " + a);
            assertArrayEquals(rle.toBbox(), a.bbox(), 1e-9, "bbox of " + a);
            if (a.segmentation() instanceof Segmentation.Polygons p) {
                for (double[] poly : p.polygonsView()) {
                    assertTrue(poly.length >= 6 && poly.length % 2 == 0);
                    for (int i = 0; i < poly.length; i += 2) {
                        assertTrue(
                                poly[i] >= 0 && poly[i] <= 320 && poly[i + 1] >= 0 && poly[i + 1] <= 240,
                                "vertex outside image " + a);
                    }
                }
            }
        }
    }

    @Test
    void categoryIdsAreNotContiguousAndFigureHasCocoKeypoints() {
        assertEquals(
                List.of(1L, 2L, 3L, 5L, 7L, 9L),
                ds.categories().stream().map(CocoCategory::id).toList());
        CocoCategory figure = ds.category(9);
        assertEquals("figure", figure.name());
        assertEquals(17, figure.keypoints().size());
        assertEquals("nose", figure.keypoints().get(0));
        assertEquals("right_ankle", figure.keypoints().get(16));
        assertEquals(19, figure.skeleton().length);
        Set<Long> used = new HashSet<>();
        ds.annotations().forEach(a -> used.add(a.categoryId()));
        assertEquals(Set.of(1L, 2L, 3L, 5L, 7L, 9L), used, "every category is drawn");
    }

    @Test
    void crowdRegionsAreUncompressedRleAndTheRestPolygons() {
        int crowds = 0;
        for (CocoAnnotation a : ds.annotations()) {
            if (a.isCrowd()) {
                crowds++;
                assertTrue(a.segmentation() instanceof Segmentation.UncompressedRle, "crowd " + a);
                Segmentation.UncompressedRle r = (Segmentation.UncompressedRle) a.segmentation();
                assertEquals(240, r.h());
                assertEquals(320, r.w());
            } else {
                assertTrue(a.segmentation() instanceof Segmentation.Polygons, "non-crowd " + a);
                assertEquals(0, a.iscrowd());
            }
        }
        assertTrue(crowds >= 1, "no crowd region in " + IMAGES + " images");
    }

    @Test
    void masksMatchTheDrawnPixels() throws IOException {
        int checked = 0;
        for (int index = 0; index < IMAGES; index++) {
            CocoImage im = ds.image(SyntheticDatasetGenerator.imageId(index));
            BufferedImage img = ImageIO.read(dir.resolve(im.fileName()).toFile());
            int w = im.width(), h = im.height();
            Scene scene = gen.scene(index);
            List<byte[]> objectMasks = new ArrayList<>();
            for (SceneObject o : scene.objects())
                objectMasks.add(Rle.fromPolygons(o.polygons(), h, w).decode());
            byte[] anyObject = new byte[w * h];
            for (byte[] m : objectMasks) for (int p = 0; p < m.length; p++) anyObject[p] |= m[p];
            for (CocoAnnotation a : ds.annotationsOf(im.id())) {
                int j = sceneObjectOf(a, scene, objectMasks, h, w);
                int rgb = scene.objects().get(j).rgb();
                byte[] mask = ds.annToRle(a).decode();
                byte[] covered = new byte[w * h];
                for (int k = j + 1; k < objectMasks.size(); k++) {
                    for (int p = 0; p < covered.length; p++)
                        covered[p] |= objectMasks.get(k)[p];
                }
                // inside: the visible part of the mask (1 px away from any edge) has the object's colour
                int inside = 0, insideMatch = 0, ring = 0, ringMatch = 0;
                for (int y = 1; y < h - 1; y++) {
                    for (int x = 1; x < w - 1; x++) {
                        if (allSet(mask, x, y, w, 1) && noneSet(covered, x, y, w, 1)) {
                            inside++;
                            if (close(img.getRGB(x, y), rgb)) insideMatch++;
                        }
                        // outside: background pixels 2 to 3 px from the mask must not have the object's colour
                        if (noneSet(anyObject, x, y, w, 1)
                                && noneSet(mask, x, y, w, 1)
                                && anySet(mask, x, y, w, 3, h)) {
                            ring++;
                            if (close(img.getRGB(x, y), rgb)) ringMatch++;
                        }
                    }
                }
                if (inside >= 20) {
                    checked++;
                    assertTrue(
                            insideMatch >= 0.95 * inside,
                            a + ": " + insideMatch + "/" + inside + " mask pixels have the drawn colour");
                }
                if (ring >= 20)
                    assertTrue(
                            ringMatch <= 0.05 * ring,
                            a + ": " + ringMatch + "/" + ring + " pixels outside the mask have its colour");
            }
        }
        assertTrue(checked > 3 * IMAGES, "checked " + checked);
    }

    @Test
    void keypointsLieInTheFigureMaskAndVisibilityFollowsOcclusion() {
        int[] seen = new int[3];
        for (CocoAnnotation a : ds.annotations()) {
            if (a.categoryId() != 9) {
                assertEquals(null, a.keypoints());
                continue;
            }
            CocoImage im = ds.image(a.imageId());
            int w = im.width(), h = im.height();
            double[] kp = a.keypoints();
            assertEquals(51, kp.length);
            byte[] mask = ds.annToRle(a).decode();
            int index = (int) (im.id() - 1);
            Scene scene = gen.scene(index);
            List<byte[]> objectMasks = new ArrayList<>();
            for (SceneObject o : scene.objects())
                objectMasks.add(Rle.fromPolygons(o.polygons(), h, w).decode());
            int j = sceneObjectOf(a, scene, objectMasks, h, w);
            int visible = 0;
            for (int k = 0; k < 17; k++) {
                double x = kp[3 * k], y = kp[3 * k + 1];
                int v = (int) kp[3 * k + 2];
                seen[v]++;
                if (v == 0) {
                    assertEquals(0.0, x);
                    assertEquals(0.0, y);
                    continue;
                }
                visible++;
                int px = (int) x, py = (int) y;
                assertTrue(px >= 0 && py >= 0 && px < w && py < h);
                assertEquals(1, mask[py * w + px], a + " keypoint " + k + " outside its mask");
                boolean coveredLater = false;
                for (int o = j + 1; o < objectMasks.size(); o++)
                    coveredLater |= anySet(objectMasks.get(o), px, py, w, 1, h);
                if (v == 1) assertTrue(coveredLater, a + " keypoint " + k + " marked occluded but nothing covers it");
                else
                    assertFalse(
                            allCoveredByOne(objectMasks, j, px, py, w),
                            a + " keypoint " + k + " marked visible but covered");
            }
            assertEquals(visible, a.numKeypoints());
        }
        assertTrue(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "visibility counts " + Arrays.toString(seen));
    }

    @Test
    void splitWritesTrainAndValSharingOneImageFolder() throws IOException {
        Path split = shared.resolve("split");
        new SyntheticDatasetGenerator(
                        SyntheticDatasetGenerator.Options.of(8, SEED).withValFraction(0.25))
                .generate(split, "ignored", null, 0);
        CocoDataset train = CocoReader.read(split.resolve("train.json"));
        CocoDataset val = CocoReader.read(split.resolve("val.json"));
        assertEquals(6, train.images().size());
        assertEquals(2, val.images().size());
        Set<Long> ids = new HashSet<>();
        for (CocoDataset d : List.of(train, val)) {
            assertTrue(d.problems().isEmpty());
            for (CocoImage im : d.images()) {
                assertTrue(ids.add(im.id()));
                assertTrue(Files.isRegularFile(split.resolve(im.fileName())), im.fileName());
            }
            for (CocoAnnotation a : d.annotations()) assertNotNull(d.image(a.imageId()));
        }
        assertEquals(8, listFiles(split.resolve("images")).size());
        assertFalse(Files.exists(split.resolve("ignored.json")));
    }

    @Test
    void detectionsFileHasNPerValImageAndMatchesTheGroundTruth() throws IOException {
        Path out = shared.resolve("dets");
        Path detsFile = out.resolve("dets.json");
        var o = new SyntheticDatasetGenerator(SyntheticDatasetGenerator.Options.of(6, SEED)
                        .withValFraction(0.5)
                        .withAnnotationsOnly(true))
                .generate(out, "x", detsFile, 15);
        CocoDataset val = CocoReader.read(out.resolve("val.json"));
        List<CocoResult> dets = CocoResults.read(detsFile, val);
        assertEquals(3 * 15, dets.size());
        assertEquals(dets.size(), o.detections());
        int good = 0;
        for (CocoImage im : val.images()) {
            List<CocoResult> mine =
                    dets.stream().filter(d -> d.imageId() == im.id()).toList();
            assertEquals(15, mine.size());
            List<CocoAnnotation> gt = val.annotationsOf(im.id());
            List<Rle> gtMasks = gt.stream().map(val::annToRle).toList();
            boolean[] crowd = new boolean[gt.size()];
            for (int g = 0; g < gt.size(); g++) crowd[g] = gt.get(g).isCrowd();
            for (CocoResult d : mine) {
                assertTrue(d.segmentation() instanceof Segmentation.CompressedRle);
                Rle m = d.mask(im.height(), im.width());
                assertEquals(im.height(), m.h());
                assertEquals(im.width(), m.w());
                assertArrayEquals(m.toBbox(), d.bbox(), 1e-9);
                assertTrue(d.score() >= 0 && d.score() <= 1);
                assertEquals(d.categoryId() == 9, d.keypoints() != null);
                if (d.keypoints() != null) assertEquals(51, d.keypoints().length);
                double[][] iou = Rle.iou(List.of(m), gtMasks, crowd);
                for (int g = 0; g < gt.size(); g++) {
                    if (!crowd[g] && iou[0][g] > 0.6 && gt.get(g).categoryId() == d.categoryId()) {
                        good++;
                        break;
                    }
                }
            }
        }
        int gtCount = (int) val.annotations().stream().filter(a -> !a.isCrowd()).count();
        assertTrue(good >= gtCount / 2, good + " good detections for " + gtCount + " objects");
    }

    /** The scene object an annotation was made from: same polygons (or, for a crowd, same mask). */
    private static int sceneObjectOf(CocoAnnotation a, Scene scene, List<byte[]> objectMasks, int h, int w) {
        for (int j = 0; j < scene.objects().size(); j++) {
            SceneObject o = scene.objects().get(j);
            if (a.segmentation() instanceof Segmentation.Polygons p) {
                if (p.size() == o.polygons().size() && !o.crowd()) {
                    boolean same = true;
                    for (int k = 0; k < p.size(); k++)
                        same &= Arrays.equals(
                                p.polygonsView().get(k), o.polygons().get(k));
                    if (same) return j;
                }
            } else if (o.crowd() && Arrays.equals(a.segmentation().toRle(h, w).decode(), objectMasks.get(j))) {
                return j;
            }
        }
        throw new AssertionError("no drawn object for " + a);
    }

    private static boolean allCoveredByOne(List<byte[]> masks, int j, int x, int y, int w) {
        for (int o = j + 1; o < masks.size(); o++) if (allSet(masks.get(o), x, y, w, 1)) return true;
        return false;
    }

    private static boolean close(int argb, int rgb) {
        int d = Math.max(
                Math.abs(((argb >> 16) & 255) - ((rgb >> 16) & 255)),
                Math.max(Math.abs(((argb >> 8) & 255) - ((rgb >> 8) & 255)), Math.abs((argb & 255) - (rgb & 255))));
        return d <= 40;
    }

    private static boolean allSet(byte[] m, int x, int y, int w, int r) {
        int h = m.length / w;
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h || m[yy * w + xx] == 0) return false;
            }
        return true;
    }

    private static boolean noneSet(byte[] m, int x, int y, int w, int r) {
        int h = m.length / w;
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < w && yy < h && m[yy * w + xx] != 0) return false;
            }
        return true;
    }

    private static boolean anySet(byte[] m, int x, int y, int w, int r, int h) {
        return !noneSet(m, x, y, w, r);
    }

    private static List<Path> listFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
