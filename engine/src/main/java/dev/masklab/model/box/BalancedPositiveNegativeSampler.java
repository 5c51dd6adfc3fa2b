package dev.masklab.model.box;

import java.util.Random;

/**
 * Samples a fixed-size batch of positives and negatives per image, as torchvision 0.14's
 * {@code det_utils.BalancedPositiveNegativeSampler}: at most {@code (int)(batchPerImage * positiveFraction)}
 * positives (label >= 1), the rest negatives (label == 0), labels -1 ignored, each chosen uniformly at random.
 *
 * <p>The random choice uses the given {@link Random} (deterministic for a seed) and cannot reproduce torch's
 * {@code randperm} stream. When there are fewer candidates than the quotas, every positive / negative is
 * selected and the result is independent of the random source (the case the parity references use).
 */
public final class BalancedPositiveNegativeSampler {
    private final int batchPerImage;
    private final float positiveFraction;
    private final Random random;

    /** Result per image: selection masks over the candidates. */
    public record Selection(boolean[] positive, boolean[] negative) {
        public int positives() {
            return count(positive);
        }

        public int negatives() {
            return count(negative);
        }

        private static int count(boolean[] b) {
            int c = 0;
            for (boolean x : b) {
                if (x) {
                    c++;
                }
            }
            return c;
        }
    }

    public BalancedPositiveNegativeSampler(int batchPerImage, float positiveFraction, Random random) {
        if (batchPerImage <= 0 || positiveFraction < 0 || positiveFraction > 1) {
            throw new IllegalArgumentException(
                    "sampler: batch " + batchPerImage + ", positive fraction " + positiveFraction);
        }
        this.batchPerImage = batchPerImage;
        this.positiveFraction = positiveFraction;
        this.random = random;
    }

    /** Samples one image's labels (-1 ignore, 0 negative, >= 1 positive). */
    public Selection sample(int[] labels) {
        int nPos = 0;
        int nNeg = 0;
        for (int l : labels) {
            if (l >= 1) {
                nPos++;
            } else if (l == 0) {
                nNeg++;
            }
        }
        int[] pos = new int[nPos];
        int[] neg = new int[nNeg];
        int a = 0;
        int b = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 1) {
                pos[a++] = i;
            } else if (labels[i] == 0) {
                neg[b++] = i;
            }
        }
        int numPos = Math.min(nPos, (int) (batchPerImage * (double) positiveFraction));
        int numNeg = Math.min(nNeg, batchPerImage - numPos);
        boolean[] posMask = new boolean[labels.length];
        boolean[] negMask = new boolean[labels.length];
        choose(pos, numPos, posMask);
        choose(neg, numNeg, negMask);
        return new Selection(posMask, negMask);
    }

    /** Marks {@code k} of {@code candidates} chosen uniformly (partial Fisher-Yates; all of them when k == n). */
    private void choose(int[] candidates, int k, boolean[] mask) {
        int n = candidates.length;
        if (k >= n) {
            for (int c : candidates) {
                mask[c] = true;
            }
            return;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = t;
            mask[candidates[i]] = true;
        }
    }
}
