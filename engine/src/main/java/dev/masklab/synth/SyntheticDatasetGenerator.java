package dev.masklab.synth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded, deterministic generator of COCO-format instance segmentation datasets: JPEG images of shapes (circle,
 * triangle, square, star, hexagon) and stick figures with 17 COCO keypoints on textured backgrounds, crowd regions as
 * uncompressed RLE, non-contiguous category ids; optionally a train/val split and a COCO results file of synthetic
 * detections. The same options and seed always give byte-identical files: every image draws from its own random
 * stream derived from (seed, image index), so images can be generated in parallel, and the geometry uses
 * {@link StrictMath} so that it does not depend on the platform (pixels come from Java2D and the JDK's JPEG encoder).
 */
public final class SyntheticDatasetGenerator {

    /**
     * @param images        number of images (at least 1)
     * @param seed          random seed
     * @param width         image width in pixels
     * @param height        image height in pixels
     * @param meanObjects   mean number of separately drawn objects per image (Poisson; crowd regions come on top)
     * @param valFraction   share of images in val.json (0: one file with every image)
     * @param annotationsOnly write only the JSON files, no images
     * @param jpegQuality   JPEG quality 0..1
     */
    public record Options(
            int images,
            long seed,
            int width,
            int height,
            double meanObjects,
            double valFraction,
            boolean annotationsOnly,
            float jpegQuality) {
        public static final int DEFAULT_WIDTH = 320, DEFAULT_HEIGHT = 240;
        /** Gives about 7.3 annotations per image, COCO's average. */
        public static final double DEFAULT_MEAN_OBJECTS = 7.9;

        public static final float DEFAULT_JPEG_QUALITY = 0.85f;

        public Options {
            if (images < 1) throw new IllegalArgumentException("--images must be at least 1, got " + images);
            if (width < 16 || height < 16 || (long) width * height > 64L * 1024 * 1024) {
                throw new IllegalArgumentException(
                        "image size must be between 16x16 and 64 Mpx, got " + width + "x" + height);
            }
            if (!(meanObjects > 0 && meanObjects <= 200))
                throw new IllegalArgumentException("mean objects per image must be in (0, 200], got " + meanObjects);
            if (!(valFraction >= 0 && valFraction < 1))
                throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + valFraction);
            if (!(jpegQuality > 0 && jpegQuality <= 1))
                throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
        }

        public static Options of(int images, long seed) {
            return new Options(
                    images, seed, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_MEAN_OBJECTS, 0, false, DEFAULT_JPEG_QUALITY);
        }

        public Options withSize(int w, int h) {
            return new Options(images, seed, w, h, meanObjects, valFraction, annotationsOnly, jpegQuality);
        }

        public Options withValFraction(double f) {
            return new Options(images, seed, width, height, meanObjects, f, annotationsOnly, jpegQuality);
        }

        public Options withAnnotationsOnly(boolean a) {
            return new Options(images, seed, width, height, meanObjects, valFraction, a, jpegQuality);
        }

        public Options withMeanObjects(double m) {
            return new Options(images, seed, width, height, m, valFraction, annotationsOnly, jpegQuality);
        }
    }

    /** What {@link #generate} wrote. */
    public record Output(
            List<Path> annotationFiles,
            Path imagesDir,
            Path detectionsFile,
            int images,
            int annotations,
            int detections) {}

    /** Folder, relative to the JSON files, holding the images. */
    public static final String IMAGES_DIR = "images";

    private static final int CHUNK = 512;
    private static final long DETECTION_SALT = 0x5DEECE66DL;

    private final Options options;
    private final SceneGenerator scenes;
    private final DetectionSynthesizer detector;

    public SyntheticDatasetGenerator(Options options) {
        this.options = options;
        this.scenes = new SceneGenerator(options.width(), options.height(), options.meanObjects());
        this.detector = new DetectionSynthesizer(scenes, options.width(), options.height());
    }

    public Options options() {
        return options;
    }

    /** The categories, ids 1, 2, 3, 5, 7, 9; the figure category carries the COCO keypoint names and skeleton. */
    public static List<CocoCategory> categories() {
        List<CocoCategory> out = new ArrayList<>();
        for (ShapeKind k : ShapeKind.values()) {
            out.add(
                    k.hasKeypoints()
                            ? new CocoCategory(
                                    k.categoryId(),
                                    k.categoryName(),
                                    k.supercategory(),
                                    ShapeKind.KEYPOINT_NAMES,
                                    ShapeKind.SKELETON,
                                    new java.util.LinkedHashMap<>())
                            : new CocoCategory(k.categoryId(), k.categoryName(), k.supercategory()));
        }
        return out;
    }

    /** The scene of image {@code index} (0-based); depends only on the seed, the size and the index. */
    public Scene scene(int index) {
        return scenes.generate(new SplittableRandom(mix(options.seed(), index)));
    }

    /** Image id of image {@code index}. */
    public static long imageId(int index) {
        return index + 1L;
    }

    /** {@code file_name} of image {@code index}, relative to the JSON files' folder. */
    public static String fileName(int index) {
        return IMAGES_DIR + "/" + String.format(Locale.ROOT, "%012d.jpg", imageId(index));
    }

    /** Whether image {@code index} goes to the val split (spread evenly, exactly round-down(n * fraction) images). */
    public boolean isVal(int index) {
        double f = options.valFraction();
        return f > 0 && Math.floor((index + 1) * f) > Math.floor(index * f);
    }

    /** Writes the dataset (and images unless annotations-only) under {@code outDir}. */
    public Output generate(Path outDir, String name, Path detectionsFile, int detectionsPerImage) throws IOException {
        if (detectionsFile != null && detectionsPerImage < 1)
            throw new IllegalArgumentException("--detections-per-image must be at least 1, got " + detectionsPerImage);
        Files.createDirectories(outDir);
        Path imagesDir = outDir.resolve(IMAGES_DIR);
        if (!options.annotationsOnly()) Files.createDirectories(imagesDir);
        boolean split = options.valFraction() > 0;
        CocoDataset train = newDataset(split ? "train" : name);
        CocoDataset val = split ? newDataset("val") : null;
        List<CocoResult> results = detectionsFile == null ? null : new ArrayList<>();
        long nextAnnotationId = 1;
        for (int start = 0; start < options.images(); start += CHUNK) {
            int end = Math.min(options.images(), start + CHUNK);
            List<Built> built = IntStream.range(start, end)
                    .parallel()
                    .mapToObj(i ->
                            build(i, imagesDir, detectionsFile != null && (!split || isVal(i)), detectionsPerImage))
                    .toList();
            for (Built b : built) {
                CocoDataset target = split && isVal(b.index) ? val : train;
                target.addImage(new CocoImage(imageId(b.index), fileName(b.index), options.width(), options.height()));
                for (AnnotatedObject a : b.annotations)
                    target.addAnnotation(annotation(nextAnnotationId++, imageId(b.index), a));
                if (results != null) results.addAll(b.detections);
            }
        }
        List<Path> files = new ArrayList<>();
        if (split) {
            files.add(outDir.resolve("train.json"));
            files.add(outDir.resolve("val.json"));
            CocoWriter.write(train, files.get(0));
            CocoWriter.write(val, files.get(1));
        } else {
            files.add(outDir.resolve(name + ".json"));
            CocoWriter.write(train, files.get(0));
        }
        if (results != null) {
            Path parent = detectionsFile.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            CocoResults.write(results, detectionsFile);
        }
        return new Output(
                files,
                options.annotationsOnly() ? null : imagesDir,
                detectionsFile,
                options.images(),
                (int) (nextAnnotationId - 1),
                results == null ? 0 : results.size());
    }

    private record Built(int index, List<AnnotatedObject> annotations, List<CocoResult> detections) {}

    private Built build(int index, Path imagesDir, boolean withDetections, int perImage) {
        Scene scene = scene(index);
        List<AnnotatedObject> anns = SceneAnnotator.annotate(scene);
        if (!options.annotationsOnly()) {
            try {
                JpegFiles.write(
                        SceneRenderer.render(scene),
                        imagesDir.resolve(fileName(index).substring(IMAGES_DIR.length() + 1)),
                        options.jpegQuality());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write image " + fileName(index) + ": " + e.getMessage(), e);
            }
        }
        List<CocoResult> dets = List.of();
        if (withDetections) dets = detections(index, anns, perImage);
        return new Built(index, anns, dets);
    }

    /** The synthetic detections of image {@code index} given its annotations (own random stream). */
    List<CocoResult> detections(int index, List<AnnotatedObject> anns, int perImage) {
        SplittableRandom rng = new SplittableRandom(mix(options.seed() ^ DETECTION_SALT, index));
        List<CocoResult> out = new ArrayList<>();
        for (DetectionSynthesizer.Detection d : detector.detect(anns, rng, perImage)) {
            Rle rle = Rle.fromPolygons(d.polygons(), options.height(), options.width());
            out.add(DetectionResults.of(imageId(index), d, rle));
        }
        return out;
    }

    private CocoAnnotation annotation(long id, long imageId, AnnotatedObject a) {
        SceneObject o = a.object();
        CocoAnnotation ann = new CocoAnnotation(id, imageId, o.kind().categoryId());
        ann.setSegmentation(
                o.crowd()
                        ? new Segmentation.UncompressedRle(
                                a.mask().counts(), a.mask().h(), a.mask().w())
                        : Segmentation.polygons(o.polygons()));
        ann.setArea((double) a.mask().area());
        ann.setBbox(a.mask().toBbox());
        ann.setIscrowd(o.crowd() ? 1 : 0);
        if (a.keypoints() != null) {
            ann.setKeypoints(a.keypoints());
            ann.setNumKeypoints(a.numKeypoints());
        }
        return ann;
    }

    private CocoDataset newDataset(String name) {
        CocoDataset ds = new CocoDataset();
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode info = f.objectNode();
        info.put(
                "description",
                "MaskLab synthetic shapes and figures (" + name + ", seed " + options.seed() + ", " + options.width()
                        + "x" + options.height() + ")");
        info.put("version", "1.0");
        info.put("contributor", "dev.masklab.synth.SyntheticDatasetGenerator");
        ds.extra().put("info", info);
        ObjectNode lic = f.objectNode();
        lic.put("id", 1);
        lic.put("name", "CC0 1.0 (synthetic images)");
        lic.put("url", "https://creativecommons.org/publicdomain/zero/1.0/");
        ds.extra().put("licenses", f.arrayNode().add(lic));
        for (CocoCategory c : categories()) ds.addCategory(c);
        return ds;
    }

    /** SplitMix64 finaliser of (seed, index): independent, well-spread streams per image. */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
