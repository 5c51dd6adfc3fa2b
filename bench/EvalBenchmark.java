// COCO evaluation benchmark: times reading the ground truth, reading the results and CocoEvaluator per iou type, then
// what the app's Evaluation tab runs per iou type (a snapshot of the dataset, IncrementalEvaluation with the matching
// kept, the confusion matrix at IoU .5, every image's AP and tp/fp/fn counts).
// Run by bench/eval-benchmark.sh (java source-file mode against the engine classes); prints one line per phase.
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.ConfusionMatrix;
import dev.masklab.eval.ErrorCounts;
import dev.masklab.eval.ImageEvaluations;
import dev.masklab.eval.IncrementalEvaluation;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.IouType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

public class EvalBenchmark {
    public static void main(String[] args) throws Exception {
        Path gtFile = Path.of(args[0]);
        Path dtFile = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        long t0 = System.nanoTime();
        CocoDataset gt = CocoReader.read(gtFile);
        report("read ground truth", t0, gt.images().size() + " images, " + gt.annotations().size() + " annotations");
        t0 = System.nanoTime();
        List<CocoResult> dt = CocoResults.read(dtFile, gt);
        report("read results", t0, dt.size() + " detections");
        for (int i = 3; i < args.length; i++) {
            IouType type = IouType.parse(args[i]);
            for (int r = 0; r < runs; r++) {
                t0 = System.nanoTime();
                EvalResult res = CocoEvaluator.evaluate(gt, dt, EvalParams.defaults(type));
                report("evaluate " + type + " run " + (r + 1), t0, String.format(Locale.ROOT, "AP %.4f", res.stats()[0]));
            }
        }
        for (int i = 3; i < args.length; i++) {
            IouType type = IouType.parse(args[i]);
            for (int r = 0; r < runs; r++) {
                t0 = System.nanoTime();
                CocoDataset snapshot = gt.shallowCopy();
                List<CocoResult> dts = List.copyOf(dt);
                IncrementalEvaluation inc = IncrementalEvaluation.start(snapshot, dts, EvalParams.defaults(type), null);
                ConfusionMatrix cm = ConfusionMatrix.compute(snapshot, dts, type, 0.5, 0, null);
                ImageEvaluations ev = inc.images();
                double[] aps = ev.imageAps();
                long fp = 0;
                for (int k = 0; k < aps.length; k++) {
                    ErrorCounts c = ev.counts(k, 0);
                    fp += c.fp();
                }
                report(
                        "app's evaluation " + type + " run " + (r + 1),
                        t0,
                        String.format(
                                Locale.ROOT,
                                "AP %.4f, %d images, fp at .5 %d, matrix %d categories",
                                inc.result().stats()[0],
                                aps.length,
                                fp,
                                cm.categoryIds().length));
            }
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "heap in use after GC: %.0f MiB (data sets loaded)%n",
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    private static void report(String what, long t0, String detail) {
        System.out.printf(Locale.ROOT, "%-28s %7.2f s  %s%n", what, (System.nanoTime() - t0) / 1e9, detail);
    }
}
