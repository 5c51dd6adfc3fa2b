package dev.masklab.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code annotations}. The id and image id are fixed (the dataset indexes by them); the other known fields
 * can be changed. Absent fields are null. Unknown fields, and known fields whose value is JSON null, are kept verbatim
 * in {@link #extra()} so that a read/write round trip gives the same JSON. A known field whose value the reader could
 * not use (a bbox with a NaN, a segmentation with a broken polygon: see {@link CocoReader}) is kept as it was in the
 * file in {@link #unread()} and written back unchanged, until the program sets that field.
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
    /** Known fields the reader could not use, as in the file; null when none (the usual case). */
    private Map<String, JsonNode> unread;
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
        CocoAnnotation a =
                new CocoAnnotation(newId, imageId, categoryId, extra == null ? null : new LinkedHashMap<>(extra));
        a.segmentation = segmentation;
        a.area = area;
        a.bbox = bbox == null ? null : bbox.clone();
        a.iscrowd = iscrowd;
        a.keypoints = keypoints == null ? null : keypoints.clone();
        a.numKeypoints = numKeypoints;
        a.areaInt = areaInt;
        a.bboxInts = bboxInts;
        a.keypointsInts = keypointsInts;
        a.unread = unread == null ? null : new LinkedHashMap<>(unread);
        return a;
    }

    public long id() {
        return id;
    }

    public long imageId() {
        return imageId;
    }

    public long categoryId() {
        return categoryId;
    }

    public CocoAnnotation setCategoryId(long categoryId) {
        this.categoryId = categoryId;
        return this;
    }

    /** Segmentation, or null when the annotation has none. */
    public Segmentation segmentation() {
        return segmentation;
    }

    public CocoAnnotation setSegmentation(Segmentation segmentation) {
        this.segmentation = segmentation;
        forget("segmentation");
        return this;
    }

    /** {@code area}, or null when absent. */
    public Double area() {
        return area;
    }

    public CocoAnnotation setArea(Double area) {
        this.area = area;
        this.areaInt = false;
        forget("area");
        return this;
    }

    /** {@code bbox} (x, y, w, h) copy, or null when absent. */
    public double[] bbox() {
        return bbox == null ? null : bbox.clone();
    }

    public CocoAnnotation setBbox(double[] bbox) {
        if (bbox != null && bbox.length != 4) throw new IllegalArgumentException("bbox needs 4 numbers");
        this.bbox = bbox == null ? null : bbox.clone();
        this.bboxInts = null;
        forget("bbox");
        return this;
    }

    /** {@code iscrowd} as in the file, or null when absent. */
    public Integer iscrowd() {
        return iscrowd;
    }

    /** True when {@code iscrowd} is present and non-zero. */
    public boolean isCrowd() {
        return iscrowd != null && iscrowd != 0;
    }

    public CocoAnnotation setIscrowd(Integer iscrowd) {
        this.iscrowd = iscrowd;
        return this;
    }

    /** Keypoints [x, y, v, ...] copy, or null when absent. */
    public double[] keypoints() {
        return keypoints == null ? null : keypoints.clone();
    }

    public CocoAnnotation setKeypoints(double[] keypoints) {
        this.keypoints = keypoints == null ? null : keypoints.clone();
        this.keypointsInts = null;
        forget("keypoints");
        return this;
    }

    /** {@code num_keypoints}, or null when absent. */
    public Integer numKeypoints() {
        return numKeypoints;
    }

    public CocoAnnotation setNumKeypoints(Integer numKeypoints) {
        this.numKeypoints = numKeypoints;
        return this;
    }

    /** Unknown fields in file order; mutable. */
    public Map<String, JsonNode> extra() {
        if (extra == null) extra = new LinkedHashMap<>();
        return extra;
    }

    /**
     * Known fields ({@code segmentation}, {@code area}, {@code bbox}, {@code keypoints}) whose value in the file could
     * not be used, as they were in the file (read-only; empty when none). The writer writes them instead of the
     * field's value; setting the field drops its entry. Programs that rewrite annotations wholesale (e.g.
     * {@code masklab convert}) leave annotations with unread fields unchanged.
     */
    public Map<String, JsonNode> unread() {
        return unread == null ? Map.of() : java.util.Collections.unmodifiableMap(unread);
    }

    /** Keeps a field the reader could not use, as it was in the file. */
    void keepUnread(String field, JsonNode raw) {
        if (unread == null) unread = new LinkedHashMap<>();
        unread.put(field, raw);
    }

    /** The raw value of an unread field, or null. */
    JsonNode unreadOrNull(String field) {
        return unread == null ? null : unread.get(field);
    }

    private void forget(String field) {
        if (unread != null && unread.remove(field) != null && unread.isEmpty()) unread = null;
    }

    /** The unknown fields, or null when there are none (no allocation). */
    Map<String, JsonNode> extraOrNull() {
        return extra;
    }

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

    double[] bboxRef() {
        return bbox;
    }

    double[] keypointsRef() {
        return keypoints;
    }

    @Override
    public String toString() {
        return "CocoAnnotation[" + id + ", image " + imageId + ", category " + categoryId + "]";
    }
}
