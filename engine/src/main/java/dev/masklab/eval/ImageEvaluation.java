package dev.masklab.eval;

/**
 * Matching result of one image, one category and one area range: pycocotools' {@code evaluateImg} output.
 *
 * @param dtIds      detections kept (highest score first, at most maxDet)
 * @param gtIds      ground truths, the ignored ones last
 * @param dtMatches  [T][D] id of the matched ground truth, 0 when unmatched (pycocotools' convention, so a ground truth
 *                   whose id is 0 counts as no match, exactly as in pycocotools)
 * @param gtMatches  [T][G] id of the matched detection, 0 when unmatched
 * @param dtScores   scores of the kept detections
 * @param gtIgnore   [G] ignored (crowd, keypoint-less for keypoints, or area outside the range)
 * @param dtIgnore   [T][D] matched to an ignored ground truth, or unmatched with an area outside the range
 */
public record ImageEvaluation(
        long[] dtIds,
        long[] gtIds,
        long[][] dtMatches,
        long[][] gtMatches,
        double[] dtScores,
        boolean[] gtIgnore,
        boolean[][] dtIgnore) {

    /**
     * Greedy matching exactly as pycocotools' {@code evaluateImg}.
     *
     * @param cell      the image/category cell
     * @param dtOrder   detection indices sorted highest score first (stable), already cut to the largest maxDet
     * @param ious      [dtOrder.length][G] similarities, ground truths in the cell's order
     * @param areaLo    area range lower bound (inclusive)
     * @param areaHi    area range upper bound (inclusive)
     * @param maxDet    detections kept
     * @param iouThrs   IoU thresholds
     */
    public static ImageEvaluation evaluate(
            EvalCell cell, int[] dtOrder, double[][] ious, double areaLo, double areaHi, int maxDet, double[] iouThrs) {
        int g0 = cell.gtCount();
        // ignore flag per gt, then a stable order putting ignored ground truths last
        boolean[] ig = new boolean[g0];
        int kept = 0;
        for (int g = 0; g < g0; g++) {
            double a = cell.gtAreas()[g];
            ig[g] = cell.gtIgnore()[g] || a < areaLo || a > areaHi;
            if (!ig[g]) kept++;
        }
        int[] gtInd = new int[g0];
        int p = 0;
        int q = kept;
        for (int g = 0; g < g0; g++) {
            if (ig[g]) gtInd[q++] = g;
            else gtInd[p++] = g;
        }
        int nG = g0;
        int nD = Math.min(dtOrder.length, maxDet);
        long[] gtIds = new long[nG];
        boolean[] gtIg = new boolean[nG];
        boolean[] crowd = new boolean[nG];
        for (int j = 0; j < nG; j++) {
            gtIds[j] = cell.gtIds()[gtInd[j]];
            gtIg[j] = ig[gtInd[j]];
            crowd[j] = cell.gtCrowd()[gtInd[j]];
        }
        long[] dtIds = new long[nD];
        double[] dtScores = new double[nD];
        double[] dtAreas = new double[nD];
        for (int i = 0; i < nD; i++) {
            dtIds[i] = cell.dtIds()[dtOrder[i]];
            dtScores[i] = cell.dtScores()[dtOrder[i]];
            dtAreas[i] = cell.dtAreas()[dtOrder[i]];
        }
        int nT = iouThrs.length;
        long[][] gtm = new long[nT][nG];
        long[][] dtm = new long[nT][nD];
        boolean[][] dtIg = new boolean[nT][nD];
        if (nG > 0 && nD > 0) {
            for (int t = 0; t < nT; t++) {
                for (int d = 0; d < nD; d++) {
                    double[] row = ious[d];
                    double best = Math.min(iouThrs[t], 1 - 1e-10);
                    int m = -1;
                    for (int g = 0; g < nG; g++) {
                        // already matched and not a crowd: skip
                        if (gtm[t][g] > 0 && !crowd[g]) continue;
                        // matched to a regular gt and reached the ignored ones: stop
                        if (m > -1 && !gtIg[m] && gtIg[g]) break;
                        double v = row[gtInd[g]];
                        if (v < best) continue;
                        best = v;
                        m = g;
                    }
                    if (m == -1) continue;
                    dtIg[t][d] = gtIg[m];
                    dtm[t][d] = gtIds[m];
                    gtm[t][m] = dtIds[d];
                }
            }
        }
        // unmatched detections outside the area range are ignored
        for (int d = 0; d < nD; d++) {
            boolean out = dtAreas[d] < areaLo || dtAreas[d] > areaHi;
            if (!out) continue;
            for (int t = 0; t < nT; t++) {
                if (dtm[t][d] == 0) dtIg[t][d] = true;
            }
        }
        return new ImageEvaluation(dtIds, gtIds, dtm, gtm, dtScores, gtIg, dtIg);
    }
}
