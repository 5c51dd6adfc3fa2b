package dev.masklab.app.evaluation;

/**
 * What the evaluation made of one detection or ground truth at one IoU threshold, with the colour the errors layer
 * draws it in. The colours are from Okabe and Ito's palette for colour-vision deficiencies (sky blue, vermillion,
 * yellow, grey), so true positives, false positives and false negatives stay apart for deuteranopes and protanopes
 * too, and none of them is the white / amber of the selection mark.
 */
public enum ErrorOutcome {
    /** A detection matched to a ground truth, or a ground truth matched by a detection. */
    TRUE_POSITIVE("TP", "true positive", 0x56B4E9),
    /** A detection matched to no ground truth. */
    FALSE_POSITIVE("FP", "false positive", 0xD55E00),
    /** A ground truth no detection matched. */
    FALSE_NEGATIVE("FN", "false negative", 0xF0E442),
    /**
     * Counted nowhere: a crowd (or, for keypoints, keypoint-less) ground truth, a detection matched to one, and a
     * detection beyond the per-image maximum.
     */
    IGNORED("ignored", "ignored", 0x999999);

    private final String shortName;
    private final String longName;
    private final int rgb;

    ErrorOutcome(String shortName, String longName, int rgb) {
        this.shortName = shortName;
        this.longName = longName;
        this.rgb = rgb;
    }

    /** "TP", "FP", "FN" or "ignored". */
    public String shortName() {
        return shortName;
    }

    /** "true positive", ... */
    public String longName() {
        return longName;
    }

    /** The layer's colour, 0xRRGGBB. */
    public int rgb() {
        return rgb;
    }
}
