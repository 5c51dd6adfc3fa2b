package dev.masklab.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * The {@code segmentation} of a COCO annotation: polygons, uncompressed RLE ({@code counts} as a list) or compressed
 * RLE ({@code counts} as a string).
 */
public sealed interface Segmentation
        permits Segmentation.Polygons, Segmentation.UncompressedRle, Segmentation.CompressedRle {

    /** The mask as pycocotools {@code annToRLE} computes it; h, w are the image size (RLE forms carry their own). */
    Rle toRle(int h, int w);

    /** Polygons [x0, y0, x1, y1, ...]; a new instance copies the arrays. */
    static Polygons polygons(List<double[]> polygons) {
        List<double[]> copy = new ArrayList<>(polygons.size());
        for (double[] p : polygons) copy.add(p.clone());
        return new Polygons(copy, null);
    }

    /** Compressed RLE of a mask. */
    static CompressedRle of(Rle rle) {
        return new CompressedRle(rle.toCompressedString(), rle.h(), rle.w());
    }

    /** Polygon list. Arrays are never modified; {@link #polygons()} returns copies. */
    final class Polygons implements Segmentation {
        private final List<double[]> polygons;
        /** Per polygon: positions written as JSON integers in the source (null = none), for exact round trips. */
        final BitSet[] ints;

        Polygons(List<double[]> polygons, BitSet[] ints) {
            this.polygons = polygons;
            this.ints = ints;
        }

        /** Copies of the polygons. */
        public List<double[]> polygons() {
            List<double[]> copy = new ArrayList<>(polygons.size());
            for (double[] p : polygons) copy.add(p.clone());
            return copy;
        }

        /** Read-only view without copying; callers must not modify the arrays. */
        public List<double[]> polygonsView() {
            return Collections.unmodifiableList(polygons);
        }

        public int size() {
            return polygons.size();
        }

        @Override
        public Rle toRle(int h, int w) {
            return Rle.fromPolygons(polygons, h, w);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Polygons p) || p.polygons.size() != polygons.size()) return false;
            for (int i = 0; i < polygons.size(); i++) {
                if (!Arrays.equals(polygons.get(i), p.polygons.get(i))) return false;
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (double[] p : polygons) h = 31 * h + Arrays.hashCode(p);
            return h;
        }

        @Override
        public String toString() {
            return "Polygons[" + polygons.size() + "]";
        }
    }

    /** Uncompressed RLE ({@code {"counts": [...], "size": [h, w]}}), typical for crowd regions. */
    record UncompressedRle(int[] counts, int h, int w) implements Segmentation {
        public UncompressedRle {
            counts = counts.clone();
        }

        @Override
        public int[] counts() {
            return counts.clone();
        }

        /** Like pycocotools, the RLE's own size is used, not the image size. */
        @Override
        public Rle toRle(int imageH, int imageW) {
            return Rle.fromCounts(counts, h, w);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UncompressedRle u && u.h == h && u.w == w && Arrays.equals(u.counts, counts);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * h + w) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "UncompressedRle[" + h + "x" + w + ", runs=" + counts.length + "]";
        }
    }

    /** Compressed RLE ({@code {"counts": "...", "size": [h, w]}}). */
    record CompressedRle(String counts, int h, int w) implements Segmentation {
        /** Like pycocotools, the RLE's own size is used, not the image size. */
        @Override
        public Rle toRle(int imageH, int imageW) {
            return Rle.fromString(counts, h, w);
        }
    }
}
