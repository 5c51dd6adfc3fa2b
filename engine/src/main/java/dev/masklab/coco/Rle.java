package dev.masklab.coco;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Run-length encoded binary mask, bit-compatible with pycocotools' {@code maskApi.c}.
 *
 * <p>Counts are run lengths over the mask in column-major order (down the first column, then the next), starting with
 * a run of zeros (possibly empty). Every operation here reproduces pycocotools' results exactly: polygon rasterisation
 * (5x upsampling, edge walk, down-sampling), the compressed string form, area, bounding box, merge and IoU. There is no
 * maintained Java library for the COCO mask codec, hence this implementation, written from the reference C semantics.
 *
 * <p>Instances are immutable. Masks with more than {@code Integer.MAX_VALUE} pixels are not supported.
 */
public final class Rle {
    private static final double SCALE = 5;
    /**
     * Most boundary points {@link #fromPolygon} rasterises (16 bytes each): a polygon's perimeter at 1/5 pixel; a
     * polygon inside even a 100,000-pixel-wide image stays far below unless it zigzags across it thousands of times.
     */
    public static final long MAX_BOUNDARY_POINTS = 1L << 24;

    private final int h;
    private final int w;
    /** Run lengths; never modified after construction. Package-visible for fast internal loops. */
    final int[] counts;

    private Rle(int h, int w, int[] counts) {
        this.h = h;
        this.w = w;
        this.counts = counts;
    }

    /** Height in pixels. */
    public int h() {
        return h;
    }

    /** Width in pixels. */
    public int w() {
        return w;
    }

    /** A copy of the uncompressed run lengths. */
    public int[] counts() {
        return counts.clone();
    }

    /** Number of runs. */
    public int runCount() {
        return counts.length;
    }

    // ------------------------------------------------------------------------------------------------ construction

