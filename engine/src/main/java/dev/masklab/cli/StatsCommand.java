package dev.masklab.cli;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoProblem;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.Segmentation;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code masklab stats}: counts and problems of a COCO file. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print images, annotations (polygon / RLE / crowd), per-category counts, images without "
                + "annotations and the problems found while reading a COCO file.")
public final class StatsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GT.json", description = "COCO annotation file.")
    Path input;

    @Option(names = "--time", description = "Also print the load time and the heap in use after loading (after GC).")
    boolean time;

    @Option(names = "--max-problems", paramLabel = "N", defaultValue = "20",
            description = "Problems listed one per line (default: ${DEFAULT-VALUE}); all are counted.")
    int maxProblems;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        o.println("file: " + input);
        if (time) {
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            o.printf(java.util.Locale.ROOT, "load time: %.2f s (reading thread CPU %.2f s)%n", seconds, cpuSeconds);
            o.printf(java.util.Locale.ROOT, "heap used after load (after GC): %d MiB of max %d MiB%n", used >> 20,
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
        o.println("annotations: " + ds.annotations().size() + " (crowd " + crowd + "; polygons " + polygons
                + ", RLE " + rle + ", no segmentation " + none + ")");
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
        o.flush();
        return 0;
    }
}
