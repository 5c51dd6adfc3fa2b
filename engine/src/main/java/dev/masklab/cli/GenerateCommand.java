package dev.masklab.cli;

import dev.masklab.synth.SyntheticDatasetGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code masklab generate}: writes a synthetic COCO dataset (and optionally synthetic detections). */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Generate a seeded synthetic COCO dataset: shapes (circle, triangle, square, star, hexagon) and "
                    + "stick figures with 17 COCO keypoints on textured backgrounds, crowd regions as RLE, category ids "
                    + "1,2,3,5,7,9. Same seed and options give byte-identical files."
        })
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (JSON files + images/).")
    Path out;

    @Option(names = "--images", required = true, paramLabel = "N", description = "Number of images.")
    int images;

    @Option(
            names = "--seed",
            defaultValue = "1",
            paramLabel = "S",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--width", defaultValue = "320", description = "Image width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "240", description = "Image height (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(
            names = "--name",
            defaultValue = "annotations",
            paramLabel = "NAME",
            description = "Annotation file name without .json when there is no split (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--val-fraction",
            defaultValue = "0",
            paramLabel = "F",
            description = "Share of images written to val.json; the rest go to train.json (both share images/).")
    double valFraction;

    @Option(names = "--annotations-only", description = "Write only the JSON files, no images (fast; for benchmarks).")
    boolean annotationsOnly;

    @Option(
            names = "--objects-per-image",
            defaultValue = "7.9",
            paramLabel = "MEAN",
            description = "Mean number of drawn objects per image (default: ${DEFAULT-VALUE}, about 7.3 annotations).")
    double meanObjects;

    @Option(
            names = "--detections",
            paramLabel = "FILE",
            description = "Also write a COCO results file of synthetic detections (jittered ground truth + false "
                    + "positives) for the val images (all images without a split).")
    Path detections;

    @Option(
            names = "--detections-per-image",
            defaultValue = "100",
            paramLabel = "N",
            description = "Detections per image in --detections (default: ${DEFAULT-VALUE}).")
    int detectionsPerImage;

    @Option(
            names = "--jpeg-quality",
            defaultValue = "0.85",
            paramLabel = "Q",
            description = "JPEG quality 0..1 (default: ${DEFAULT-VALUE}).")
    float jpegQuality;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SyntheticDatasetGenerator.Options options;
        try {
            options = new SyntheticDatasetGenerator.Options(
                    images, seed, width, height, meanObjects, valFraction, annotationsOnly, jpegQuality);
            if (name.isBlank() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("--name must be a plain file name, got '" + name + "'");
            }
            if (detections != null && detectionsPerImage < 1) {
                throw new IllegalArgumentException(
                        "--detections-per-image must be at least 1, got " + detectionsPerImage);
            }
        } catch (IllegalArgumentException e) {
            err.println("generate: " + e.getMessage());
            return 2;
        }
        long t0 = System.nanoTime();
        SyntheticDatasetGenerator.Output r;
        try {
            r = new SyntheticDatasetGenerator(options).generate(out, name, detections, detectionsPerImage);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("generate: cannot write the dataset to " + out + ": " + reason(e));
            return 1;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        o.printf(
                Locale.ROOT,
                "generate: %d images, %d annotations -> %s%s%s (%.1f s)%n",
                r.images(),
                r.annotations(),
                r.annotationFiles(),
                r.imagesDir() == null ? " (annotations only)" : ", images in " + r.imagesDir(),
                r.detectionsFile() == null ? "" : ", " + r.detections() + " detections -> " + r.detectionsFile(),
                s);
        o.flush();
        return 0;
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (t instanceof java.nio.file.FileSystemException fs) {
            String why = fs.getReason() != null
                    ? fs.getReason()
                    : fs.getClass().getSimpleName().replace("Exception", "");
            return fs.getFile() + ": " + why;
        }
        return t.getMessage();
    }
}
