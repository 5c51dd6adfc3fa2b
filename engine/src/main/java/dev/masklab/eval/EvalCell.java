package dev.masklab.eval;

import java.util.Objects;

/**
 * The ground truths and detections of one image for one category (or for all categories when categories are not
 * used), as plain arrays in their input order (pycocotools' {@code _gts[img, cat]} / {@code _dts[img, cat]}: file
 * order within the image), plus the function that computes their IoU (or OKS) matrix.
 *
 * @param gtIds       annotation ids (a matched detection records this id; pycocotools treats id 0 as "no match")
 * @param gtAreas     the annotations' {@code area}
 * @param gtCrowd     {@code iscrowd}
 * @param gtIgnore    pycocotools' {@code ignore}: iscrowd, and for keypoints also {@code num_keypoints == 0}
 * @param dtIds       result ids (pycocotools: 1-based position in the results file)
 * @param dtScores    result scores
 * @param dtAreas     result areas as pycocotools' {@code loadRes} sets them
 * @param ious        IoU/OKS of the selected detections against all ground truths
 */
public record EvalCell(
        long[] gtIds,
        double[] gtAreas,
        boolean[] gtCrowd,
        boolean[] gtIgnore,
        long[] dtIds,
        double[] dtScores,
        double[] dtAreas,
        Ious ious) {

    /** Computes similarities between some detections and every ground truth of the cell. */
    @FunctionalInterface
    public interface Ious {
        /**
         * @param dtIndices indices into the cell's detections, in the order wanted (highest score first)
         * @return matrix [dtIndices.length][gt count] with gts in the cell's order
         */
        double[][] compute(int[] dtIndices);
    }

    public EvalCell {
        Objects.requireNonNull(ious, "ious");
        int g = gtIds.length;
        if (gtAreas.length != g || gtCrowd.length != g || gtIgnore.length != g) {
            throw new IllegalArgumentException("ground-truth arrays differ in length");
        }
        int d = dtIds.length;
        if (dtScores.length != d || dtAreas.length != d) {
            throw new IllegalArgumentException("detection arrays differ in length");
        }
    }

    public int gtCount() {
        return gtIds.length;
    }

    public int dtCount() {
        return dtIds.length;
    }

    /** True when the cell holds neither ground truths nor detections (pycocotools skips it: evalImg is None). */
    public boolean isEmpty() {
        return gtIds.length == 0 && dtIds.length == 0;
    }
}
