package dev.masklab.model.roi;

/**
 * FPN level assignment of boxes (FPN paper eq. 1) as torchvision 0.14's {@code poolers.LevelMapper}:
 * level = floor(k0 + log2(sqrt(area) / s0) + eps), clamped to [kMin, kMax], returned relative to kMin.
 * Float32 arithmetic in torchvision's order; log2 is evaluated in double and rounded to float.
 */
public final class LevelMapper {
    public static final int CANONICAL_SCALE = 224;
    public static final int CANONICAL_LEVEL = 4;
    public static final float EPS = 1e-6f;

    private final int kMin;
    private final int kMax;
    private final int canonicalScale;
    private final int canonicalLevel;
    private final float eps;

    public LevelMapper(int kMin, int kMax, int canonicalScale, int canonicalLevel, float eps) {
        if (kMin > kMax) {
            throw new IllegalArgumentException("LevelMapper: kMin " + kMin + " > kMax " + kMax);
        }
        this.kMin = kMin;
        this.kMax = kMax;
        this.canonicalScale = canonicalScale;
        this.canonicalLevel = canonicalLevel;
        this.eps = eps;
    }

    /** k0 = 4, canonical scale 224, eps 1e-6. */
    public LevelMapper(int kMin, int kMax) {
        this(kMin, kMax, CANONICAL_SCALE, CANONICAL_LEVEL, EPS);
    }

    /**
     * Mapper for pyramid levels with the given scales (feature size / image size, powers of two, finest first), as
     * torchvision's {@code _setup_scales}: kMin = -log2(first scale), kMax = -log2(last scale).
     */
    public static LevelMapper forScales(float[] scales) {
        int kMin = (int) (float) -(Math.log(scales[0]) / Math.log(2));
        int kMax = (int) (float) -(Math.log(scales[scales.length - 1]) / Math.log(2));
        return new LevelMapper(kMin, kMax);
    }

    public int kMin() {
        return kMin;
    }

    public int kMax() {
        return kMax;
    }

    /** Level index (0 = kMin) of each xyxy box (4 values per box). */
    public int[] levels(float[] xyxy) {
        int n = xyxy.length / 4;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = level(xyxy[4 * i], xyxy[4 * i + 1], xyxy[4 * i + 2], xyxy[4 * i + 3]);
        }
        return out;
    }

    /** Level index (0 = kMin) of one box. */
    public int level(float x1, float y1, float x2, float y2) {
        float area = (x2 - x1) * (y2 - y1);
        float s = (float) Math.sqrt(area);
        float ratio = s / (float) canonicalScale;
        float log2 = (float) (Math.log(ratio) / Math.log(2));
        float target = (float) Math.floor((canonicalLevel + log2) + eps);
        target = Math.min(Math.max(target, kMin), kMax);
        return (int) target - kMin;
    }
}