    /**
     * Uncompressed RLE as stored in COCO files ({@code {"counts": [...], "size": [h, w]}}).
     *
     * @throws IllegalArgumentException if a count is negative or the counts do not sum to h*w
     */
    public static Rle fromCounts(int[] counts, int h, int w) {
        checkSize(h, w);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) throw new IllegalArgumentException("RLE count " + i + " is negative: " + counts[i]);
            sum += counts[i];
        }
        if (sum != (long) h * w) {
            throw new IllegalArgumentException(
                    "RLE counts sum to " + sum + " but size " + h + "x" + w + " has " + ((long) h * w) + " pixels");
        }
        return new Rle(h, w, counts.clone());
    }

    /**
     * Compressed RLE string (pycocotools {@code rleFrString}: 6 bits per character, ASCII 48..111, counts after the
     * third stored as differences to the count two places earlier).
     *
     * @throws IllegalArgumentException if the string holds characters outside the alphabet, ends in the middle of a
     *                                  number, or does not describe exactly h*w pixels
     */
    public static Rle fromString(String s, int h, int w) {
        checkSize(h, w);
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        int n = s.length();
        while (p < n) {
            // 32-bit arithmetic on purpose: the C code shifts ints, and counts are uint32.
            int x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= n) throw new IllegalArgumentException("RLE string ends inside a number at character " + p);
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException(
                            "RLE string has invalid character '" + s.charAt(p) + "' at " + p);
                }
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1 << (5 * k);
            }
            if (m > 2) x += cnts[m - 2];
            cnts[m++] = x;
        }
        return fromCounts(Arrays.copyOf(cnts, m), h, w);
    }

    /**
     * Encodes a ROW-major h*w mask (any non-zero byte counts as 1, like a numpy bool mask).
     */
    public static Rle encode(byte[] mask, int h, int w) {
        checkSize(h, w);
        if (mask.length != h * w) {
            throw new IllegalArgumentException("mask has " + mask.length + " values, expected " + h + "*" + w);
        }
        int[] cnts = new int[Math.min(h * w + 1, 1024)]; // grows with the runs, at most h*w+1
        int k = 0;
        boolean p = false;
        int c = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0, idx = x; y < h; y++, idx += w) {
                boolean v = mask[idx] != 0;
                if (v != p) {
                    if (k == cnts.length - 1) cnts = Arrays.copyOf(cnts, (int) Math.min(h * w + 1L, 2L * cnts.length));
                    cnts[k++] = c;
                    c = 0;
                    p = v;
                }
                c++;
            }
        }
        cnts[k++] = c;
        return new Rle(h, w, Arrays.copyOf(cnts, k));
    }

    /** Box (x, y, w, h) as pycocotools {@code frBbox}: rasterised as the 4-corner polygon. */
    public static Rle fromBbox(double[] xywh, int h, int w) {
        double xs = xywh[0];
        double xe = xs + xywh[2];
        double ys = xywh[1];
        double ye = ys + xywh[3];
        return fromPolygon(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, h, w);
    }

    /**
     * Polygons of one object merged into one mask, as pycocotools {@code annToRLE} does:
     * {@code merge(frPyObjects(polygons, h, w))}. Like {@code frPyObjects}, when the first polygon has exactly 4
     * numbers the whole list is read as boxes (x, y, w, h).
     */
    public static Rle fromPolygons(List<double[]> polygons, int h, int w) {
        checkSize(h, w);
        if (polygons.isEmpty()) {
            // pycocotools fails on an empty list; an empty mask is the sensible reading.
            return new Rle(h, w, new int[] {h * w});
        }
        boolean boxes = polygons.get(0).length == 4;
        Rle[] parts = new Rle[polygons.size()];
        for (int i = 0; i < parts.length; i++) {
            double[] p = polygons.get(i);
            if (boxes) {
                if (p.length != 4) {
                    throw new IllegalArgumentException("segmentation mixes boxes (4 numbers) and polygons");
                }
                parts[i] = fromBbox(p, h, w);
            } else {
                if (p.length < 4) {
                    throw new IllegalArgumentException("polygon " + i + " has " + p.length + " numbers");
                }
                parts[i] = fromPolygon(p, h, w);
            }
        }
        return merge(Arrays.asList(parts), false);
    }

    /**
     * One polygon [x0, y0, x1, y1, ...] rasterised exactly like pycocotools {@code rleFrPoly}. An odd trailing
     * coordinate is ignored (as pycocotools does).
     */
    public static Rle fromPolygon(double[] xy, int h, int w) {
        checkSize(h, w);
        int k = xy.length / 2;
        if (k == 0) return new Rle(h, w, new int[] {h * w});
        // upsample and get discrete points densely along the entire boundary
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) x[j] = (int) (SCALE * xy[j * 2] + .5);
        x[k] = x[0];
        for (int j = 0; j < k; j++) y[j] = (int) (SCALE * xy[j * 2 + 1] + .5);
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) {
            total += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        }
        if (total > MAX_BOUNDARY_POINTS) {
            throw new IllegalArgumentException("polygon too large to rasterise: its boundary has " + total
                    + " points at 1/5 pixel, more than " + MAX_BOUNDARY_POINTS + " (coordinates far outside the "
                    + w + "x" + h + " image?)");
        }
        int[] u = new int[(int) total];
        int[] v = new int[(int) total];
        int m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            if (dx >= dy) {
                // dx == dy == 0 gives 0/0 in C; the single point's v is never used there (u does not change
                // around it), so any value is equivalent: use ys.
                double s = dx == 0 ? 0 : (double) (ye - ys) / dx;
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                double s = (double) (xe - xs) / dy;
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // get points along the y-boundary and downsample
        int kk = m;
        m = 0;
        long[] a = new long[kk + 1];
        for (int j = 1; j < kk; j++) {
            if (u[j] != u[j - 1]) {
                double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
                xd = (xd + .5) / SCALE - .5;
                if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) continue;
                double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
                yd = (yd + .5) / SCALE - .5;
                if (yd < 0) yd = 0;
                else if (yd > h) yd = h;
                yd = Math.ceil(yd);
                a[m++] = (long) (int) xd * h + (int) yd;
            }
        }
        // compute the RLE given the y-boundary points
        a[m++] = (long) h * w;
        Arrays.sort(a, 0, m);
        long prev = 0;
        for (int j = 0; j < m; j++) {
            long t = a[j];
            a[j] -= prev;
            prev = t;
        }
        int[] b = new int[m];
        int j = 0;
        int n = 0;
        b[n++] = (int) a[j++];
        while (j < m) {
            if (a[j] > 0) {
                b[n++] = (int) a[j++];
            } else {
                j++;
                if (j < m) b[n - 1] += (int) a[j++];
            }
        }
        return new Rle(h, w, Arrays.copyOf(b, n));
    }

    private static void checkSize(int h, int w) {
        if (h < 0 || w < 0) throw new IllegalArgumentException("negative mask size " + h + "x" + w);
        if ((long) h * w > Integer.MAX_VALUE) throw new IllegalArgumentException("mask too large: " + h + "x" + w);
    }

    // ------------------------------------------------------------------------------------------------ conversions

    /** Compressed string form (pycocotools {@code rleToString}). */
    public String toCompressedString() {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = Integer.toUnsignedLong(counts[i]);
            if (i > 2) x -= Integer.toUnsignedLong(counts[i - 2]);
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    /** Decodes to a ROW-major h*w mask of 0/1. */
    public byte[] decode() {
        byte[] out = new byte[h * w];
        int pos = 0;
        byte v = 0;
        for (int c : counts) {
            if (v != 0) {
                for (int k = 0; k < c; k++) {
                    int p = pos + k;
                    out[(p % h) * w + p / h] = 1;
                }
            }
            pos += c;
            v = (byte) (1 - v);
        }
        return out;
    }

    /** Whether pixel (x, y) (column x, row y) is foreground; false outside the mask. */
    public boolean contains(int x, int y) {
        if (x < 0 || y < 0 || x >= w || y >= h) return false;
        long p = (long) x * h + y;
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            pos += counts[i];
            if (p < pos) return (i & 1) == 1;
        }
        return false;
    }

    /** Number of foreground pixels (pycocotools {@code area}). */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) a += counts[j];
        return a;
    }

    /** Tight bounding box (x, y, w, h) as pycocotools {@code toBbox}; all zero for an empty mask. */
    public double[] toBbox() {
        int m = (counts.length / 2) * 2;
        if (m == 0) return new double[4];
        long xs = w;
        long ys = h;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += counts[j];
            long t = cc - j % 2;
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) xp = x;
            else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    // ------------------------------------------------------------------------------------------------ set operations

    /**
     * Union (or intersection) of masks of equal size (pycocotools {@code merge}).
     *
     * @throws IllegalArgumentException if the list is empty or sizes differ (pycocotools would return a 0x0 mask)
     */
    public static Rle merge(List<Rle> rles, boolean intersect) {
        if (rles.isEmpty()) throw new IllegalArgumentException("merge of no masks");
        Rle first = rles.get(0);
        int h = first.h;
        int w = first.w;
        if (rles.size() == 1) return first;
        int[] cnts = first.counts.clone();
        int m = cnts.length;
        for (int i = 1; i < rles.size(); i++) {
            Rle bRle = rles.get(i);
            if (bRle.h != h || bRle.w != w) {
                throw new IllegalArgumentException(
                        "merge of masks with different sizes: " + h + "x" + w + " and " + bRle.h + "x" + bRle.w);
            }
            int[] aC = cnts;
            int aM = m;
            int[] bC = bRle.counts;
            int bM = bC.length;
            // every run boundary of the result is one of a's or b's: memory proportional to the runs, not h*w
            int[] out = new int[aM + bM + 1];
            long ca = aM > 0 ? aC[0] : 0;
            long cb = bM > 0 ? bC[0] : 0;
            boolean v = false;
            boolean va = false;
            boolean vb = false;
            int a = 1;
            int b = 1;
            long cc = 0;
            long ct = 1;
            m = 0;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && a < aM) {
                    ca = aC[a++];
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && b < bM) {
                    cb = bC[b++];
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) {
                    out[m++] = (int) cc;
                    cc = 0;
                }
            }
            cnts = Arrays.copyOf(out, m);
        }
        return new Rle(h, w, cnts);
    }

    /**
     * Mask IoU matrix [dt][gt] with pycocotools semantics: for a crowd gt the union is the detection's area; pairs
     * whose boxes do not overlap are 0; pairs of different mask sizes are -1.
     *
     * @param gtIsCrowd one flag per gt, or null for none crowd
     */
    public static double[][] iou(List<Rle> dt, List<Rle> gt, boolean[] gtIsCrowd) {
        checkCrowd(gt.size(), gtIsCrowd);
        int m = dt.size();
        int n = gt.size();
        double[][] o = new double[m][n];
        if (m == 0 || n == 0) return o;
        List<double[]> db = dt.stream().map(Rle::toBbox).toList();
        List<double[]> gb = gt.stream().map(Rle::toBbox).toList();
        double[][] boxIou = bboxIou(db, gb, gtIsCrowd);
        for (int g = 0; g < n; g++) {
            Rle gr = gt.get(g);
            boolean crowd = gtIsCrowd != null && gtIsCrowd[g];
            for (int d = 0; d < m; d++) {
                if (!(boxIou[d][g] > 0)) continue;
                Rle dr = dt.get(d);
                if (dr.h != gr.h || dr.w != gr.w) {
                    o[d][g] = -1;
                    continue;
                }
                int[] aC = dr.counts;
                int[] bC = gr.counts;
                int ka = aC.length;
                int kb = bC.length;
                long ca = aC[0];
                long cb = bC[0];
                boolean va = false;
                boolean vb = false;
                int a = 1;
                int b = 1;
                long inter = 0;
                long union = 0;
                long ct = 1;
                while (ct > 0) {
                    long c = Math.min(ca, cb);
                    if (va || vb) {
                        union += c;
                        if (va && vb) inter += c;
                    }
                    ct = 0;
                    ca -= c;
                    if (ca == 0 && a < ka) {
                        ca = aC[a++];
                        va = !va;
                    }
                    ct += ca;
                    cb -= c;
                    if (cb == 0 && b < kb) {
                        cb = bC[b++];
                        vb = !vb;
                    }
                    ct += cb;
                }
                if (inter == 0) union = 1;
                else if (crowd) union = dr.area();
                o[d][g] = (double) inter / (double) union;
            }
        }
        return o;
    }

    /**
     * Box IoU matrix [dt][gt] for (x, y, w, h) boxes, pycocotools {@code bbIou}: for a crowd gt the union is the
     * detection's box area.
     *
     * @param gtIsCrowd one flag per gt, or null for none crowd
     */
    public static double[][] bboxIou(List<double[]> dt, List<double[]> gt, boolean[] gtIsCrowd) {
        checkCrowd(gt.size(), gtIsCrowd);
        int m = dt.size();
        int n = gt.size();
        double[][] o = new double[m][n];
        for (int g = 0; g < n; g++) {
            double[] gb = gt.get(g);
            double ga = gb[2] * gb[3];
            boolean crowd = gtIsCrowd != null && gtIsCrowd[g];
            for (int d = 0; d < m; d++) {
                double[] db = dt.get(d);
                double da = db[2] * db[3];
                double iw = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
                if (iw <= 0) continue;
                double ih = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
                if (ih <= 0) continue;
                double i = iw * ih;
                double u = crowd ? da : da + ga - i;
                o[d][g] = i / u;
            }
        }
        return o;
    }

    private static void checkCrowd(int n, boolean[] gtIsCrowd) {
        if (gtIsCrowd != null && gtIsCrowd.length != n) {
            throw new IllegalArgumentException("iscrowd has " + gtIsCrowd.length + " flags for " + n + " gt");
        }
    }

    // ------------------------------------------------------------------------------------------------ object

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.h == h && r.w == w && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(h, w, Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return "Rle[" + h + "x" + w + ", area=" + area() + ", runs=" + counts.length + "]";
    }
}
