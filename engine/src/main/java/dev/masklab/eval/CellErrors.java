package dev.masklab.eval;

import java.util.Arrays;

/**
 * The true positives, false positives and false negatives of one (image, category) cell at one IoU threshold, read
 * from pycocotools' matching ({@link ImageEvaluation}, area "all").
 *
 * @param imageId    image id
 * @param categoryId category id (-1 when categories are not used)
 * @param tp         [n][2] (detection id, ground-truth id) pairs, detections highest score first
 * @param fp         detection ids, highest score first
 * @param fn         ground-truth ids, in the cell's (file) order
 */
public record CellErrors(long imageId, long categoryId, long[][] tp, long[] fp, long[] fn) {

    /**
     * Reads the lists from a cell's matching at IoU threshold index t exactly as pycocotools' {@code accumulate}
     * counts them: a detection that is not ignored is a true positive when its {@code dtMatches} entry is not 0, else a
     * false positive; a ground truth that is not ignored is a false negative when its {@code gtMatches} entry is 0.
     * Detections matched to crowd or otherwise ignored ground truth (dtIgnore) and ignored ground truth (gtIgnore) are
     * in no list. pycocotools' own quirk is kept: a detection matched to a ground truth whose id is 0 is a false
     * positive, and that ground truth is not a false negative.
     */
    public static CellErrors of(long imageId, long categoryId, ImageEvaluation e, int t) {
        long[] dtm = e.dtMatches()[t];
        boolean[] dtIg = e.dtIgnore()[t];
        long[] gtm = e.gtMatches()[t];
        int nD = dtm.length;
        long[][] tp = new long[nD][];
        long[] fp = new long[nD];
        int nTp = 0;
        int nFp = 0;
        for (int d = 0; d < nD; d++) {
            if (dtIg[d]) continue;
            if (dtm[d] != 0) tp[nTp++] = new long[] {e.dtIds()[d], dtm[d]};
            else fp[nFp++] = e.dtIds()[d];
        }
        long[] fn = new long[gtm.length];
        int nFn = 0;
        for (int g = 0; g < gtm.length; g++) {
            if (!e.gtIgnore()[g] && gtm[g] == 0) fn[nFn++] = e.gtIds()[g];
        }
        return new CellErrors(
                imageId, categoryId, Arrays.copyOf(tp, nTp), Arrays.copyOf(fp, nFp), Arrays.copyOf(fn, nFn));
    }
}
