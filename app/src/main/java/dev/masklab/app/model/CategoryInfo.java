package dev.masklab.app.model;

import java.util.List;

/**
 * One category as the app shows it.
 *
 * @param keypointNames names of the keypoints (empty when the category has none)
 * @param skeleton      pairs of 1-based keypoint indices, as in COCO's {@code skeleton}
 */
public record CategoryInfo(
        int id, String name, String supercategory, List<String> keypointNames, List<int[]> skeleton) {
    public CategoryInfo {
        keypointNames = List.copyOf(keypointNames);
        skeleton = List.copyOf(skeleton);
    }

    public boolean hasKeypoints() {
        return !keypointNames.isEmpty();
    }
}
