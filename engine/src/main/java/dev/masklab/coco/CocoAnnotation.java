package dev.masklab.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code annotations}. The id and image id are fixed (the dataset indexes by them); the other known fields
 * can be changed. Absent fields are null. Unknown fields, and known fields whose value is JSON null, are kept verbatim
 * in {@link #extra()} so that a read/write round trip gives the same JSON.
 */
public final class CocoAnnotation {
    private final long id;
    private final long imageId;
    private long categoryId;
    private Segmentation segmentation;
    private Double area;
    private double[] bbox;
    private Integer iscrowd;
    private double[] keypoints;
    private Integer numKeypoints;
    /** Created on first use: most annotations have no unknown fields. */
    private Map<String, JsonNode> extra;
    // which numbers were JSON integers in the source; reset when a value is replaced
    boolean areaInt;
    BitSet bboxInts;
    BitSet keypointsInts;

    public CocoAnnotation(long id, long imageId, long categoryId) {
        this(id, imageId, categoryId, null);
    }

    /** @param extra unknown fields (kept, not copied), or null for none */
    public CocoAnnotation(long id, long imageId, long categoryId, Map<String, JsonNode> extra) {
        this.id = id;
        this.imageId = imageId;
        this.categoryId = categoryId;
        this.extra = extra;
    }

    /** A copy with another id (and the same image), all fields and extras copied. */
    public CocoAnnotation withId(long newId) {
        CocoAnnotation a = new CocoAnnotation(newId, imageId, categoryId,
                extra == null ? null : new LinkedHashMap<>(extra));
        a.segmentation = segmentation;
        a.area = area;
        a.bbox = bbox == null ? null : bbox.clone();
        a.iscrowd = iscrowd;
        a.keypoints = keypoints == null ? null : keypoints.clone();
        a.numKeypoints = numKeypoints;
        a.areaInt = areaInt;
        a.bboxInts = bboxInts;
        a.keypointsInts = keypointsInts;
        return a;
    }

    public long id() { return id; }

    public long imageId() { return imageId; }

    public long categoryId() { return categoryId; }

    public CocoAnnotation setCategoryId(long categoryId) {
        this.categoryId = categoryId;
        return this;
    }

    /** Segmentation, or null when the annotation has none. */
    public Segmentation segmentation() { return segmentation; }

    public CocoAnnotation setSegmentation(Segmentation segmentation) {
        this.segmentation = segmentation;
        return this;
    }

    /** {@code area}, or null when absent. */
    public Double area() { return area; }

    public CocoAnnotation setArea(Double area) {
        this.area = area;
        this.areaInt = false;
        return this;
    }

    /** {@code bbox} (x, y, w, h) copy, or null when absent. */
    public double[] bbox() { return bbox == null ? null : bbox.clone(); }

    public CocoAnnotation setBbox(double[] bbox) {
        if (bbox != null && bbox.length != 4) throw new IllegalArgumentException("bbox needs 4 numbers");
        this.bbox = bbox == null ? null : bbox.clone();
        this.bboxInts = null;
        return this;
    }

    /** {@code iscrowd} as in the file, or null when absent. */
    public Integer iscrowd() { return iscrowd; }

    /** True when {@code iscrowd} is present and non-zero. */
    public boolean isCrowd() { return iscrowd != null && iscrowd != 0; }

    public CocoAnnotation setIscrowd(Integer iscrowd) {
        this.iscrowd = iscrowd;
        return this;
    }

    /** Keypoints [x, y, v, ...] copy, or null when absent. */
    public double[] keypoints() { return keypoints == null ? null : keypoints.clone(); }

    public CocoAnnotation setKeypoints(double[] keypoints) {
        this.keypoints = keypoints == null ? null : keypoints.clone();
        this.keypointsInts = null;
        return this;
    }

    /** {@code num_keypoints}, or null when absent. */
    public Integer numKeypoints() { return numKeypoints; }

    public CocoAnnotation setNumKeypoints(Integer numKeypoints) {
        this.numKeypoints = numKeypoints;
        return this;
    }

    /** Unknown fields in file order; mutable. */
    public Map<String, JsonNode> extra() {
        if (extra == null) extra = new LinkedHashMap<>();
        return extra;
    }

    /** The unknown fields, or null when there are none (no allocation). */
    Map<String, JsonNode> extraOrNull() { return extra; }

    // package-private setters used by the reader, keeping the integer flags and avoiding copies
    void readArea(double v, boolean isInt) {
        area = v;
        areaInt = isInt;
    }

    void readBbox(double[] v, BitSet ints) {
        bbox = v;
        bboxInts = ints;
    }

    void readKeypoints(double[] v, BitSet ints) {
        keypoints = v;
        keypointsInts = ints;
    }

    double[] bboxRef() { return bbox; }

    double[] keypointsRef() { return keypoints; }

    @Override public String toString() {
        return "CocoAnnotation[" + id + ", image " + imageId + ", category " + categoryId + "]";
    }
}
