package dev.masklab.app.training;

import dev.masklab.train.TrainingListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the training tab: whether a job runs, its progress line, the logged iterations (loss terms for the plot),
 * the evaluations (COCO AP per IoU type), a log of messages and checkpoints, and the trained model once written.
 * {@link #listener} turns the engine's callbacks (on the training thread) into updates on {@code fxThread}.
 */
public final class TrainingViewModel {

    /** One evaluation row: iteration and AP / AP50 per IoU type ("bbox", "segm", "keypoints"; NaN when absent). */
    public record Evaluation(int iteration, double bboxAp, double segmAp, double keypointsAp, double ap50) {}

    private final BooleanProperty running = new SimpleBooleanProperty(this, "running", false);
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", 0);
    private final StringProperty status = new SimpleStringProperty(this, "status", "No training run");
    private final ObjectProperty<Path> trainedModel = new SimpleObjectProperty<>(this, "trainedModel");
    private final ObservableList<TrainingListener.Progress> iterations = FXCollections.observableArrayList();
    private final ObservableList<Evaluation> evaluations = FXCollections.observableArrayList();
    private final ObservableList<String> log = FXCollections.observableArrayList();

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** The model of the last run: its {@code model.masklab} once completed, its last checkpoint's when stopped. */
    public ObjectProperty<Path> trainedModelProperty() {
        return trainedModel;
    }

    public ObservableList<TrainingListener.Progress> iterations() {
        return iterations;
    }

    public ObservableList<Evaluation> evaluations() {
        return evaluations;
    }

    public ObservableList<String> log() {
        return log;
    }

    /** A new run starts: clears the previous run's plot, evaluations and log. */
    public void started(String what) {
        iterations.clear();
        evaluations.clear();
        log.setAll(what);
        trainedModel.set(null);
        progress.set(-1);
        status.set("Starting: " + what);
        running.set(true);
    }

    /**
     * The run ended.
     *
     * @param model     the model "Run this model" offers: the completed run's, or the checkpoint a stopped run left;
     *                  null when there is none
     * @param completed whether the run did all its iterations
     */
    public void finished(String message, Path model, boolean completed) {
        running.set(false);
        if (progress.get() < 0) progress.set(0);
        if (completed) progress.set(1);
        trainedModel.set(model);
        status.set(message);
        log.add(message);
    }

    /** Engine callbacks, delivered through {@code fxThread} (Platform::runLater in the app). */
    public TrainingListener listener(Executor fxThread) {
        return new TrainingListener() {
            @Override
            public void onIteration(Progress p) {
                fxThread.execute(() -> {
                    iterations.add(p);
                    progress.set(p.iterations() == 0 ? 0 : (double) p.iteration() / p.iterations());
                    status.set(progressLine(p));
                });
            }

            @Override
            public void onEvaluation(int iteration, Map<String, double[]> stats) {
                Map<String, double[]> copy = new LinkedHashMap<>(stats);
                fxThread.execute(() -> {
                    Evaluation e = new Evaluation(
                            iteration, ap(copy, "bbox", 0), ap(copy, "segm", 0), ap(copy, "keypoints", 0), ap50(copy));
                    evaluations.add(e);
                    log.add(String.format("evaluation at iteration %d: %s", iteration, describe(e)));
                });
            }

            @Override
            public void onCheckpoint(int iteration, Path dir) {
                fxThread.execute(() -> log.add("checkpoint at iteration " + iteration + ": " + dir));
            }

            @Override
            public void onMessage(String message) {
                fxThread.execute(() -> log.add(message));
            }
        };
    }

    /** "iteration 120 / 1000  loss 1.234  lr 1.00e-02  1.2 img/s  ETA 12:03". */
    public static String progressLine(TrainingListener.Progress p) {
        return String.format(
                "iteration %d / %d   loss %.4f   lr %.2e   %.2f img/s   ETA %s",
                p.iteration(), p.iterations(), p.totalLoss(), p.lr(), p.imagesPerSecond(), duration(p.etaSeconds()));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "-";
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    static String describe(Evaluation e) {
        StringBuilder sb = new StringBuilder();
        if (!Double.isNaN(e.bboxAp())) sb.append(String.format("bbox AP %.3f", e.bboxAp()));
        if (!Double.isNaN(e.segmAp())) sb.append(String.format(", segm AP %.3f", e.segmAp()));
        if (!Double.isNaN(e.keypointsAp())) sb.append(String.format(", keypoints AP %.3f", e.keypointsAp()));
        return sb.toString();
    }

    private static double ap(Map<String, double[]> stats, String type, int index) {
        double[] s = stats.get(type);
        return s == null || s.length <= index ? Double.NaN : s[index];
    }

    /** AP50 of the task's main IoU type: segm for masks, keypoints for keypoints, else bbox. */
    private static double ap50(Map<String, double[]> stats) {
        for (String t : new String[] {"keypoints", "segm", "bbox"}) {
            if (stats.containsKey(t)) return ap(stats, t, 1);
        }
        return Double.NaN;
    }
}
