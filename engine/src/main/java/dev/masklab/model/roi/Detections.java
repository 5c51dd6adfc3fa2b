package dev.masklab.model.roi;

/**
 * One image's detections after box post-processing, ordered by score descending (torchvision's order): flat xyxy
 * {@code boxes} (4 values per detection), {@code scores} and class {@code labels} (1..numClasses-1).
 */
public record Detections(float[] boxes, float[] scores, int[] labels) {
    public Detections {
        if (boxes.length != 4 * scores.length || labels.length != scores.length) {
            throw new IllegalArgumentException("detections: " + boxes.length + " box values, " + scores.length
                    + " scores, " + labels.length + " labels");
        }
    }

    public int size() {
        return scores.length;
    }

    /** The box of detection {@code i} as {x1, y1, x2, y2}. */
    public float[] box(int i) {
        return new float[] {boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]};
    }

    public static Detections empty() {
        return new Detections(new float[0], new float[0], new int[0]);
    }
}
