package dev.masklab.app.canvas;

import dev.masklab.app.inspector.CategoryModel;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.prediction.PredictionsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * What the canvas shows of an image: its ground truth in visible categories, and its pending predictions in visible
 * categories at or above the score threshold (box prompts' answers whatever their score).
 */
public final class ShownInstances {
    private final ReadOnlyObjectWrapper<List<Instance>> shownGroundTruth =
            new ReadOnlyObjectWrapper<>(this, "shownGroundTruth", List.of());
    private final ReadOnlyObjectWrapper<List<Instance>> shownPredictions =
            new ReadOnlyObjectWrapper<>(this, "shownPredictions", List.of());

    /** Ground truth of the current image in visible categories. */
    public ReadOnlyObjectProperty<List<Instance>> shownGroundTruthProperty() {
        return shownGroundTruth.getReadOnlyProperty();
    }

    /** Predictions of the current image in visible categories at or above the score threshold. */
    public ReadOnlyObjectProperty<List<Instance>> shownPredictionsProperty() {
        return shownPredictions.getReadOnlyProperty();
    }

    /** Computes both lists for image {@code cur} (null: none); {@code reviewed} predictions are not shown. */
    public void refresh(
            ImageEntry cur, CategoryModel categories, PredictionsModel predictions, Predicate<Instance> reviewed) {
        List<Instance> gt = new ArrayList<>();
        List<Instance> pr = new ArrayList<>();
        if (cur != null) {
            for (Instance a : cur.annotations()) if (categories.isVisible(a.categoryId())) gt.add(a);
            PredictionSet ps = predictions.get();
            if (ps != null) {
                for (Instance p : ps.forImage(cur.id()))
                    if (predictions.passes(p) && categories.isVisible(p.categoryId()) && !reviewed.test(p)) pr.add(p);
            }
        }
        shownGroundTruth.set(List.copyOf(gt));
        shownPredictions.set(List.copyOf(pr));
    }
}
