package dev.masklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.eval.CategoryEval;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.EvalResult;
import dev.masklab.eval.IouType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code masklab eval}: COCO evaluation of a results file against a ground-truth file, as pycocotools' COCOeval. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate COCO results (bbox, segm or keypoints) against ground truth exactly as pycocotools' "
                + "COCOeval and print its 12-line summary (10 for keypoints), or one JSON object with --json."})
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "Ground-truth COCO file.")
    Path gt;

    @Option(names = "--dt", required = true, paramLabel = "RESULTS.json", description = "COCO results file.")
    Path dt;

    @Option(names = "--iou-type", required = true, paramLabel = "TYPE", description = "bbox, segm or keypoints.")
    String iouType;

    @Option(names = "--json", description = "Print {\"iouType\", \"stats\", \"perCategory\"} as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalResult r;
        try {
            IouType type = IouType.parse(iouType);
            CocoDataset ds = CocoReader.read(gt);
            List<CocoResult> results = CocoResults.read(dt, ds);
            try {
                r = CocoEvaluator.evaluate(ds, results, EvalParams.defaults(type));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (--gt " + gt + ", --dt " + dt + ")", e);
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
