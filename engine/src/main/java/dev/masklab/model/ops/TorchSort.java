package dev.masklab.model.ops;

/**
 * Descending arg-sorts of float scores that reproduce torch's CPU orders including the order of equal scores:
 * {@link #argsortDescendingStable} for {@code sort(stable=True, descending=True)} (torchvision 0.14's NMS kernel;
 * measured: 5000 tied disjoint boxes come out in index order) and {@link #argsortDescending} for the default
 * {@code sort(descending=True)} (the final ordering of {@code batched_nms}'s per-class path).
 *
 * <p>torch 1.13's CPU sort (stable=False) runs libstdc++'s {@code std::sort} (introsort: median-of-three
 * quicksort down to 16-element runs, heap sort past depth 2*log2(n), final insertion sort) over (value, index)
 * pairs with the comparator "a is NaN and b is not, or a > b". Equal scores therefore come out in an order that is
 * not the index order once there are more than 16 of them; this class runs the same algorithm so that NMS keeps
 * the same box among equal-scored ones. Verified against torch on 300 random tie-heavy arrays (5 to 20000
 * values) with a Python transcription of this code: identical permutations.
 */
public final class TorchSort {
    private static final int THRESHOLD = 16;

    private TorchSort() {}

    /** Indices ordered by value descending, equal values by ascending index (NaN first). */
    public static int[] argsortDescendingStable(float[] values) {
        int n = values.length;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((long) descendingKey(values[i]) << 32) | (i & 0xffffffffL);
        }
        java.util.Arrays.sort(packed);
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
            v = 0f;
        }
        int bits = Float.floatToIntBits(v);
        int asc = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return -asc;
    }

    /** Indices of {@code values} in torch's default (non-stable) descending sort order. */
    public static int[] argsortDescending(float[] values) {
        return argsortDescending(values, values.length);
    }

    /** Same as {@link #argsortDescending(float[])} over the first {@code n} values. */
    public static int[] argsortDescending(float[] values, int n) {
        float[] v = new float[n];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = values[i];
            idx[i] = i;
        }
        new Sorter(v, idx).sort();
        return idx;
    }

    /** libstdc++'s std::sort on parallel arrays (value, index). */
    private static final class Sorter {
        private final float[] v;
        private final int[] ix;

        Sorter(float[] v, int[] ix) {
            this.v = v;
            this.ix = ix;
        }

        /** comp(a, b): a goes before b. */
        private static boolean before(float a, float b) {
            return (Float.isNaN(a) && !Float.isNaN(b)) || a > b;
        }

        private boolean before(int i, int j) {
            return before(v[i], v[j]);
        }

        private void swap(int i, int j) {
            float tv = v[i];
            v[i] = v[j];
            v[j] = tv;
            int ti = ix[i];
            ix[i] = ix[j];
            ix[j] = ti;
        }

        void sort() {
            int n = v.length;
            if (n > 1) {
                introsort(0, n, 2 * (31 - Integer.numberOfLeadingZeros(n)));
                if (n > THRESHOLD) {
                    insertion(0, THRESHOLD);
                    unguardedInsertion(THRESHOLD, n);
                } else {
                    insertion(0, n);
                }
            }
        }

        private void introsort(int first, int last, int depth) {
            while (last - first > THRESHOLD) {
                if (depth == 0) {
                    heapSort(first, last);
                    return;
                }
                depth--;
                int mid = first + (last - first) / 2;
                moveMedianToFirst(first, first + 1, mid, last - 1);
                int cut = unguardedPartition(first + 1, last, first);
                introsort(cut, last, depth);
                last = cut;
            }
        }

        private void moveMedianToFirst(int result, int a, int b, int c) {
            if (before(a, b)) {
                if (before(b, c)) {
                    swap(result, b);
                } else if (before(a, c)) {
                    swap(result, c);
                } else {
                    swap(result, a);
                }
            } else if (before(a, c)) {
                swap(result, a);
            } else if (before(b, c)) {
                swap(result, c);
            } else {
                swap(result, b);
            }
        }

        private int unguardedPartition(int first, int last, int pivot) {
            while (true) {
                while (before(first, pivot)) {
                    first++;
                }
                last--;
                while (before(pivot, last)) {
                    last--;
                }
                if (!(first < last)) {
                    return first;
                }
                swap(first, last);
                first++;
            }
        }

        private void insertion(int first, int last) {
            for (int i = first + 1; i < last; i++) {
                float val = v[i];
                int vi = ix[i];
                if (before(val, v[first])) {
                    System.arraycopy(v, first, v, first + 1, i - first);
                    System.arraycopy(ix, first, ix, first + 1, i - first);
                    v[first] = val;
                    ix[first] = vi;
                } else {
                    unguardedLinearInsert(i);
                }
            }
        }

        private void unguardedInsertion(int first, int last) {
            for (int i = first; i < last; i++) {
                unguardedLinearInsert(i);
            }
        }

        private void unguardedLinearInsert(int last) {
            float val = v[last];
            int vi = ix[last];
            int next = last - 1;
            while (before(val, v[next])) {
                v[last] = v[next];
                ix[last] = ix[next];
                last = next;
                next--;
            }
            v[last] = val;
            ix[last] = vi;
        }

        private void heapSort(int first, int last) {
            int len = last - first;
            if (len >= 2) {
                for (int parent = (len - 2) / 2; ; parent--) {
                    adjustHeap(first, parent, len, v[first + parent], ix[first + parent]);
                    if (parent == 0) {
                        break;
                    }
                }
            }
            while (last - first > 1) {
                last--;
                float val = v[last];
                int vi = ix[last];
                v[last] = v[first];
                ix[last] = ix[first];
                adjustHeap(first, 0, last - first, val, vi);
            }
        }

        private void adjustHeap(int first, int hole, int len, float val, int vi) {
            int top = hole;
            int child = hole;
            while (child < (len - 1) / 2) {
                child = 2 * (child + 1);
                if (before(first + child, first + child - 1)) {
                    child--;
                }
                v[first + hole] = v[first + child];
                ix[first + hole] = ix[first + child];
                hole = child;
            }
            if ((len & 1) == 0 && child == (len - 2) / 2) {
                child = 2 * (child + 1);
                v[first + hole] = v[first + child - 1];
                ix[first + hole] = ix[first + child - 1];
                hole = child - 1;
            }
            int parent = (hole - 1) / 2;
            while (hole > top && before(v[first + parent], val)) {
                v[first + hole] = v[first + parent];
                ix[first + hole] = ix[first + parent];
                hole = parent;
                parent = (hole - 1) / 2;
            }
            v[first + hole] = val;
            ix[first + hole] = vi;
        }
    }
}
