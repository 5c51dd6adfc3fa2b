package dev.masklab.app.model;

/** COCO's object size classes, by area in pixels: small &lt; 32², medium &lt; 96², large otherwise. */
public enum SizeClass {
    SMALL("small"),
    MEDIUM("medium"),
    LARGE("large");

    private final String label;

    SizeClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static SizeClass of(double area) {
        if (area < 32 * 32) return SMALL;
        if (area < 96 * 96) return MEDIUM;
        return LARGE;
    }
}
