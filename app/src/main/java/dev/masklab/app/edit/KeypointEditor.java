package dev.masklab.app.edit;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.KeypointTemplate;

/**
 * Keypoint edits of an {@link AnnotationEditor} ({@link AnnotationEditor#keypoints()}): the category's whole skeleton
 * placed in a box ({@link KeypointTemplate}) on an existing or a new instance, keypoints deleted and made visible or
 * hidden. Each an undoable edit of the editor's history; {@code num_keypoints} always counts the keypoints with
 * v &gt; 0. Moving one keypoint is {@link AnnotationEditor#setKeypoint}.
 */
public final class KeypointEditor {
    private final AnnotationEditor editor;

    KeypointEditor(AnnotationEditor editor) {
        this.editor = editor;
    }

    /** Deletes keypoint {@code k}: v = 0, stored as 0, 0, 0; {@code num_keypoints} follows. */
    public void deleteKeypoint(long annotationId, int k, String label) {
        editor.setKeypoint(annotationId, k, 0, 0, 0, label);
    }

    /**
     * Sets keypoint {@code k}'s visibility: 0 deletes it ({@link #deleteKeypoint}); 1 or 2 keeps a labelled keypoint
     * where it is, and puts an unlabelled one where the category's {@link KeypointTemplate} has it in the annotation's
     * box.
     */
    public void setKeypointVisibility(long annotationId, int k, int v, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        double[] kp = editor.keypointsOf(a);
        if (kp == null || k < 0 || 3 * k + 2 >= kp.length) {
            throw new IndexOutOfBoundsException("annotation " + annotationId + " has no keypoint " + k);
        }
        if (v > 0 && kp[3 * k + 2] <= 0) {
            double[] b = a.bbox();
            if (b == null) throw new IllegalArgumentException("annotation " + annotationId + " has no box to place in");
            double[] at = KeypointTemplate.of(editor.coco(), a.categoryId()).position(k, b);
            editor.setKeypoint(annotationId, k, at[0], at[1], v, label);
        } else {
            editor.setKeypoint(annotationId, k, kp[3 * k], kp[3 * k + 1], v, label);
        }
    }

    /** The category's keypoint layout ({@link KeypointTemplate#of}: dataset mean, COCO person, evenly spaced). */
    public KeypointTemplate keypointTemplate(long categoryId) {
        return KeypointTemplate.of(editor.coco(), categoryId);
    }

    /**
     * Places the category's whole skeleton on an annotation: keypoint k at {@link KeypointTemplate#position} in
     * {@code box} (x, y, w, h; null: the annotation's bbox), clipped to the image, visible (v = 2). With
     * {@code keepLabelled} the keypoints already labelled (v &gt; 0) stay and only the others are placed; otherwise
     * all are replaced. {@code num_keypoints} follows. An annotation without a bbox gets {@code box} (and, without
     * segmentation, its area).
     *
     * @throws IllegalArgumentException when the category has no keypoints, or there is no box
     */
    public void placeKeypoints(long annotationId, double[] box, boolean keepLabelled, String label) {
        CocoAnnotation a = editor.annotation(annotationId);
        CocoImage im = editor.image(a.imageId());
        CocoAnnotation b = a.withId(a.id());
        if (box == null) box = a.bbox();
        else box = AnnotationEditor.imageBox(box, im);
        if (box == null) throw new IllegalArgumentException("annotation " + annotationId + " has no box");
        if (a.bbox() == null) {
            b.setBbox(box);
            if (a.segmentation() == null) b.setArea(box[2] * box[3]);
        }
        KeypointTemplate t = KeypointTemplate.of(editor.coco(), a.categoryId());
        double[] kp = skeleton(t, box, im, keepLabelled ? a.keypoints() : null);
        editor.replace(a, b.setKeypoints(kp).setNumKeypoints(AnnotationEditor.labelled(kp)), label);
    }

    /**
     * A new instance of a keypoint category: box {@code box} (clipped to the image, at least 1 px), area the box's,
     * {@code iscrowd} 0, no segmentation, and the category's skeleton placed in the box as by {@link #placeKeypoints}
     * (all keypoints visible, {@code num_keypoints} their number). Returns the new id.
     */
    public long addKeypointInstance(long imageId, long categoryId, double[] box, String label) {
        CocoImage im = editor.image(imageId);
        KeypointTemplate t = KeypointTemplate.of(editor.coco(), categoryId);
        double[] b = AnnotationEditor.imageBox(box, im);
        double[] kp = skeleton(t, b, im, null);
        CocoAnnotation a = new CocoAnnotation(editor.newId(), imageId, categoryId)
                .setArea(b[2] * b[3])
                .setBbox(b)
                .setIscrowd(0)
                .setKeypoints(kp)
                .setNumKeypoints(t.size());
        editor.add(a, label, null);
        return a.id();
    }

    /**
     * The template's keypoints in the box, clipped to the image, visible (v = 2); keypoints labelled in {@code keep}
     * (may be null) stay as they are.
     */
    private static double[] skeleton(KeypointTemplate t, double[] box, CocoImage im, double[] keep) {
        double[] kp = new double[3 * t.size()];
        for (int k = 0; k < t.size(); k++) {
            if (keep != null && 3 * k + 2 < keep.length && keep[3 * k + 2] > 0) {
                System.arraycopy(keep, 3 * k, kp, 3 * k, 3);
                continue;
            }
            double[] at = t.position(k, box);
            kp[3 * k] = AnnotationEditor.clamp(at[0], 0, im.width());
            kp[3 * k + 1] = AnnotationEditor.clamp(at[1], 0, im.height());
            kp[3 * k + 2] = 2;
        }
        return kp;
    }
}
