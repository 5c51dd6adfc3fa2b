package dev.masklab.app.prediction;

import dev.masklab.app.inspector.CategoryModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.PredictionSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The loaded predictions: the set, the score threshold, how the canvas area shows them ({@link ViewMode}), the box
 * prompts' answers (shown whatever their score), and how many pending ones each category has above the threshold.
 */
public final class PredictionsModel {
    private final ReadOnlyObjectWrapper<PredictionSet> predictions = new ReadOnlyObjectWrapper<>(this, "predictions");
    private final DoubleProperty scoreThreshold = new SimpleDoubleProperty(this, "scoreThreshold", 0.5);
    private final ObjectProperty<ViewMode> viewMode =
            new SimpleObjectProperty<>(this, "viewMode", ViewMode.GROUND_TRUTH);
    private final ReadOnlyIntegerWrapper predictionsAboveThreshold =
            new ReadOnlyIntegerWrapper(this, "predictionsAboveThreshold");
    /** Results of box prompts: shown whatever their score (the user asked for them). */
    private final Set<Instance> prompted = Collections.newSetFromMap(new IdentityHashMap<>());

    private ViewMode predictionViewMode = ViewMode.SIDE_BY_SIDE;

    /** Shows {@code set} (null: none); the view mode leaves ground truth only for the one last chosen. */
    public void setPredictions(PredictionSet set) {
        if (set == null) prompted.clear();
        predictions.set(set);
        if (set != null && viewMode.get() == ViewMode.GROUND_TRUTH) viewMode.set(predictionViewMode);
        if (set == null) viewMode.set(ViewMode.GROUND_TRUTH);
    }

    public ReadOnlyObjectProperty<PredictionSet> predictionsProperty() {
        return predictions.getReadOnlyProperty();
    }

    public PredictionSet get() {
        return predictions.get();
    }

    public DoubleProperty scoreThresholdProperty() {
        return scoreThreshold;
    }

    /** How predictions are shown when they are loaded (side by side unless the user chose otherwise before). */
    public void setPredictionViewMode(ViewMode m) {
        predictionViewMode = m == ViewMode.GROUND_TRUTH ? ViewMode.SIDE_BY_SIDE : m;
    }

    public ObjectProperty<ViewMode> viewModeProperty() {
        return viewMode;
    }

    /** Number of pending predictions over the whole dataset at or above the threshold, in visible categories. */
    public ReadOnlyIntegerProperty predictionsAboveThresholdProperty() {
        return predictionsAboveThreshold.getReadOnlyProperty();
    }

    /** Records a box prompt's answer, shown whatever its score. */
    public void addPrompted(Instance p) {
        prompted.add(p);
    }

    /** Forgets a prompt's answer (taken out of the predictions); false when it was not one. */
    public boolean removePrompted(Instance p) {
        return prompted.remove(p);
    }

    /** True when {@code p} is shown at this threshold: at or above it, or a box prompt's answer. */
    public boolean passes(Instance p) {
        return p.score() >= scoreThreshold.get() || prompted.contains(p);
    }

    /** Recounts the pending predictions at or above the threshold, per category and in visible categories. */
    public void refreshCounts(CategoryModel categories, Predicate<Instance> reviewed) {
        PredictionSet ps = predictions.get();
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        int total = 0;
        if (ps != null) {
            double t = scoreThreshold.get();
            for (List<Instance> l : ps.byImage().values())
                for (Instance p : l) {
                    if (p.score() < t || reviewed.test(p)) continue;
                    counts.merge(p.categoryId(), 1, Integer::sum);
                    if (categories.isVisible(p.categoryId())) total++;
                }
        }
        for (CategoryRow r : categories.rows()) r.predictionCountProperty().set(counts.getOrDefault(r.id(), 0));
        predictionsAboveThreshold.set(total);
    }
}
