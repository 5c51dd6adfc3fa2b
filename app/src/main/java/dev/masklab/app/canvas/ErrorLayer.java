package dev.masklab.app.canvas;

import dev.masklab.app.evaluation.ErrorOutcome;
import dev.masklab.app.evaluation.ImageErrors;
import dev.masklab.app.model.Instance;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The evaluation-errors layer: each instance's colour by its {@link ErrorOutcome} (masks and boxes), a line linking
 * each matched pair's box centres with its IoU, and a legend naming the colours with the image's counts. Drawn in
 * screen coordinates over the vectors.
 */
final class ErrorLayer {
    private static final double PAD = 8;

    private ErrorLayer() {}

    /** The outcome of a drawn instance (a prediction by its result id, an annotation by its id). */
    static ErrorOutcome outcome(ImageErrors errors, Instance inst) {
        return inst.prediction() ? errors.detection(inst.id()) : errors.groundTruth(inst.id());
    }

    /** The instance's colour in this layer, 0xRRGGBB. */
    static int rgb(ImageErrors errors, Instance inst) {
        return outcome(errors, inst).rgb();
    }

    /** The links between matched pairs that are both drawn, then the legend in the bottom-left corner. */
    static void draw(GraphicsContext g, ImageErrors errors, List<Instance> drawn, Viewport vp, double canvasH) {
        Map<Long, Instance> dts = new HashMap<>();
        Map<Long, Instance> gts = new HashMap<>();
        for (Instance i : drawn) (i.prediction() ? dts : gts).put(i.id(), i);
        Color tp = ColorPalette.toColor(ErrorOutcome.TRUE_POSITIVE.rgb());
        g.setLineDashes((double[]) null);
        for (ImageErrors.Match m : errors.matches()) {
            Instance d = dts.get(m.dtId()), t = gts.get(m.gtId());
            if (d == null || t == null) continue;
            double x1 = vp.toScreenX(cx(d)), y1 = vp.toScreenY(cy(d));
            double x2 = vp.toScreenX(cx(t)), y2 = vp.toScreenY(cy(t));
            g.setStroke(Color.color(0, 0, 0, 0.7));
            g.setLineWidth(4);
            g.strokeLine(x1, y1, x2, y2);
            g.setStroke(tp);
            g.setLineWidth(2);
            g.strokeLine(x1, y1, x2, y2);
            for (double[] p : new double[][] {{x1, y1}, {x2, y2}}) {
                g.setFill(tp);
                g.fillOval(p[0] - 3.5, p[1] - 3.5, 7, 7);
            }
            tag(g, String.format(Locale.ROOT, "%s %.2f", iouName(errors), m.iou()), (x1 + x2) / 2, (y1 + y2) / 2);
        }
        legend(g, errors, drawn, canvasH);
    }

    /** "IoU", or "OKS" for keypoints. */
    static String iouName(ImageErrors errors) {
        return errors.iouType() == dev.masklab.eval.IouType.KEYPOINTS ? "OKS" : "IoU";
    }

    private static double cx(Instance i) {
        return i.bbox()[0] + i.bbox()[2] / 2;
    }

    private static double cy(Instance i) {
        return i.bbox()[1] + i.bbox()[3] / 2;
    }

    private static void tag(GraphicsContext g, String s, double x, double y) {
        Text t = new Text(s);
        t.setFont(VectorLayer.LABEL_FONT);
        double w = t.getLayoutBounds().getWidth() + 8, h = t.getLayoutBounds().getHeight() + 2;
        g.setFill(Color.color(0, 0, 0, 0.75));
        g.fillRoundRect(x - w / 2, y - h / 2, w, h, 6, 6);
        g.setFill(Color.WHITE);
        g.setFont(VectorLayer.LABEL_FONT);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(s, x, y);
    }

    /** The legend's lines: a title, one per outcome with its count, and what is evaluated but not drawn. */
    static List<String> legendLines(ImageErrors errors, List<Instance> drawn) {
        Map<ErrorOutcome, Integer> n = errors.counts();
        Set<Long> drawnDts = new HashSet<>();
        for (Instance i : drawn) if (i.prediction()) drawnDts.add(i.id());
        long hidden = errors.detections().keySet().stream()
                .filter(id -> !drawnDts.contains(id))
                .count();
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "Errors, %s %s ≥ %.2f",
                errors.iouType().cocoName(),
                iouName(errors),
                errors.iouThreshold()));
        for (ErrorOutcome o : ErrorOutcome.values())
            lines.add(
                    o == ErrorOutcome.IGNORED
                            ? o.longName() + ": " + n.get(o)
                            : String.format(Locale.ROOT, "%s %s: %d", o.shortName(), o.longName(), n.get(o)));
        if (hidden > 0) lines.add(hidden + " evaluated predictions not drawn (min score, hidden categories)");
        return lines;
    }

    private static void legend(GraphicsContext g, ImageErrors errors, List<Instance> drawn, double canvasH) {
        List<String> lines = legendLines(errors, drawn);
        double lineH = 18, sw = 12;
        double w = 0;
        for (String s : lines) {
            Text t = new Text(s);
            t.setFont(VectorLayer.LABEL_FONT);
            w = Math.max(w, t.getLayoutBounds().getWidth());
        }
        w += sw + 3 * PAD;
        double h = lines.size() * lineH + PAD;
        double x = PAD, y = canvasH - h - PAD;
        g.setFill(Color.color(0, 0, 0, 0.7));
        g.fillRoundRect(x, y, w, h, 8, 8);
        g.setFont(VectorLayer.LABEL_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        ErrorOutcome[] outcomes = ErrorOutcome.values();
        for (int i = 0; i < lines.size(); i++) {
            double ly = y + PAD / 2 + lineH * i + lineH / 2;
            int o = i - 1;
            if (o >= 0 && o < outcomes.length) {
                g.setFill(ColorPalette.toColor(outcomes[o].rgb()));
                g.fillRect(x + PAD, ly - sw / 2, sw, sw);
                g.setStroke(Color.BLACK);
                g.setLineWidth(1);
                g.strokeRect(x + PAD, ly - sw / 2, sw, sw);
            }
            g.setFill(Color.WHITE);
            g.fillText(lines.get(i), x + 2 * PAD + sw, ly);
        }
    }
}
