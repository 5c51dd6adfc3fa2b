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
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
            "With --errors, also write the per-image true/false positives and false negatives at one IoU threshold."
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

    @Override
    public Integer call() {
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
