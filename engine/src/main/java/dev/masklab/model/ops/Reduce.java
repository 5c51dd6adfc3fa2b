package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * Reductions over several axes at once. DJL 0.32's PyTorch engine supports several axes only for {@code sum}; its
 * {@code mean}, {@code max}, {@code min} and {@code prod} throw "Only 1 axis is support!" (measured), so these
 * reduce one axis at a time (from the last axis down, so the remaining axis numbers stay valid). Differentiable.
 */
public final class Reduce {
    private Reduce() {}

    public static NDArray sum(NDArray a, boolean keepDims, int... axes) {
        return a.sum(normalize(a, axes), keepDims);
    }

    /** Mean over the axes (sum divided by the number of reduced elements). */
    public static NDArray mean(NDArray a, boolean keepDims, int... axes) {
        int[] ax = normalize(a, axes);
        long count = 1;
        for (int x : ax) {
            count *= a.getShape().get(x);
        }
        NDArray s = a.sum(ax, keepDims);
        NDArray r = Autograd.div(s, (float) count); // not div(Number): see Autograd.mul
        s.close();
        return r;
    }

    public static NDArray max(NDArray a, boolean keepDims, int... axes) {
        return oneByOne(a, keepDims, normalize(a, axes), 0);
    }

    public static NDArray min(NDArray a, boolean keepDims, int... axes) {
        return oneByOne(a, keepDims, normalize(a, axes), 1);
    }

    public static NDArray prod(NDArray a, boolean keepDims, int... axes) {
        return oneByOne(a, keepDims, normalize(a, axes), 2);
    }

    private static NDArray oneByOne(NDArray a, boolean keepDims, int[] ax, int op) {
        NDArray cur = a;
        for (int i = ax.length - 1; i >= 0; i--) {
            int[] one = {ax[i]};
            NDArray next = switch (op) {
                case 0 -> cur.max(one, keepDims);
                case 1 -> cur.min(one, keepDims);
                default -> cur.prod(one, keepDims);
            };
            if (cur != a) {
                cur.close();
            }
            cur = next;
        }
        return cur == a ? a.duplicate() : cur;
    }

    /** Non-negative, sorted, distinct axes. */
    private static int[] normalize(NDArray a, int[] axes) {
        int d = a.getShape().dimension();
        int[] ax = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int x = axes[i] < 0 ? axes[i] + d : axes[i];
            if (x < 0 || x >= d) {
                throw new IllegalArgumentException(
                        "Reduce: axis " + axes[i] + " out of range for shape " + a.getShape());
            }
            ax[i] = x;
        }
        return Arrays.stream(ax).distinct().sorted().toArray();
    }
}
