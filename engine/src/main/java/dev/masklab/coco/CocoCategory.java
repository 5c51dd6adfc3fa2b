package dev.masklab.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code categories}: id, name, supercategory and, for keypoint categories, the keypoint names and the
 * skeleton (pairs of 1-based keypoint indices, as in COCO). Other fields are kept in {@link #extra()}.
 */
public final class CocoCategory {
    private final long id;
    private final String name;
    private final String supercategory;
    private final List<String> keypoints;
    private final int[][] skeleton;
    private final Map<String, JsonNode> extra;

    public CocoCategory(long id, String name, String supercategory) {
        this(id, name, supercategory, null, null, new LinkedHashMap<>());
    }

    /**
     * @param keypoints keypoint names or null when the category has none
     * @param skeleton  pairs of 1-based keypoint indices or null
     */
    public CocoCategory(
            long id,
            String name,
            String supercategory,
            List<String> keypoints,
            int[][] skeleton,
            Map<String, JsonNode> extra) {
        this.id = id;
        this.name = name;
        this.supercategory = supercategory;
        this.keypoints = keypoints == null ? null : List.copyOf(keypoints);
        if (skeleton != null) {
            this.skeleton = new int[skeleton.length][];
            for (int i = 0; i < skeleton.length; i++) this.skeleton[i] = skeleton[i].clone();
        } else {
            this.skeleton = null;
        }
        this.extra = extra;
    }

    public long id() {
        return id;
    }

    /** Name; null when absent in the file. */
    public String name() {
        return name;
    }

    /** Supercategory; null when absent. */
    public String supercategory() {
        return supercategory;
    }

    /** Keypoint names, or null when the category has no {@code keypoints} field. */
    public List<String> keypoints() {
        return keypoints;
    }

    /** Skeleton as pairs of 1-based keypoint indices (a copy), or null when absent. */
    public int[][] skeleton() {
        if (skeleton == null) return null;
        int[][] copy = new int[skeleton.length][];
        for (int i = 0; i < skeleton.length; i++) copy[i] = skeleton[i].clone();
        return copy;
    }

    /** Unknown fields in file order; mutable. */
    public Map<String, JsonNode> extra() {
        return extra;
    }

    @Override
    public String toString() {
        return "CocoCategory[" + id + ", " + name + "]";
    }
}
