package dev.masklab.app.canvas;

import dev.masklab.app.evaluation.ErrorOutcome;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryInfo;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.KeypointConfidence;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The vector layers, drawn in screen coordinates each frame so line widths and text stay constant while zooming:
 * boxes (predictions dashed; the hovered and the selected instance always, the selected one with a halo and corner
 * marks), keypoints with their skeleton, labels, and the caption naming what the canvas shows.
 */
final class VectorLayer {
    static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 12);

    private VectorLayer() {}

    /**
     * @param color   each instance's colour, 0xRRGGBB
     * @param outcome each instance's evaluation outcome, named before its label (null: none shown)
     */
    static void draw(
            GraphicsContext g,
            MainViewModel vm,
            List<Instance> drawn,
            Viewport vp,
            ToIntFunction<Instance> color,
            Function<Instance, ErrorOutcome> outcome) {
        LayerSettings ls = vm.layers();
        double z = vp.zoom();
        Instance hovered = vm.selection().hoveredProperty().get(),
                selected = vm.selection().selectedProperty().get();
        for (Instance inst : drawn) {
            Color c = ColorPalette.toColor(color.applyAsInt(inst));
            double[] b = inst.bbox();
            double x = vp.toScreenX(b[0]), y = vp.toScreenY(b[1]), w = b[2] * z, h = b[3] * z;
            boolean hi = inst == hovered || inst == selected;
            if (inst == selected) {
                selectionMark(g, x, y, w, h);
            } else if (ls.boxesProperty().get() || hi) {
                g.setStroke(c);
                g.setLineWidth(hi ? 2.5 : 1.5);
                g.setLineDashes(inst.prediction() ? new double[] {6, 4} : null);
                g.strokeRect(x, y, w, h);
                g.setLineDashes((double[]) null);
            }
            if (ls.keypointsProperty().get() && inst.hasKeypoints()) drawKeypoints(g, vm, inst, c, vp);
        }
        if (ls.labelsProperty().get())
            for (Instance inst : drawn)
                drawLabel(g, vm, inst, vp, color.applyAsInt(inst), outcome == null ? null : outcome.apply(inst));
    }

    /** The selected instance: a dark halo under a solid white box and L-shaped corner marks, seen on any image. */
    private static void selectionMark(GraphicsContext g, double x, double y, double w, double h) {
        g.setLineDashes((double[]) null);
        g.setStroke(Color.color(0, 0, 0, 0.7));
        g.setLineWidth(6);
        g.strokeRect(x, y, w, h);
        g.setStroke(Color.WHITE);
        g.setLineWidth(3);
        g.strokeRect(x, y, w, h);
        double l = Math.min(16, Math.min(w, h) / 2 + 4);
        g.setLineWidth(5);
        g.setStroke(Color.web("#ffd54f"));
        double[][] corners = {{x, y, 1, 1}, {x + w, y, -1, 1}, {x + w, y + h, -1, -1}, {x, y + h, 1, -1}};
        for (double[] k : corners) {
            g.strokeLine(k[0] - 3 * k[2], k[1] - 3 * k[3], k[0] + l * k[2], k[1] - 3 * k[3]);
            g.strokeLine(k[0] - 3 * k[2], k[1] - 3 * k[3], k[0] - 3 * k[2], k[1] + l * k[3]);
        }
    }

    private static void drawKeypoints(GraphicsContext g, MainViewModel vm, Instance inst, Color c, Viewport vp) {
        double[] k = inst.keypoints();
        int n = k.length / 3;
        boolean[] shown = KeypointConfidence.drawn(
                inst, vm.layers().keypointScoreThresholdProperty().get());
        CategoryRow row = vm.categories().category(inst.categoryId());
        CategoryInfo cat = row == null ? null : row.info();
        g.setStroke(c);
        g.setLineWidth(2);
        g.setLineCap(StrokeLineCap.ROUND);
        if (cat != null) {
            for (int[] e : cat.skeleton()) {
                int a = e[0] - 1, b = e[1] - 1;
                if (a < 0 || b < 0 || a >= n || b >= n || !shown[a] || !shown[b]) continue;
                g.strokeLine(
                        vp.toScreenX(k[a * 3]),
                        vp.toScreenY(k[a * 3 + 1]),
                        vp.toScreenX(k[b * 3]),
                        vp.toScreenY(k[b * 3 + 1]));
            }
        }
        double r = 4;
        for (int i = 0; i < n; i++) {
            double v = k[i * 3 + 2];
            if (!shown[i]) continue;
            double x = vp.toScreenX(k[i * 3]), y = vp.toScreenY(k[i * 3 + 1]);
            // ground truth: 2 visible (filled), 1 labelled but occluded (hollow); predictions carry a score: filled
            if (v >= 2 || inst.prediction()) {
                g.setFill(c);
                g.fillOval(x - r, y - r, 2 * r, 2 * r);
                g.setStroke(Color.BLACK);
                g.setLineWidth(1);
                g.strokeOval(x - r, y - r, 2 * r, 2 * r);
            } else {
                g.setStroke(c);
                g.setLineWidth(2);
                g.strokeOval(x - r, y - r, 2 * r, 2 * r);
            }
        }
    }

    private static void drawLabel(
            GraphicsContext g, MainViewModel vm, Instance inst, Viewport vp, int rgb, ErrorOutcome outcome) {
        String text = vm.categories().categoryName(inst.categoryId());
        if (outcome != null) text = outcome.shortName() + " " + text;
        if (inst.prediction()) text += String.format(" %.2f", inst.score());
        if (inst.crowd()) text += " (crowd)";
        double[] b = inst.bbox();
        double x = vp.toScreenX(b[0]), y = vp.toScreenY(b[1]);
        Text t = new Text(text);
        t.setFont(LABEL_FONT);
        double tw = t.getLayoutBounds().getWidth() + 8, th = t.getLayoutBounds().getHeight() + 2;
        double ty = y - th >= 0 ? y - th : y;
        g.setFill(ColorPalette.toColor(rgb));
        g.fillRect(x, ty, tw, th);
        double lum = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
        g.setFill(lum > 150 ? Color.BLACK : Color.WHITE);
        g.setFont(LABEL_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(text, x + 4, ty + 1);
    }

    /** A caption in the top-left corner. */
    static void caption(GraphicsContext g, String s) {
        Text t = new Text(s);
        t.setFont(LABEL_FONT);
        double w = t.getLayoutBounds().getWidth() + 16, h = t.getLayoutBounds().getHeight() + 8;
        g.setFill(Color.color(0, 0, 0, 0.6));
        g.fillRoundRect(8, 8, w, h, 8, 8);
        g.setFill(Color.WHITE);
        g.setFont(LABEL_FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(s, 16, 12);
    }

    static void centeredText(GraphicsContext g, String s, double x, double y, Color c) {
        g.setFill(c);
        g.setFont(Font.font("System", 14));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(s, x, y);
    }
}
