package dev.masklab.app.inspector;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;
import java.util.ArrayList;
import java.util.List;

/** The inspector's rows (field, value) for one instance. */
public final class InstanceDetails {
    public record Row(String field, String value) {}

    private InstanceDetails() {}

    public static List<Row> rows(Instance inst, MainViewModel vm) {
        List<Row> rows = new ArrayList<>();
        if (inst == null) return rows;
        rows.add(new Row("kind", inst.prediction() ? "prediction" : "ground truth"));
        rows.add(new Row(inst.prediction() ? "result #" : "id", Long.toString(inst.id())));
        rows.add(new Row("image_id", Long.toString(inst.imageId())));
        rows.add(new Row("category", vm.categories().categoryName(inst.categoryId()) + " (" + inst.categoryId() + ")"));
        if (inst.prediction()) rows.add(new Row("score", String.format("%.4f", inst.score())));
        double[] b = inst.bbox();
        rows.add(new Row("bbox", String.format("%.1f, %.1f, %.1f, %.1f", b[0], b[1], b[2], b[3])));
        rows.add(new Row(
                "area", String.format("%.1f (%s)", inst.area(), inst.sizeClass().label())));
        rows.add(new Row("iscrowd", inst.crowd() ? "1" : "0"));
        rows.add(new Row("segmentation", inst.maskKind().isEmpty() ? "none" : inst.maskKind()));
        if (inst.hasKeypoints())
            rows.add(new Row(
                    "keypoints", inst.visibleKeypointCount() + " of " + inst.keypoints().length / 3 + " labelled"));
        return rows;
    }
}
