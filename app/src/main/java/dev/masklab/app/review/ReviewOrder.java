package dev.masklab.app.review;

import dev.masklab.app.model.Instance;
import java.util.List;

/**
 * The order in which the keyboard reviews an image (Tab / Shift+Tab, and what is selected after Enter or Delete), as
 * pure functions of the selection and the shown instances, so the review keys behave the same in every view.
 */
public final class ReviewOrder {
    private ReviewOrder() {}

    /**
     * The list Tab walks: the shown predictions while a prediction or nothing is selected and some are shown, else the
     * shown annotations.
     */
    public static List<Instance> walked(Instance selected, List<Instance> predictions, List<Instance> annotations) {
        return selected != null && !selected.prediction() || predictions.isEmpty() ? annotations : predictions;
    }

    /**
     * The instance {@code d} steps (+1 Tab, -1 Shift+Tab) from {@code selected} in {@code list}, wrapping around; from
     * no selection (or one not in the list) Tab starts at the first and Shift+Tab at the last. Null for an empty list.
     */
    public static Instance step(Instance selected, List<Instance> list, int d) {
        if (list.isEmpty()) return null;
        int i = selected == null ? -1 : list.indexOf(selected);
        if (i < 0) return d > 0 ? list.getFirst() : list.getLast();
        return list.get(Math.floorMod(i + d, list.size()));
    }

    /**
     * After the instance at index {@code at} was reviewed (accepted, rejected, deleted) and left {@code list}: the one
     * now at its place (the last one when it was the last), or null when none is left.
     */
    public static Instance afterReview(List<Instance> list, int at) {
        if (list.isEmpty() || at < 0) return null;
        return list.get(Math.min(at, list.size() - 1));
    }
}
