package dev.masklab.synth;

import java.util.List;

/**
 * The categories the synthetic generator draws. Category ids are deliberately not contiguous (1, 2, 3, 5, 7, 9)
 * so that every consumer has to map ids to contiguous class indices instead of using them directly.
 */
public enum ShapeKind {
    CIRCLE(1, "circle", "shape"),
    TRIANGLE(2, "triangle", "shape"),
    SQUARE(3, "square", "shape"),
    STAR(5, "star", "shape"),
    HEXAGON(7, "hexagon", "shape"),
    /** A stick figure (mannequin) annotated with the 17 COCO person keypoints and the COCO skeleton. */
    FIGURE(9, "figure", "person");

    /** The 17 COCO person keypoint names, in COCO order. */
    public static final List<String> KEYPOINT_NAMES = dev.masklab.coco.KeypointTemplate.COCO_PERSON_KEYPOINTS;

    /** The COCO person skeleton: 1-based keypoint index pairs. */
    public static final int[][] SKELETON = {
        {16, 14}, {14, 12}, {17, 15}, {15, 13}, {12, 13}, {6, 12}, {7, 13}, {6, 7}, {6, 8}, {7, 9}, {8, 10}, {9, 11},
        {2, 3}, {1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}
    };

    /** The plain shapes (everything but the figure). */
    public static final List<ShapeKind> SHAPES = List.of(CIRCLE, TRIANGLE, SQUARE, STAR, HEXAGON);

    private final int categoryId;
    private final String categoryName;
    private final String supercategory;

    ShapeKind(int categoryId, String categoryName, String supercategory) {
        this.categoryId = categoryId;
        this.categoryName = categoryName;
        this.supercategory = supercategory;
    }

    public int categoryId() {
        return categoryId;
    }

    public String categoryName() {
        return categoryName;
    }

    public String supercategory() {
        return supercategory;
    }

    public boolean hasKeypoints() {
        return this == FIGURE;
    }

    public static ShapeKind byCategoryId(int id) {
        for (ShapeKind k : values()) if (k.categoryId == id) return k;
        throw new IllegalArgumentException("no synthetic category with id " + id);
    }
}
