package dev.masklab.review;

import dev.masklab.coco.CocoResult;
import dev.masklab.coco.Segmentation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of one prediction, independent of where it stands in a results file: a hash of what the model said
 * (image, category, score, box, mask, keypoints). The same prediction read again from the same or a merged results
 * file has the same key, so a review decision follows it; a new run that predicts something else gets new keys.
 * The {@code id} that {@code loadRes} assigns (a position) and the derived {@code area} are deliberately not part of
 * it.
 *
 * @param value 32 lower-case hex digits (the first 128 bits of SHA-256 over the prediction's canonical text)
 */
public record PredictionKey(String value) {

    public PredictionKey {
        if (value == null
                || value.length() != 32
                || !value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("a prediction key is 32 lower-case hex digits");
        }
    }

    /** The key of {@code r}. */
    public static PredictionKey of(CocoResult r) {
        StringBuilder s = new StringBuilder(256);
        s.append(r.imageId()).append('|').append(r.categoryId()).append('|').append(Double.toString(r.score()));
        s.append("|b");
        appendAll(s, r.bbox());
        s.append("|s");
        switch (r.segmentation()) {
            case null -> {}
            case Segmentation.CompressedRle c ->
                s.append('c')
                        .append(c.h())
                        .append('x')
                        .append(c.w())
                        .append(':')
                        .append(c.counts());
            case Segmentation.UncompressedRle u -> {
                s.append('u').append(u.h()).append('x').append(u.w()).append(':');
                for (int c : u.counts()) s.append(c).append(',');
            }
            case Segmentation.Polygons p -> {
                for (double[] poly : p.polygonsView()) {
                    s.append('p');
                    appendAll(s, poly);
                }
            }
        }
        s.append("|k");
        appendAll(s, r.keypoints());
        return new PredictionKey(sha256Prefix(s.toString()));
    }

    private static void appendAll(StringBuilder s, double[] values) {
        if (values == null) return;
        for (double v : values) s.append(Double.toString(v)).append(',');
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
