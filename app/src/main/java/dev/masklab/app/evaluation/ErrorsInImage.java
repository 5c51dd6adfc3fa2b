package dev.masklab.app.evaluation;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.Instance;
import java.util.List;
import java.util.Locale;

/**
 * Opens an image of the Evaluation tab in the Image tab with its errors: the image becomes the current one, ground
 * truth and predictions are overlaid on one canvas (so each matched pair can be linked), the {@link ErrorOverlay} is
 * switched on, and the item asked for is selected so the inspector shows its outcome.
 */
public final class ErrorsInImage implements ImageOpener {
    private final MainViewModel vm;
    private final ErrorOverlay errors;
    private final Runnable showImageTab;

    public ErrorsInImage(MainViewModel vm, ErrorOverlay errors, Runnable showImageTab) {
        this.vm = vm;
        this.errors = errors;
        this.showImageTab = showImageTab;
    }

    @Override
    public void open(long imageId, Long dtId, Long gtId) {
        if (!vm.navigation().showImage(imageId)) return;
        if (vm.predictions().predictionsProperty().get() != null)
            vm.predictions().viewModeProperty().set(dev.masklab.app.prediction.ViewMode.OVERLAY);
        errors.activeProperty().set(true);
        showImageTab.run();
        Instance pick = null;
        if (dtId != null) {
            pick = find(vm.shown().shownPredictionsProperty().get(), dtId);
            if (pick == null)
                vm.messageProperty()
                        .set(String.format(
                                Locale.ROOT,
                                "Prediction #%d is not shown: below the minimum score %.2f, in a hidden category,"
                                        + " or reviewed",
                                dtId,
                                vm.predictions().scoreThresholdProperty().get()));
        } else if (gtId != null) {
            pick = find(vm.shown().shownGroundTruthProperty().get(), gtId);
        }
        if (pick != null) vm.selection().selectedProperty().set(pick);
    }

    private static Instance find(List<Instance> shown, long id) {
        for (Instance i : shown) if (i.id() == id) return i;
        return null;
    }
}
