package dev.masklab.cli;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoProblem;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Contours;
import dev.masklab.coco.Rle;
import dev.masklab.coco.Segmentation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code masklab convert}: rewrite a COCO file's segmentations as compressed RLE or as polygons. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Rewrite the segmentations of a COCO file; everything else is kept as it is.",
            "rle: every segmentation becomes compressed RLE as pycocotools' annToRLE gives it; area and bbox are "
                    + "recomputed from the mask.",
            "polygon: RLE segmentations of non-crowd annotations become polygons (outer contours of the mask; holes "
                    + "are filled); crowd annotations stay RLE; area and bbox are kept.",
            "An annotation with a value that could not be read (named in a warning) is written unchanged, as it was.",
            "The output is written durably, in the input's formatting style; an existing output file is kept as "
                    + "OUT.json.bak."
        })
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GT.json", description = "COCO annotation file.")
    Path input;

    @Option(
            names = "--segmentation",
            required = true,
            paramLabel = "rle|polygon",
            description = "Target form: rle or polygon.")
    String segmentation;

    @Option(names = "--out", required = true, paramLabel = "OUT.json", description = "Output file.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            boolean toRle = switch (segmentation.toLowerCase(java.util.Locale.ROOT)) {
                case "rle" -> true;
                case "polygon", "polygons" -> false;
                default ->
                    throw new IllegalArgumentException(
                            "--segmentation must be rle or polygon, not '" + segmentation + "'");
            };
            CocoDataset ds = CocoReader.read(input);
            for (CocoProblem p : ds.problems()) err.println("convert: warning: " + p);
            for (CocoAnnotation a : ds.annotations()) {
                if (!a.unread().isEmpty()) {
                    err.println("convert: warning: " + input + ": annotation " + a.id() + " kept unchanged: its "
                            + String.join(", ", a.unread().keySet()) + " could not be read");
                }
            }
            int changed = toRle ? toRle(ds) : toPolygons(ds);
            CocoWriter.write(ds, out);
            o.println("convert: " + changed + " of " + ds.annotations().size() + " annotations converted to "
                    + (toRle ? "compressed RLE" : "polygons") + ", written to " + out);
            o.flush();
            err.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            boolean mask = e instanceof IllegalArgumentException && e.getCause() instanceof IllegalArgumentException;
            err.println("convert: " + (mask ? input + ": " : "") + CliErrors.describe(e));
            err.flush();
            return 2;
        }
    }

    /** Runs a mask computation; a mask refused as too large is reported naming the annotation. */
    private static <T> T withAnnotation(CocoAnnotation a, java.util.function.Supplier<T> mask) {
        try {
            return mask.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "annotation " + a.id() + " (image " + a.imageId() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Every segmentation to compressed RLE; area and bbox from the mask. Annotations with a field that could not be
     * read ({@link CocoAnnotation#unread()}) are left as they are.
     */
    static int toRle(CocoDataset ds) {
        int n = 0;
        for (CocoAnnotation a : ds.annotations()) {
            if (a.segmentation() == null || !a.unread().isEmpty()) continue;
            Rle rle = withAnnotation(a, () -> ds.annToRle(a));
            a.setSegmentation(Segmentation.of(rle));
            a.setArea((double) rle.area());
            a.setBbox(rle.toBbox());
            n++;
        }
        return n;
    }

    /**
     * RLE of non-crowd annotations to polygons; crowd and polygon annotations, and annotations with a field that could
     * not be read, unchanged.
     */
    static int toPolygons(CocoDataset ds) {
        int n = 0;
        for (CocoAnnotation a : ds.annotations()) {
            Segmentation s = a.segmentation();
            if (s == null
                    || s instanceof Segmentation.Polygons
                    || a.isCrowd()
                    || !a.unread().isEmpty()) continue;
            List<double[]> polys = withAnnotation(a, () -> Contours.polygons(ds.annToRle(a)));
            a.setSegmentation(Segmentation.polygons(polys));
            n++;
        }
        return n;
    }
}
