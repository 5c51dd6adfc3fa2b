package dev.masklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoProblem;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.Segmentation;
import dev.masklab.train.CategoryMap;
import dev.masklab.train.DatasetHealth;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code masklab stats}: counts and problems of a COCO file. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Print images, annotations (polygon / RLE / crowd), per-category counts, images without "
                    + "annotations and the problems found while reading a COCO file.",
            "With --training, also the dataset's health as the trainer sees it."
        })
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GT.json", description = "COCO annotation file.")
    Path input;

    @Option(names = "--time", description = "Also print the load time and the heap in use after loading (after GC).")
    boolean time;

    @Option(
            names = "--max-problems",
            paramLabel = "N",
            defaultValue = "20",
            description = "Problems (and with --training skipped images) listed one per line (default: "
                    + "${DEFAULT-VALUE}); all are counted.")
    int maxProblems;

    @Option(
            names = "--training",
            description = {
                "Also check the dataset as the trainer will use it: objects per "
                        + "image, image sizes, a grid of box centres, size classes per category, the images the training set "
                        + "skips (and why), annotations it drops, annotations without a box, categories without instances."
            })
    boolean training;

    @Option(
            names = "--val",
            paramLabel = "VAL.json",
            description = {
                "With --training: a validation set, which must "
                        + "have the same categories (ids and names); otherwise an error."
            })
    Path val;

    @Option(names = "--json", description = "With --training: print the health check as one JSON object instead.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!training && (val != null || json)) {
            err.println("stats: " + (val != null ? "--val" : "--json") + " applies to --training only");
            err.flush();
            return 2;
        }
        CocoDataset ds;
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try {
            ds = CocoReader.read(input);
        } catch (IOException | RuntimeException e) {
            err.println("stats: " + CliErrors.describe(e));
            err.flush();
            return 2;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        DatasetHealth health = null;
        if (training) {
            String problem;
            try {
                health = DatasetHealth.of(ds);
                problem = val == null ? "" : valProblem(ds);
            } catch (IOException | RuntimeException e) {
                problem = e instanceof IllegalArgumentException ? input + ": " + e.getMessage() : CliErrors.describe(e);
            }
            if (!problem.isEmpty()) {
                err.println("stats: " + problem);
                err.flush();
                return 2;
            }
            if (json) {
                o.println(healthJson(input, health, val));
                o.flush();
                return 0;
            }
        }
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        o.println("file: " + input);
        if (time) {
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            o.printf(java.util.Locale.ROOT, "load time: %.2f s (reading thread CPU %.2f s)%n", seconds, cpuSeconds);
            o.printf(
                    java.util.Locale.ROOT,
                    "heap used after load (after GC): %d MiB of max %d MiB%n",
                    used >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
        Map<Long, int[]> perCat = new HashMap<>(); // annotations, crowd, images
        Map<Long, Set<Long>> catImages = new HashMap<>();
        int crowd = 0;
        int polygons = 0;
        int rle = 0;
        int none = 0;
        for (CocoAnnotation a : ds.annotations()) {
            int[] c = perCat.computeIfAbsent(a.categoryId(), k -> new int[2]);
            c[0]++;
            if (a.isCrowd()) {
                c[1]++;
                crowd++;
            }
            catImages.computeIfAbsent(a.categoryId(), k -> new HashSet<>()).add(a.imageId());
            switch (a.segmentation()) {
                case null -> none++;
                case Segmentation.Polygons p -> polygons++;
                default -> rle++;
            }
        }
        int empty = 0;
        for (CocoImage im : ds.images()) if (ds.annotationsOf(im.id()).isEmpty()) empty++;
        o.println("images: " + ds.images().size());
        o.println("images without annotations: " + empty);
        o.println("annotations: " + ds.annotations().size() + " (crowd " + crowd + "; polygons " + polygons + ", RLE "
                + rle + ", no segmentation " + none + ")");
        o.println("categories: " + ds.categories().size());
        int idW = 2;
        int nameW = 4;
        for (CocoCategory c : ds.categories()) {
            idW = Math.max(idW, Long.toString(c.id()).length());
            nameW = Math.max(nameW, String.valueOf(c.name()).length());
        }
        String fmt = "  %" + idW + "s  %-" + nameW + "s  %11s  %5s  %6s%n";
        o.printf(fmt, "id", "name", "annotations", "crowd", "images");
        for (CocoCategory c : ds.categories()) {
            int[] n = perCat.getOrDefault(c.id(), new int[2]);
            Set<Long> ims = catImages.getOrDefault(c.id(), Set.of());
            o.printf(fmt, c.id(), c.name(), n[0], n[1], ims.size());
        }
        o.println("problems: " + ds.problems().size());
        int shown = 0;
        for (CocoProblem p : ds.problems()) {
            if (shown++ >= maxProblems) {
                o.println("  ... " + (ds.problems().size() - maxProblems) + " more");
                break;
            }
            o.println("  " + p);
        }
        if (health != null) printHealth(o, health);
        o.flush();
        return 0;
    }

    /** "" when --val has the training set's categories, else what differs (naming both files). */
    private String valProblem(CocoDataset ds) throws IOException {
        CocoDataset v;
        try {
            v = CocoReader.read(val);
        } catch (IOException | RuntimeException e) {
            return "--val: " + CliErrors.describe(e);
        }
        String diff = CategoryMap.contiguous(ds.categories()).differences(v.categories());
        return diff.isEmpty()
                ? ""
                : "--val " + val + ": its categories differ from " + input + "'s (" + diff
                        + "); training refuses such a validation set";
    }

    private void printHealth(PrintWriter o, DatasetHealth h) {
        o.println("training check (the trainer's own rules):");
        StringBuilder per = new StringBuilder();
        h.objectsPerImage()
                .forEach((n, images) -> per.append(per.isEmpty() ? "" : ", ")
                        .append(n)
                        .append(": ")
                        .append(images));
        o.println("objects per image (objects: images): " + per);
        StringBuilder sizes = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Integer> e : h.imageSizes().entrySet()) {
            if (shown++ == 10) {
                sizes.append(", ...");
                break;
            }
            sizes.append(sizes.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue());
        }
        o.println("image sizes (" + h.imageSizes().size() + "): " + sizes);
        o.println("box centres on a " + DatasetHealth.GRID + "x" + DatasetHealth.GRID
                + " grid over the image (top row first):");
        for (int[] row : h.centreGrid()) {
            StringBuilder line = new StringBuilder(" ");
            for (int v : row) line.append(String.format(Locale.ROOT, " %6d", v));
            o.println(line);
        }
        o.println("size classes per category (non-crowd instances; COCO small < 32², medium < 96²):");
        int nameW = 4;
        for (DatasetHealth.CategorySizes c : h.sizeClasses())
            nameW = Math.max(nameW, String.valueOf(c.name()).length());
        String fmt = "  %6s  %-" + nameW + "s  %7s  %7s  %7s%n";
        o.printf(fmt, "id", "name", "small", "medium", "large");
        for (DatasetHealth.CategorySizes c : h.sizeClasses())
            o.printf(fmt, c.id(), c.name(), c.small(), c.medium(), c.large());
        listSkipped(o, "images a Mask R-CNN training set skips", h.skipped());
        if (h.skippedKeypoints() != null) {
            listSkipped(o, "images a Keypoint R-CNN training set skips", h.skippedKeypoints());
        }
        o.println("annotations left out of training samples (box empty inside the image): "
                + ids(h.droppedAnnotations()));
        o.println("annotations without bbox (training stops on them): " + ids(h.boxless()));
        StringBuilder empty = new StringBuilder();
        for (CocoCategory c : h.emptyCategories()) {
            empty.append(empty.isEmpty() ? "" : ", ")
                    .append(c.id())
                    .append(" '")
                    .append(c.name())
                    .append("'");
        }
        o.println("categories without instances: " + h.emptyCategories().size()
                + (empty.isEmpty() ? "" : " (" + empty + ")"));
        if (val != null) o.println("validation set " + val + ": same categories");
    }

    private void listSkipped(PrintWriter o, String what, List<DatasetHealth.SkippedImage> skipped) {
        o.println(what + ": " + skipped.size());
        int shown = 0;
        for (DatasetHealth.SkippedImage s : skipped) {
            if (shown++ >= maxProblems) {
                o.println("  ... " + (skipped.size() - maxProblems) + " more");
                break;
            }
            o.println("  image " + s.imageId() + " (" + s.fileName() + "): " + s.reason());
        }
    }

    private String ids(List<Long> ids) {
        StringBuilder b = new StringBuilder().append(ids.size());
        for (int i = 0; i < ids.size() && i < maxProblems; i++)
            b.append(i == 0 ? " (ids " : ", ").append(ids.get(i));
        if (ids.size() > maxProblems) b.append(", ...");
        if (!ids.isEmpty()) b.append(")");
        return b.toString();
    }

    /** The health check as one JSON object (every list complete). */
    static String healthJson(Path file, DatasetHealth h, Path val) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("file", file.toString());
        root.put("images", h.images());
        ObjectNode per = root.putObject("objectsPerImage");
        h.objectsPerImage().forEach((n, images) -> per.put(Integer.toString(n), images));
        ObjectNode sizes = root.putObject("imageSizes");
        h.imageSizes().forEach(sizes::put);
        ArrayNode grid = root.putArray("centreGrid");
        for (int[] row : h.centreGrid()) {
            ArrayNode r = grid.addArray();
            for (int v : row) r.add(v);
        }
        ArrayNode classes = root.putArray("sizeClasses");
        for (DatasetHealth.CategorySizes c : h.sizeClasses()) {
            classes.addObject()
                    .put("id", c.id())
                    .put("name", c.name())
                    .put("small", c.small())
                    .put("medium", c.medium())
                    .put("large", c.large());
        }
        ArrayNode problems = root.putArray("problems");
        for (CocoProblem p : h.problems()) problems.add(p.toString());
        skippedJson(root.putArray("skipped"), h.skipped());
        if (h.skippedKeypoints() != null) skippedJson(root.putArray("skippedKeypoints"), h.skippedKeypoints());
        else root.putNull("skippedKeypoints");
        ArrayNode dropped = root.putArray("droppedAnnotations");
        h.droppedAnnotations().forEach(dropped::add);
        ArrayNode boxless = root.putArray("annotationsWithoutBbox");
        h.boxless().forEach(boxless::add);
        ArrayNode empty = root.putArray("categoriesWithoutInstances");
        for (CocoCategory c : h.emptyCategories())
            empty.addObject().put("id", c.id()).put("name", c.name());
        if (val != null) root.put("val", val.toString());
        try {
            return om.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void skippedJson(ArrayNode out, List<DatasetHealth.SkippedImage> skipped) {
        for (DatasetHealth.SkippedImage s : skipped) {
            out.addObject()
                    .put("image_id", s.imageId())
                    .put("file_name", s.fileName())
                    .put("reason", s.reason().toString());
        }
    }
}
