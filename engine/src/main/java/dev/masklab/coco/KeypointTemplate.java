package dev.masklab.coco;

import java.util.List;

/**
 * Where each keypoint of a keypoint category goes inside an instance's box, as fractions of the box: keypoint k at
 * (x + u_k * w, y + v_k * h) for the box (x, y, w, h). Used to place a whole skeleton at once, then drag each point.
 *
 * <p>Per keypoint, the first source that applies ({@link Source}):
 * <ol>
 * <li>{@code DATASET_MEAN}: the mean of (kx - bx) / bw, (ky - by) / bh over the category's non-crowd annotations
 *     with a box of positive size and that keypoint labelled (v &gt; 0);</li>
 * <li>{@code COCO_PERSON}: for a category whose keypoint names are COCO's 17 person keypoints (nose, left_eye, ...),
 *     a fixed upright person facing the viewer (its left side on the image's right);</li>
 * <li>{@code EVENLY_SPACED}: keypoint k of K on an ellipse inscribed in the box (radii 0.4 w, 0.4 h), starting at
 *     the top and going clockwise: u = 0.5 + 0.4 sin(2 pi k / K), v = 0.5 - 0.4 cos(2 pi k / K).</li>
 * </ol>
 *
 * @param layout per keypoint u, v (2 K numbers)
 * @param source per keypoint, where its u, v come from (K entries)
 */
public record KeypointTemplate(double[] layout, Source[] source) {
    /** Where a keypoint's position in the template comes from. */
    public enum Source {
        DATASET_MEAN,
        COCO_PERSON,
        EVENLY_SPACED
    }

    /** COCO's person keypoint names, in COCO's order. */
    public static final List<String> COCO_PERSON_KEYPOINTS = List.of(
            "nose",
            "left_eye",
            "right_eye",
            "left_ear",
            "right_ear",
            "left_shoulder",
            "right_shoulder",
            "left_elbow",
            "right_elbow",
            "left_wrist",
            "right_wrist",
            "left_hip",
            "right_hip",
            "left_knee",
            "right_knee",
            "left_ankle",
            "right_ankle");

    /** u, v of {@link #COCO_PERSON_KEYPOINTS}: an upright person facing the viewer, filling the box. */
    private static final double[] COCO_PERSON_LAYOUT = {
        0.50, 0.08, // nose
        0.54, 0.06, 0.46, 0.06, // eyes
        0.58, 0.07, 0.42, 0.07, // ears
        0.68, 0.20, 0.32, 0.20, // shoulders
        0.78, 0.36, 0.22, 0.36, // elbows
        0.82, 0.50, 0.18, 0.50, // wrists
        0.62, 0.52, 0.38, 0.52, // hips
        0.62, 0.74, 0.38, 0.74, // knees
        0.62, 0.96, 0.38, 0.96, // ankles
    };

    public KeypointTemplate {
        layout = layout.clone();
        source = source.clone();
    }

    @Override
    public double[] layout() {
        return layout.clone();
    }

    @Override
    public Source[] source() {
        return source.clone();
    }

    /** Number of keypoints. */
    public int size() {
        return source.length;
    }

    /**
     * The template of a category (see the class comment for the sources).
     *
     * @throws IllegalArgumentException when the dataset has no such category or the category has no keypoints
     */
    public static KeypointTemplate of(CocoDataset coco, long categoryId) {
        CocoCategory c = coco.category(categoryId);
        if (c == null) throw new IllegalArgumentException("the dataset has no category " + categoryId);
        if (c.keypoints() == null || c.keypoints().isEmpty()) {
            throw new IllegalArgumentException("category " + categoryId + " has no keypoints");
        }
        int k = c.keypoints().size();
        double[] sum = new double[2 * k];
        int[] count = new int[k];
        for (CocoAnnotation a : coco.annotations()) {
            if (a.categoryId() != categoryId || a.isCrowd()) continue;
            double[] b = a.bboxRef();
            double[] kp = a.keypointsRef();
            if (b == null || kp == null || !(b[2] > 0) || !(b[3] > 0)) continue;
            for (int i = 0; i < k && 3 * i + 2 < kp.length; i++) {
                if (!(kp[3 * i + 2] > 0)) continue;
                sum[2 * i] += (kp[3 * i] - b[0]) / b[2];
                sum[2 * i + 1] += (kp[3 * i + 1] - b[1]) / b[3];
                count[i]++;
            }
        }
        boolean person = c.keypoints().equals(COCO_PERSON_KEYPOINTS);
        double[] layout = new double[2 * k];
        Source[] source = new Source[k];
        for (int i = 0; i < k; i++) {
            if (count[i] > 0) {
                layout[2 * i] = sum[2 * i] / count[i];
                layout[2 * i + 1] = sum[2 * i + 1] / count[i];
                source[i] = Source.DATASET_MEAN;
            } else if (person) {
                layout[2 * i] = COCO_PERSON_LAYOUT[2 * i];
                layout[2 * i + 1] = COCO_PERSON_LAYOUT[2 * i + 1];
                source[i] = Source.COCO_PERSON;
            } else {
                double t = 2 * Math.PI * i / k;
                layout[2 * i] = 0.5 + 0.4 * Math.sin(t);
                layout[2 * i + 1] = 0.5 - 0.4 * Math.cos(t);
                source[i] = Source.EVENLY_SPACED;
            }
        }
        return new KeypointTemplate(layout, source);
    }

    /** Keypoint k's position in the box (x, y, w, h): {x + u_k * w, y + v_k * h}. */
    public double[] position(int k, double[] box) {
        return new double[] {box[0] + layout[2 * k] * box[2], box[1] + layout[2 * k + 1] * box[3]};
    }
}
