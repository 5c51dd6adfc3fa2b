package dev.masklab.app.inspector;

import dev.masklab.app.evaluation.ErrorOutcome;
import dev.masklab.app.evaluation.ImageErrors;
import dev.masklab.app.model.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inspector's evaluation rows for one instance in the errors mode: its outcome and, for a match, the partner's id
 * and the pair's IoU (OKS for keypoints) as the evaluation computed it.
 */
public final class ErrorDetails {
    private ErrorDetails() {}

    /** The rows of {@code inst} in {@code errors} (none when either is null). */
    public static List<InstanceDetails.Row> rows(Instance inst, ImageErrors errors) {
        List<InstanceDetails.Row> rows = new ArrayList<>();
        if (inst == null || errors == null || inst.imageId() != errors.imageId()) return rows;
        ErrorOutcome o = inst.prediction() ? errors.detection(inst.id()) : errors.groundTruth(inst.id());
        String iouName = errors.iouType() == dev.masklab.eval.IouType.KEYPOINTS ? "OKS" : "IoU";
        rows.add(new InstanceDetails.Row(
                "outcome", o == ErrorOutcome.IGNORED ? o.longName() : o.shortName() + " (" + o.longName() + ")"));
        rows.add(new InstanceDetails.Row(
                "evaluated at",
                String.format(
                        Locale.ROOT, "%s %s ≥ %.2f", errors.iouType().cocoName(), iouName, errors.iouThreshold())));
        ImageErrors.Match m =
                inst.prediction() ? errors.matchOfDetection(inst.id()) : errors.matchOfGroundTruth(inst.id());
        if (m != null) {
            rows.add(new InstanceDetails.Row(
                    "matched with",
                    inst.prediction() ? "ground truth #" + m.gtId() : "prediction (result #" + m.dtId() + ")"));
            rows.add(new InstanceDetails.Row(iouName, String.format(Locale.ROOT, "%.4f", m.iou())));
        }
        return rows;
    }
}
