package dev.masklab.train;

import java.util.Arrays;
import java.util.List;

/**
 * Horizontal flip of a training sample as torchvision's detection references do it: image and masks
 * mirrored, boxes {@code [w - x2, y1, w - x1, y2]}, keypoint x mirrored to {@code w - x}, left / right
 * keypoints swapped by a flip map, and keypoints with visibility 0 zeroed.
 */
public final class HorizontalFlip {
    /** The COCO person flip map (nose, then left/right pairs of eyes, ears, shoulders, ... ankles). */
    public static final int[] COCO_PERSON_FLIP = {0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15};

    private HorizontalFlip() {}

    /**
     * Flip map from keypoint names: "leftX" and "rightX" (e.g. "left_eye" / "right_eye") swap, every other
     * keypoint maps to itself. Falls back to {@link #COCO_PERSON_FLIP} for 17 unnamed keypoints.
     */
    public static int[] flipMap(List<String> names, int numKeypoints) {
        if (names == null || names.size() != numKeypoints) {
            if (numKeypoints == COCO_PERSON_FLIP.length) {
                return COCO_PERSON_FLIP.clone();
            }
            int[] id = new int[numKeypoints];
            Arrays.setAll(id, i -> i);
            return id;
        }
        int[] map = new int[numKeypoints];
        for (int i = 0; i < numKeypoints; i++) {
            map[i] = i;
            String n = names.get(i);
            String other = n.startsWith("left")
                    ? "right" + n.substring(4)
                    : n.startsWith("right") ? "left" + n.substring(5) : null;
            if (other != null) {
                int j = names.indexOf(other);
                if (j >= 0) {
                    map[i] = j;
                }
            }
        }
        return map;
    }

    public static TrainingSample apply(TrainingSample s, int[] keypointFlipMap) {
        int h = s.height();
        int w = s.width();
        float[] img = new float[s.image().length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    img[row + x] = s.image()[row + w - 1 - x];
                }
            }
        }
        float[] b = s.boxes();
        float[] boxes = new float[b.length];
        for (int i = 0; i < b.length / 4; i++) {
            boxes[4 * i] = w - b[4 * i + 2];
            boxes[4 * i + 1] = b[4 * i + 1];
            boxes[4 * i + 2] = w - b[4 * i];
            boxes[4 * i + 3] = b[4 * i + 3];
        }
        byte[][] masks = null;
        if (s.masks() != null) {
            masks = new byte[s.masks().length][];
            for (int i = 0; i < masks.length; i++) {
                byte[] src = s.masks()[i];
                byte[] dst = new byte[src.length];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[y * w + x] = src[y * w + w - 1 - x];
                    }
                }
                masks[i] = dst;
            }
        }
        float[] kps = null;
        if (s.keypoints() != null) {
            int k = s.numKeypoints();
            if (keypointFlipMap.length != k) {
                throw new IllegalArgumentException(
                        "flip map for " + keypointFlipMap.length + " keypoints, sample has " + k);
            }
            float[] src = s.keypoints();
            kps = new float[src.length];
            for (int i = 0; i < s.size(); i++) {
                for (int j = 0; j < k; j++) {
                    int from = (i * k + keypointFlipMap[j]) * 3;
                    int to = (i * k + j) * 3;
                    if (src[from + 2] != 0) {
                        kps[to] = w - src[from];
                        kps[to + 1] = src[from + 1];
                        kps[to + 2] = src[from + 2];
                    }
                }
            }
        }
        return new TrainingSample(s.imageId(), h, w, img, boxes, s.labels().clone(), masks, kps, s.numKeypoints());
    }
}
