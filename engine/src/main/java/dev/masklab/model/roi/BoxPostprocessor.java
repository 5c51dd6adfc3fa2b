package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.masklab.model.box.BoxCoder;
import dev.masklab.model.box.BoxOps;
import dev.masklab.model.ops.Nms;
import java.util.Arrays;

/**
 * torchvision's {@code RoIHeads.postprocess_detections} for one image, in the same order of operations: softmax of
 * the class logits, per-class decoding of the box deltas against the proposals (BoxCoder weights 10, 10, 5, 5),
 * clipping to the image, dropping the background column, flattening (proposal-major, then class), keeping scores
 * strictly above the score threshold, removing boxes narrower or lower than 1e-2, class-wise NMS and keeping the
 * best {@code detectionsPerImage}. The flatten order matters: it fixes which of two exactly tied scores comes first.
 */
public final class BoxPostprocessor {
    public static final double[] BOX_WEIGHTS = {10, 10, 5, 5};
    public static final float DEFAULT_SCORE_THRESH = 0.05f;
    public static final float DEFAULT_NMS_THRESH = 0.5f;
    public static final int DEFAULT_DETECTIONS_PER_IMAGE = 100;
    static final float MIN_SIZE = 1e-2f;

    private final BoxCoder coder = new BoxCoder(BOX_WEIGHTS);
    private final float scoreThresh;
    private final float nmsThresh;
    private final int detectionsPerImage;

    public BoxPostprocessor(float scoreThresh, float nmsThresh, int detectionsPerImage) {
        this.scoreThresh = scoreThresh;
        this.nmsThresh = nmsThresh;
        this.detectionsPerImage = detectionsPerImage;
    }

    public BoxPostprocessor() {
        this(DEFAULT_SCORE_THRESH, DEFAULT_NMS_THRESH, DEFAULT_DETECTIONS_PER_IMAGE);
    }

    public float scoreThresh() {
        return scoreThresh;
    }

    public BoxCoder boxCoder() {
        return coder;
    }

    /**
     * @param classLogits (K, C) logits of one image's proposals
     * @param boxRegression (K, 4C) deltas
     * @param proposals (K, 4) xyxy proposals in the (resized) image
     * @param imageH height of the resized image (for clipping)
     * @param imageW width of the resized image
     */
    public Detections apply(NDArray classLogits, NDArray boxRegression, NDArray proposals, int imageH, int imageW) {
        long k = proposals.getShape().get(0);
        if (k == 0) {
            return Detections.empty();
        }
        int c = Math.toIntExact(classLogits.getShape().get(1));
        float[] boxes;
        float[] scores;
        try (NDArray decoded = coder.decode(boxRegression, proposals);
                NDArray probs = classLogits.softmax(-1)) {
            boxes = decoded.toType(DataType.FLOAT32, false).toFloatArray();
            scores = probs.toType(DataType.FLOAT32, false).toFloatArray();
        }
        BoxOps.clipInPlace(boxes, imageH, imageW);
        return select(boxes, scores, Math.toIntExact(k), c);
    }

    /**
     * The selection steps on decoded, clipped boxes ({@code k * c * 4}) and softmax scores ({@code k * c}), proposal
     * major.
     */
    Detections select(float[] boxes, float[] scores, int k, int c) {
        int n = k * (c - 1);
        float[] fb = new float[4 * n];
        float[] fs = new float[n];
        int[] fl = new int[n];
        int m = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 1; j < c; j++) {
                float s = scores[i * c + j];
                if (!(s > scoreThresh)) {
                    continue;
                }
                int src = (i * c + j) * 4;
                float w = boxes[src + 2] - boxes[src];
                float h = boxes[src + 3] - boxes[src + 1];
                if (!(w >= MIN_SIZE && h >= MIN_SIZE)) {
                    continue;
                }
                System.arraycopy(boxes, src, fb, 4 * m, 4);
                fs[m] = s;
                fl[m] = j;
                m++;
            }
        }
        fb = Arrays.copyOf(fb, 4 * m);
        fs = Arrays.copyOf(fs, m);
        fl = Arrays.copyOf(fl, m);
        int[] keep = Nms.batchedNms(fb, fs, fl, nmsThresh);
        int kept = Math.min(keep.length, detectionsPerImage);
        float[] ob = new float[4 * kept];
        float[] os = new float[kept];
        int[] ol = new int[kept];
        for (int a = 0; a < kept; a++) {
            int idx = keep[a];
            System.arraycopy(fb, 4 * idx, ob, 4 * a, 4);
            os[a] = fs[idx];
            ol[a] = fl[idx];
        }
        return new Detections(ob, os, ol);
    }
}
