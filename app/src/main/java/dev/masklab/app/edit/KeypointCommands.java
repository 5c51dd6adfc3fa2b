package dev.masklab.app.edit;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.Instance;

/**
 * Keypoint commands on ground-truth annotations: move, cycle visibility, select, place the category's skeleton,
 * delete, set visibility. Each change is one undoable {@link Edit} ({@link KeypointEditor}).
 */
public final class KeypointCommands {
    private final MainViewModel vm;

    public KeypointCommands(MainViewModel vm) {
        this.vm = vm;
    }

    /** Moves keypoint k of a ground-truth annotation (a keypoint that was not labelled becomes visible). */
    public void moveKeypoint(Instance annotation, int k, double x, double y) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        double[] kp = annotation.keypoints();
        int v = kp[3 * k + 2] > 0 ? (int) kp[3 * k + 2] : 2;
        vm.editor()
                .setKeypoint(
                        annotation.id(),
                        k,
                        x,
                        y,
                        v,
                        "Move " + vm.categories().keypointName(annotation, k) + " of #" + annotation.id());
        vm.sync().afterEdit(annotation.imageId(), annotation.id(), true, null);
    }

    /** Cycles keypoint k's visibility: visible, labelled but hidden, not labelled. */
    public void cycleKeypointVisibility(Instance annotation, int k) {
        if (!vm.sync().editable() || annotation.prediction()) return;
        double[] kp = annotation.keypoints();
        int v = (int) kp[3 * k + 2];
        int next = v == 2 ? 1 : v == 1 ? 0 : 2;
        vm.editor()
                .setKeypoint(
                        annotation.id(),
                        k,
                        kp[3 * k],
                        kp[3 * k + 1],
                        next,
                        "Set " + vm.categories().keypointName(annotation, k) + " of #" + annotation.id() + " to v="
                                + next);
        vm.sync()
                .afterEdit(
                        annotation.imageId(),
                        annotation.id(),
                        true,
                        vm.categories().keypointName(annotation, k) + ": "
                                + (next == 2 ? "visible" : next == 1 ? "labelled, hidden" : "not labelled"));
    }

    /** Selects keypoint k of the selected annotation (-1: none) and says what the keys do with it. */
    public void selectKeypoint(int k) {
        Instance s = vm.selection().getSelected();
        vm.selection().selectedKeypointProperty().set(s == null || s.prediction() ? -1 : k);
        if (vm.selection().selectedKeypointProperty().get() >= 0)
            vm.messageProperty()
                    .set(vm.categories().keypointName(s, k) + " of #" + s.id()
                            + ": Delete removes it, V visible, Shift+V hidden");
    }

    /**
     * "Place skeleton": the category's keypoint template placed in the selected annotation's box
     * ({@code KeypointEditor.placeKeypoints}, keypoints already labelled kept); one undo. False when not applicable.
     */
    public boolean placeSkeletonOnSelected() {
        Instance s = vm.selection().getSelected();
        if (!vm.sync().editable() || !vm.categories().skeletonPlaceable(s)) return false;
        try {
            vm.editor().keypoints().placeKeypoints(s.id(), null, true, "Place skeleton on #" + s.id());
        } catch (IllegalArgumentException ex) {
            vm.messageProperty().set("Cannot place the skeleton: " + ex.getMessage());
            return false;
        }
        vm.sync()
                .afterEdit(
                        s.imageId(),
                        s.id(),
                        true,
                        "Placed the " + vm.categories().categoryName(s.categoryId()) + " skeleton on #" + s.id()
                                + " (drag the keypoints into place)");
        return true;
    }

    /** Deletes the selected keypoint ({@code KeypointEditor.deleteKeypoint}: v = 0 at 0, 0); false when none. */
    public boolean deleteSelectedKeypoint() {
        Instance s = vm.selection().getSelected();
        int k = vm.selection().selectedKeypointProperty().get();
        if (!vm.sync().editable() || s == null || s.prediction() || k < 0 || !s.hasKeypoints()) return false;
        String name = vm.categories().keypointName(s, k);
        vm.editor().keypoints().deleteKeypoint(s.id(), k, "Delete " + name + " of #" + s.id());
        vm.sync().afterEdit(s.imageId(), s.id(), true, "Deleted " + name + " of #" + s.id());
        vm.selection().selectedKeypointProperty().set(-1);
        return true;
    }

    /**
     * Sets the selected keypoint's visibility (2 visible, 1 labelled but hidden; an unlabelled keypoint is placed
     * where the category's template has it: {@code KeypointEditor.setKeypointVisibility}). False when none.
     */
    public boolean setSelectedKeypointVisibility(int v) {
        Instance s = vm.selection().getSelected();
        int k = vm.selection().selectedKeypointProperty().get();
        if (!vm.sync().editable() || s == null || s.prediction() || k < 0 || !s.hasKeypoints()) return false;
        vm.editor()
                .keypoints()
                .setKeypointVisibility(
                        s.id(), k, v, "Set " + vm.categories().keypointName(s, k) + " of #" + s.id() + " to v=" + v);
        vm.sync()
                .afterEdit(
                        s.imageId(),
                        s.id(),
                        true,
                        vm.categories().keypointName(s, k) + ": " + (v == 2 ? "visible" : "labelled, hidden"));
        return true;
    }

    /** The number of keypoints of {@code a}: its own, or its category's for an annotation that has none yet. */
    private int keypointCount(Instance a) {
        double[] kp = a.keypoints();
        if (kp != null && kp.length > 0) return kp.length / 3;
        CategoryRow r = vm.categories().category(a.categoryId());
        return r != null && r.info().hasKeypoints() ? r.info().keypointNames().size() : 0;
    }

    /** The first keypoint of ground-truth annotation {@code a} not placed (v = 0), or -1 (none, or no keypoints). */
    public int nextUnplaced(Instance a) {
        if (a == null || a.prediction()) return -1;
        double[] kp = a.keypoints();
        int n = keypointCount(a);
        for (int k = 0; k < n; k++) if (kp == null || kp.length < 3 * n || kp[3 * k + 2] == 0) return k;
        return -1;
    }

    /**
     * The keypoint tool's click: places {@link #nextUnplaced} of {@code a} at (x, y) image pixels, visible (one undo),
     * selects it and names the next one on the status line. False when all are placed.
     */
    public boolean placeNextKeypoint(Instance a, double x, double y) {
        int k = nextUnplaced(a);
        if (!vm.sync().editable() || k < 0) return false;
        String name = vm.categories().keypointName(a, k);
        vm.editor().setKeypoint(a.id(), k, x, y, 2, "Place " + name + " of #" + a.id());
        vm.sync().afterEdit(a.imageId(), a.id(), true, null);
        vm.selection().selectedKeypointProperty().set(k);
        Instance now = vm.selection().getSelected();
        int next = nextUnplaced(now);
        vm.messageProperty()
                .set("Placed " + name + " of #" + a.id()
                        + (next >= 0
                                ? "; next: " + vm.categories().keypointName(now, next)
                                : "; all keypoints are placed"));
        return true;
    }

    /** The status line names the keypoint the keypoint tool places next on {@code a} (nothing for no keypoints). */
    public void tellNext(Instance a) {
        if (a == null || a.prediction() || keypointCount(a) == 0) return;
        int k = nextUnplaced(a);
        vm.messageProperty()
                .set(
                        k >= 0
                                ? "Click to place " + vm.categories().keypointName(a, k) + " of #" + a.id()
                                : "All keypoints of #" + a.id()
                                        + " are placed: drag one to move it, right-click cycles its visibility");
    }
}
