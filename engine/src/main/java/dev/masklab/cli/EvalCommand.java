package dev.masklab.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CategoryEval;
import dev.masklab.eval.CellErrors;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.ImageEvaluations;
import dev.masklab.eval.IouType;
import dev.masklab.eval.ResultsComparison;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code masklab eval}: COCO evaluation of a results file against a ground-truth file, as pycocotools' COCOeval. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate COCO results (bbox, segm or keypoints) against ground truth exactly as pycocotools' "
                    + "COCOeval and print its 12-line summary (10 for keypoints), or one JSON object with --json.",
            "With --errors, also write the per-image true/false positives and false negatives at one IoU threshold.",
            "With --compare B.json, compare --dt with a second results file per category and per image."
        })
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "Ground-truth COCO file.")
    Path gt;

    @Option(names = "--dt", required = true, paramLabel = "RESULTS.json", description = "COCO results file.")
    Path dt;

    @Option(names = "--iou-type", required = true, paramLabel = "TYPE", description = "bbox, segm or keypoints.")
    String iouType;

    @Option(names = "--json", description = "Print {\"iouType\", \"stats\", \"perCategory\"} as one JSON object.")
    boolean json;

    @Option(
            names = "--errors",
            paramLabel = "OUT.json",
            description = {
                "Also write every (image, category) cell's "
                        + "true positives [[dt_id, gt_id], ...], false positives [dt_id, ...] and false negatives [gt_id, ...] "
                        + "(pycocotools' evalImgs, area all, maxDets 100, 20 for keypoints; dt ids are the 1-based positions in "
                        + "the results file) to OUT.json."
            })
    Path errors;

    @Option(
            names = "--iou-threshold",
            paramLabel = "T",
            description = {"IoU threshold of --errors, one of COCO's " + "0.50:0.05:0.95 (default 0.5)."})
    String iouThreshold;

    @Option(
            names = "--compare",
            paramLabel = "B.json",
            description = {
                "Compare --dt (A) with a second results file (B) on the same ground truth: print per-category AP, "
                        + "AP50 and AP75 of A and B with B-A, and the images where they disagree most (per-image AP, "
                        + "tp/fp/fn at IoU 0.50); with --json one object {\"iouType\", \"a\", \"b\", \"images\"}."
            })
    Path compare;

    @Option(names = "--top", paramLabel = "N", description = "Images listed by --compare's text output (default 10).")
    Integer top;

    @Override
    public Integer call() {
        if (compare != null || top != null) return compare();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalResult r;
        try {
            IouType type = IouType.parse(iouType);
            EvalParams params = EvalParams.defaults(type);
            int t = errorsThreshold(params);
            CocoDataset ds = CocoReader.read(gt);
            List<CocoResult> results = CocoResults.read(dt, ds);
            ImageEvaluations images;
            try {
                images = CocoEvaluator.evaluateImages(ds, results, params, errors != null);
                r = images.result();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (--gt " + gt + ", --dt " + dt + ")", e);
            }
            if (errors != null) {
                double thr = params.iouThrs()[t];
                try {
                    DurableFiles.write(errors, o -> writeErrors(o, type, thr, images.errors(t)));
                } catch (IOException e) {
                    throw new IOException("cannot write --errors " + errors + ": " + CliErrors.describe(e), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            // CocoFormatException messages name the file and the JSON path already
            err.println("eval: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return 2;
        }
        if (json) {
            out.println(toJson(r));
        } else {
            r.summaryLines().forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /** {@code --compare B.json}: A (--dt) and B evaluated against --gt side by side. */
    private int compare() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ResultsComparison c;
        try {
            if (compare == null) throw new IllegalArgumentException("--top applies to --compare only");
            if (errors != null || iouThreshold != null) {
                throw new IllegalArgumentException("--compare cannot be combined with --errors / --iou-threshold");
            }
            if (top != null && top < 0) throw new IllegalArgumentException("--top " + top + " is negative");
            IouType type = IouType.parse(iouType);
            CocoDataset ds = CocoReader.read(gt);
            List<CocoResult> a = CocoResults.read(dt, ds);
            List<CocoResult> b = CocoResults.read(compare, ds);
            try {
                c = ResultsComparison.compare(ds, a, b, EvalParams.defaults(type), null);
            } catch (IllegalArgumentException e) {
                String side = e.getMessage().startsWith("A:") ? "--dt " + dt : "--compare " + compare;
                throw new IllegalArgumentException(e.getMessage() + " (--gt " + gt + ", " + side + ")", e);
            }
        } catch (IOException | RuntimeException e) {
            err.println("eval: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return 2;
        }
        if (json) {
            out.println(comparisonJson(c));
        } else {
            comparisonLines(c, top == null ? 10 : top).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /** The text of --compare: the per-category table (and the summary's AP row), then the top images. */
    static List<String> comparisonLines(ResultsComparison c, int top) {
        List<String> lines = new ArrayList<>();
        String head = "%-24s %7s %7s %7s   %7s %7s %7s   %7s %7s %7s";
        lines.add(String.format(
                Locale.ROOT,
                head,
                "category",
                "AP A",
                "AP B",
                "B-A",
                "AP50 A",
                "AP50 B",
                "B-A",
                "AP75 A",
                "AP75 B",
                "B-A"));
        for (ResultsComparison.CategoryComparison k : c.categories()) {
            lines.add(String.format(
                    Locale.ROOT,
                    head,
                    k.name(),
                    score(k.a().ap()),
                    score(k.b().ap()),
                    diff(k.apDelta()),
                    score(k.a().ap50()),
                    score(k.b().ap50()),
                    diff(k.ap50Delta()),
                    score(k.a().ap75()),
                    score(k.b().ap75()),
                    diff(k.ap75Delta())));
        }
        double[] sa = c.a().stats();
        double[] sb = c.b().stats();
        lines.add(String.format(
                Locale.ROOT,
                head,
                "(summary)",
                score(sa[0]),
                score(sb[0]),
                diff(sa[0] < 0 || sb[0] < 0 ? Double.NaN : sb[0] - sa[0]),
                score(sa[1]),
                score(sb[1]),
                diff(sa[1] < 0 || sb[1] < 0 ? Double.NaN : sb[1] - sa[1]),
                score(sa[2]),
                score(sb[2]),
                diff(sa[2] < 0 || sb[2] < 0 ? Double.NaN : sb[2] - sa[2])));
        lines.add("");
        lines.add("images where A and B disagree most (AP .50:.95 of the image alone; tp/fp/fn at IoU "
                + round2(c.iouThreshold()) + "):");
        String row = "%12s %7s %7s %7s   %-12s %-12s";
        lines.add(String.format(Locale.ROOT, row, "image_id", "AP A", "AP B", "B-A", "A tp/fp/fn", "B tp/fp/fn"));
        for (ResultsComparison.ImageComparison i :
                c.images().subList(0, Math.min(top, c.images().size()))) {
            lines.add(String.format(
                    Locale.ROOT,
                    row,
                    i.imageId(),
                    score(i.apA()),
                    score(i.apB()),
                    i.apA() < 0 ? "-" : diff(i.apDelta()),
                    i.a().tp() + "/" + i.a().fp() + "/" + i.a().fn(),
                    i.b().tp() + "/" + i.b().fp() + "/" + i.b().fn()));
        }
        return lines;
    }

    private static String score(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String diff(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.3f", v);
    }

    static String comparisonJson(ResultsComparison c) {
        ObjectMapper om = new ObjectMapper();
        try {
            ObjectNode root = om.createObjectNode();
            root.put("iouType", c.a().iouType().cocoName());
            root.set("a", om.readTree(toJson(c.a())));
            root.set("b", om.readTree(toJson(c.b())));
            ArrayNode images = root.putArray("images");
            for (ResultsComparison.ImageComparison i : c.images()) {
                ObjectNode o = images.addObject();
                o.put("image_id", i.imageId());
                o.put("apA", i.apA());
                o.put("apB", i.apB());
                o.putArray("a").add(i.a().tp()).add(i.a().fp()).add(i.a().fn());
                o.putArray("b").add(i.b().tp()).add(i.b().fp()).add(i.b().fn());
            }
            return om.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The index of --iou-threshold among COCO's thresholds; refuses other values and the option without --errors. */
    private int errorsThreshold(EvalParams params) {
        if (iouThreshold != null && errors == null) {
            throw new IllegalArgumentException("--iou-threshold applies to --errors only");
        }
        String wanted = iouThreshold == null ? "0.5" : iouThreshold;
        double[] thrs = params.iouThrs();
        try {
            double v = Double.parseDouble(wanted.strip());
            for (int t = 0; t < thrs.length; t++) if (Math.abs(thrs[t] - v) < 1e-9) return t;
        } catch (NumberFormatException e) {
            // refused below
        }
        StringBuilder allowed = new StringBuilder();
        for (double thr : thrs) allowed.append(allowed.isEmpty() ? "" : ", ").append(round2(thr));
        throw new IllegalArgumentException(
                "--iou-threshold " + iouThreshold + " is not one of COCO's IoU thresholds (" + allowed + ")");
    }

    /** A COCO IoU threshold as written (0.55, not linspace's 0.5500000000000002). */
    private static double round2(double thr) {
        return Math.round(thr * 100) / 100.0;
    }

    /**
     * {@code {"iouType", "iouThreshold", "images": [{"image_id", "category_id", "tp": [[dt_id, gt_id], ...],
     * "fp": [dt_id, ...], "fn": [gt_id, ...]}, ...]}}, cells in pycocotools' evalImgs order, streamed.
     */
    static void writeErrors(OutputStream o, IouType type, double thr, List<CellErrors> cells) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(o)) {
            g.writeStartObject();
            g.writeStringField("iouType", type.cocoName());
            g.writeNumberField("iouThreshold", round2(thr));
            g.writeArrayFieldStart("images");
            for (CellErrors c : cells) {
                g.writeStartObject();
                g.writeNumberField("image_id", c.imageId());
                g.writeNumberField("category_id", c.categoryId());
                g.writeArrayFieldStart("tp");
                for (long[] p : c.tp()) g.writeArray(p, 0, 2);
                g.writeEndArray();
                g.writeFieldName("fp");
                g.writeArray(c.fp(), 0, c.fp().length);
                g.writeFieldName("fn");
                g.writeArray(c.fn(), 0, c.fn().length);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static String toJson(EvalResult r) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("iouType", r.iouType().cocoName());
        ArrayNode stats = root.putArray("stats");
        for (double s : r.stats()) stats.add(s);
        ObjectNode per = root.putObject("perCategory");
        for (CategoryEval c : r.perCategory()) {
            ObjectNode o = per.putObject(Long.toString(c.id()));
            o.put("name", c.name());
            o.put("ap", c.ap());
            o.put("ap50", c.ap50());
            o.put("ap75", c.ap75());
            o.put("ar", c.ar());
            o.put("gtCount", c.gtCount());
            o.put("dtCount", c.dtCount());
        }
        try {
            return om.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
