// A/B timing of CocoEvaluator from two engine builds in one JVM (for "stays within X% of today's time" checks):
// each jar gets its own class loader, both load the same ground truth and results, and their evaluations alternate
// (A, B, A, B, ...) so that the machine's load drifts equally over both. With --keep, build B is also timed with the
// per-image matching kept (CocoEvaluator.evaluateImages(..., true).result()). Each evaluation reports wall time and the
// JVM's CPU time (all threads, GC included): on a machine shared with other work the CPU time is the steadier figure.
// Usage: java -cp LIBS bench/EvalCompareBenchmark.java A.jar B.jar GT.json RESULTS.json RUNS [--keep] TYPE...
// (LIBS: engine/target/lib/*, the engine's dependencies; the jars hold only the engine's own classes.)
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public class EvalCompareBenchmark {
    record Build(String name, ClassLoader loader, Object gt, Object results) {
        Class<?> cls(String n) throws Exception {
            return Class.forName(n, true, loader);
        }

        Object params(String type) throws Exception {
            Class<?> t = cls("dev.masklab.eval.IouType");
            Object iou = t.getMethod("parse", String.class).invoke(null, type);
            return cls("dev.masklab.eval.EvalParams").getMethod("defaults", t).invoke(null, iou);
        }

        double evaluate(String type, boolean keep) throws Exception {
            Class<?> ev = cls("dev.masklab.eval.CocoEvaluator");
            Class<?> ds = cls("dev.masklab.coco.CocoDataset");
            Class<?> p = cls("dev.masklab.eval.EvalParams");
            Object result;
            if (keep) {
                Object images = ev.getMethod("evaluateImages", ds, List.class, p, boolean.class)
                        .invoke(null, gt, results, params(type), true);
                result = images.getClass().getMethod("result").invoke(images);
            } else {
                result = ev.getMethod("evaluate", ds, List.class, p).invoke(null, gt, results, params(type));
            }
            return ((double[]) result.getClass().getMethod("stats").invoke(result))[0];
        }
    }

    /** "median s (min-max)" of the warm runs (all but the first). */
    static String median(double[] v, int runs) {
        double[] warm = Arrays.copyOfRange(v, runs > 1 ? 1 : 0, runs);
        Arrays.sort(warm);
        return String.format(Locale.ROOT, "%.2f s (%.2f-%.2f)", warm[warm.length / 2], warm[0], warm[warm.length - 1]);
    }

    public static void main(String[] args) throws Exception {
        Path gtFile = Path.of(args[2]);
        Path dtFile = Path.of(args[3]);
        int runs = Integer.parseInt(args[4]);
        boolean keep = args[5].equals("--keep");
        List<String> types = Arrays.asList(args).subList(keep ? 6 : 5, args.length);
        List<Build> builds = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            ClassLoader l = new URLClassLoader(new URL[] {Path.of(args[b]).toUri().toURL()},
                    EvalCompareBenchmark.class.getClassLoader());
            Class<?> reader = Class.forName("dev.masklab.coco.CocoReader", true, l);
            Object gt = reader.getMethod("read", Path.class).invoke(null, gtFile);
            Class<?> res = Class.forName("dev.masklab.coco.CocoResults", true, l);
            Object dt = res.getMethod("read", Path.class, gt.getClass()).invoke(null, dtFile, gt);
            builds.add(new Build(b == 0 ? "A " + args[0] : "B " + args[1], l, gt, dt));
        }
        for (String type : types) {
            int variants = keep ? 3 : 2;
            double[][] secs = new double[variants][runs];
            double[][] cpu = new double[variants][runs];
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int r = 0; r < runs; r++) {
                for (int v = 0; v < variants; v++) {
                    Build b = builds.get(Math.min(v, 1));
                    long t0 = System.nanoTime();
                    long c0 = os.getProcessCpuTime();
                    double ap = b.evaluate(type, v == 2);
                    secs[v][r] = (System.nanoTime() - t0) / 1e9;
                    cpu[v][r] = (os.getProcessCpuTime() - c0) / 1e9;
                    System.out.printf(Locale.ROOT, "%s %s%s run %d: %.2f s wall, %.2f s CPU (AP %.4f)%n", type,
                            b.name(), v == 2 ? " keeping matches" : "", r + 1, secs[v][r], cpu[v][r], ap);
                }
            }
            for (int v = 0; v < variants; v++) {
                System.out.printf(Locale.ROOT, "%s %s: runs %s median %s wall, %s CPU%n", type,
                        v == 0 ? "A" : v == 1 ? "B" : "B keeping matches", runs > 1 ? "2.." + runs : "1",
                        median(secs[v], runs), median(cpu[v], runs));
            }
        }
    }
}
