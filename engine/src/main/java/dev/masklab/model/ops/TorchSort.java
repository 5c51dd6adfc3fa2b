package dev.masklab.model.ops;

import java.util.Arrays;

/**
 * Descending arg-sort of float scores in plain Java, used where torchvision sorts scores on the CPU
 * ({@code scores.sort(0, descending=True)} inside NMS, {@code batched_nms}'s final ordering).
 *
 * <p>Ties are broken by ascending index (a stable sort). That is what torch's CPU sort returns for
 * small inputs; for large inputs torch 1.13's non-stable CPU sort may order exact ties differently
 * (measured: not stable at 5000 elements), which only matters for bit-identical scores.
 * NaN scores are ordered first (as torch's descending sort does).
 */
public final class TorchSort {
  private TorchSort() {}

  /** Indices of {@code values} ordered by value descending, ties by ascending index. */
  public static int[] argsortDescending(float[] values) {
    return argsortDescending(values, values.length);
  }

  /** Same as {@link #argsortDescending(float[])} over the first {@code n} values. */
  public static int[] argsortDescending(float[] values, int n) {
    // pack (descending-ordered key, index) into one long so a primitive sort does the work
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = ((long) descendingKey(values[i]) << 32) | (i & 0xffffffffL);
    }
    Arrays.sort(packed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) packed[i];
    }
    return order;
  }

  /** A signed int whose ascending order is the float's descending order (NaN first, -0 == +0). */
  static int descendingKey(float v) {
    if (Float.isNaN(v)) {
      return Integer.MIN_VALUE;
    }
    if (v == 0f) {
      v = 0f; // -0.0 and 0.0 compare equal in torch
    }
    int bits = Float.floatToIntBits(v);
    // monotone map float -> int (ascending), then negate the order
    int asc = bits >= 0 ? bits : bits ^ 0x7fffffff;
    return asc == Integer.MIN_VALUE ? Integer.MAX_VALUE : -asc;
  }
}
