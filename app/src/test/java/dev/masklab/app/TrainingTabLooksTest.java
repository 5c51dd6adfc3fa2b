package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.main.MainView;
import dev.masklab.app.training.TrainingView;
import dev.masklab.app.training.TrainingViewModel;
import dev.masklab.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.chart.Axis;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Control;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Training tab in the main window at 1366 x 768 and 1920 x 1080: no label, button, check box, choice or table
 * header is cut (its shown text is its whole text), no control is squeezed below half its height, the loss plot's
 * title, axis labels, tick labels and legend contrast with what is behind them (WCAG's 4.5:1), the architecture shows
 * its name, not the enum constant. With {@code -Dmasklab.screenshots=true} it writes
 * docs/screenshots/training-WxH.png.
 */
@ExtendWith(ApplicationExtension.class)
class TrainingTabLooksTest {
    @Start
    void start(Stage stage) {
        // each size is laid out in a scene of its own, off screen: the headless screen is smaller than 1920 x 1080
    }

    private static void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void readableAt1366x768() throws Exception {
        check(1366, 768);
    }

    @Test
    void readableAt1920x1080() throws Exception {
        check(1920, 1080);
    }

    private void check(int width, int height) throws Exception {
        MainView[] created = new MainView[1];
        Scene[] scene = new Scene[1];
        fx(() -> {
            created[0] = TestWindow.create().view();
            scene[0] = new Scene(created[0], width, height);
            scene[0].getStylesheets()
                    .add(MaskLabApp.class.getResource(MaskLabApp.CSS).toExternalForm());
        });
        MainView view = created[0];
        TrainingView training = view.trainingView();
        fx(() -> training.suggestDataset(TrainingViewTest.SAMPLE.toAbsolutePath()));
        fx(training::checkHealth); // the dataset health box is part of what must be readable
        WaitForAsyncUtils.waitFor(
                20,
                java.util.concurrent.TimeUnit.SECONDS,
                () -> training.healthModel().reportProperty().get() != null);
        fx(() -> {
            view.centerTabs().getTabs().stream()
                    .filter(t -> "trainingTab".equals(t.getId()))
                    .findFirst()
                    .ifPresent(t -> view.centerTabs().getSelectionModel().select(t));
            training.suggestDataset(TrainingViewTest.SAMPLE.toAbsolutePath());
            // a run in progress: the progress line, a legend entry per loss term and an evaluation row
            TrainingViewModel vm = training.viewModel();
            vm.started("maskrcnn_resnet50_fpn on annotations.json -> runs/annotations (from scratch)");
            TrainingListener l = vm.listener(Runnable::run);
            for (int i = 1; i <= 40; i++) {
                l.onIteration(new TrainingListener.Progress(
                        i,
                        1000,
                        Map.of(
                                "loss_classifier",
                                0.5 / i,
                                "loss_box_reg",
                                0.4 / i,
                                "loss_mask",
                                0.7 / i,
                                "loss_objectness",
                                0.1 / i,
                                "loss_rpn_box_reg",
                                0.05 / i),
                        1.75 / i,
                        0.0025,
                        1.37,
                        1234,
                        3.2));
            }
            l.onEvaluation(40, Map.of("bbox", new double[] {0.123, 0.3}, "segm", new double[] {0.111, 0.28}));
        });
        WritableImage[] img = new WritableImage[1];
        fx(() -> img[0] = scene[0].snapshot(null)); // CSS and layout at this size
        assertEquals(width, img[0].getWidth(), 1, "the window's width");

        List<String> cut = new ArrayList<>();
        walk(training, n -> {
            if (n instanceof Labeled l
                    && !(n instanceof IndexedCell<?>)
                    && shown(n)
                    && l.getText() != null
                    && !l.getText().isEmpty()) {
                String displayed = displayedText(l);
                if (!l.getText().equals(displayed)) cut.add("'" + l.getText() + "' shown as '" + displayed + "'");
            }
        });
        assertTrue(cut.isEmpty(), width + "x" + height + ": " + cut);
        List<String> squeezed = new ArrayList<>();
        walk(training, n -> {
            if (n instanceof Control c
                    && !(n instanceof IndexedCell<?>)
                    && shown(n)
                    && c.getHeight() < 0.5 * c.prefHeight(c.getWidth())) {
                squeezed.add((c.getId() != null ? c.getId() : c.getClass().getSimpleName()) + " " + c.getHeight()
                        + " of " + c.prefHeight(c.getWidth()));
            }
        });
        assertTrue(squeezed.isEmpty(), width + "x" + height + ", squeezed below half their height: " + squeezed);

        List<String> faint = new ArrayList<>();
        Label title = (Label) training.chart().lookup(".chart-title");
        contrast(faint, "chart title", title.getTextFill(), title);
        for (Node n : training.chart().lookupAll(".axis-label")) {
            Label axisLabel = (Label) n;
            contrast(faint, "axis label " + axisLabel.getText(), axisLabel.getTextFill(), axisLabel);
        }
        for (Axis<?> a : List.of(training.chart().getXAxis(), training.chart().getYAxis())) {
            contrast(faint, "tick labels of " + a.getLabel(), a.getTickLabelFill(), a);
        }
        for (Node n : training.chart().lookupAll(".chart-legend-item")) {
            Label item = (Label) n;
            contrast(faint, "legend " + item.getText(), item.getTextFill(), item);
        }
        assertTrue(faint.isEmpty(), faint.toString());

        @SuppressWarnings("unchecked")
        ChoiceBox<Object> arch = (ChoiceBox<Object>) training.lookup("#trainArch");
        Label shown = (Label) arch.lookup(".label");
        assertEquals("Mask R-CNN (ResNet-50 FPN)", shown.getText());

        if (Boolean.getBoolean("masklab.screenshots")) {
            Path dir = Path.of(System.getProperty("masklab.root", "..")).resolve("docs/screenshots");
            Files.createDirectories(dir);
            ImageIO.write(
                    SwingFXUtils.fromFXImage(img[0], null),
                    "png",
                    dir.resolve("training-" + width + "x" + height + ".png").toFile());
        }
    }

    /** The text a Labeled draws: its skin's Text node (an ellipsis where it is cut). */
    static String displayedText(Labeled l) {
        for (Node c : l.getChildrenUnmodifiable()) {
            if (c instanceof Text t && c.getStyleClass().contains("text")) return t.getText();
        }
        return l.getText(); // no skin text: nothing drawn
    }

    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) return false;
        }
        return n.getScene() != null;
    }

    static void walk(Node n, java.util.function.Consumer<Node> f) {
        f.accept(n);
        if (n instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) walk(c, f);
    }

    /** Adds a line to {@code faint} when {@code fill} on the first opaque background behind {@code n} is below 4.5:1. */
    private static void contrast(List<String> faint, String what, Paint fill, Node n) {
        Color text = (Color) fill;
        Color back = null;
        for (Node p = n; p != null && back == null; p = p.getParent()) {
            if (p instanceof Region r && r.getBackground() != null) {
                for (BackgroundFill b : r.getBackground().getFills()) {
                    if (b.getFill() instanceof Color c && c.getOpacity() == 1) back = c;
                }
            }
        }
        if (back == null) back = Color.WHITE; // the scene's default fill
        double l1 = luminance(text), l2 = luminance(back);
        double ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        if (ratio < 4.5) faint.add(String.format("%s: %s on %s, contrast %.2f", what, text, back, ratio));
    }

    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
