package dev.masklab.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What COCO evaluation compares: boxes, masks or keypoints (pycocotools' {@code iouType}). */
public enum IouType {
    BBOX("bbox"),
    SEGM("segm"),
    KEYPOINTS("keypoints");

    private final String cocoName;

    IouType(String cocoName) {
        this.cocoName = cocoName;
    }

    /** The name pycocotools uses ({@code bbox}, {@code segm}, {@code keypoints}). */
    public String cocoName() {
        return cocoName;
    }

    /** Parses a pycocotools name, case-insensitively; the message lists the accepted names. */
    public static IouType parse(String name) {
        for (IouType t : values()) {
            if (t.cocoName.equals(name.toLowerCase(Locale.ROOT))) return t;
        }
        throw new IllegalArgumentException("unknown iou type '" + name + "' (expected one of "
                + Arrays.stream(values()).map(IouType::cocoName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return cocoName;
    }
}
