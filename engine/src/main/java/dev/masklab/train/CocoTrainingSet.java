package dev.masklab.train;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.Rle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * COCO images with their annotations turned into {@link TrainingSample}s the way torchvision's detection
 * references prepare COCO ({@code ConvertCocoPolysToMask}, {@code _coco_remove_images_without_annotations}):
 * crowd annotations are ignored, boxes become x1, y1, x2, y2 clamped to the image and degenerate ones are
 * dropped, masks are the decoded segmentation (polygons merged, RLE as is), keypoints are kept as given.
 * Images without usable annotations are either skipped (references' behaviour: no annotation, only boxes
 * of a pixel or less, or for keypoint models fewer than 10 visible keypoints) or kept as negatives.
 */
public final class CocoTrainingSet {
    /** torchvision references' minimum of visible keypoints for a keypoint training image. */
    public static final int MIN_VISIBLE_KEYPOINTS = 10;

    /** Why the training set leaves an image out (torchvision references' {@code _has_valid_annotation}). */
    public enum SkipReason {
        NO_ANNOTATIONS("no annotation of a training category"),
        DEGENERATE_BOXES("only boxes of a pixel or less"),
        TOO_FEW_KEYPOINTS("fewer than " + MIN_VISIBLE_KEYPOINTS + " visible keypoints");

        private final String text;

        SkipReason(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** One image and its annotations (crowd ones included; they are filtered when the sample is built). */
    public record Entry(CocoImage image, List<CocoAnnotation> annotations) {}

    private final List<Entry> entries;
    private final Path imageRoot;
    private final CategoryMap categories;
    private final boolean masks;
    private final int numKeypoints;
    private final int skipped;

    /**
     * @param all every image with its annotations
     * @param imageRoot folder that COCO {@code file_name}s are relative to
     * @param masks whether samples carry masks (Mask R-CNN)
     * @param numKeypoints keypoints per instance for Keypoint R-CNN (0: no keypoints)
     * @param skipEmpty skip images without usable annotations instead of keeping them as negatives
     */
    public CocoTrainingSet(
            List<Entry> all,
            Path imageRoot,
            CategoryMap categories,
            boolean masks,
            int numKeypoints,
            boolean skipEmpty) {
        this.imageRoot = imageRoot;
        this.categories = categories;
        this.masks = masks;
        this.numKeypoints = numKeypoints;
        List<Entry> kept = new ArrayList<>();
        for (Entry e : all) {
            List<CocoAnnotation> mapped = trainingAnnotations(e.annotations(), categories);
            if (!skipEmpty || skipReason(mapped, numKeypoints) == null) {
                kept.add(new Entry(e.image(), mapped));
            }
        }
        this.entries = List.copyOf(kept);
        this.skipped = all.size() - kept.size();
    }

    /** All images of {@code dataset} (in file order) with their annotations. */
    public static CocoTrainingSet of(
            CocoDataset dataset,
            Path imageRoot,
            CategoryMap categories,
            boolean masks,
            int numKeypoints,
            boolean skipEmpty) {
        List<Entry> all = new ArrayList<>();
        for (CocoImage img : dataset.images()) {
            all.add(new Entry(img, dataset.annotationsOf(img.id())));
        }
        return new CocoTrainingSet(all, imageRoot, categories, masks, numKeypoints, skipEmpty);
    }

    /** The annotations the training set keeps for an image: those of a category the model has a label for. */
    public static List<CocoAnnotation> trainingAnnotations(List<CocoAnnotation> anns, CategoryMap categories) {
        List<CocoAnnotation> mapped = new ArrayList<>();
        for (CocoAnnotation a : anns) {
            if (categories.label(a.categoryId()) > 0) {
                mapped.add(a);
            }
        }
        return mapped;
    }

    /**
     * torchvision's {@code _has_valid_annotation} (crowd annotations count, as there): why an image with these
     * (training) annotations is skipped, or null when it is usable.
     *
     * @param numKeypoints keypoints per instance of a keypoint model, 0 for other models
     */
    public static SkipReason skipReason(List<CocoAnnotation> anns, int numKeypoints) {
        if (anns.isEmpty()) {
            return SkipReason.NO_ANNOTATIONS;
        }
        boolean anyBox = false;
        for (CocoAnnotation a : anns) {
            double[] b = a.bbox();
            if (b != null && b.length == 4 && b[2] > 1 && b[3] > 1) {
                anyBox = true;
            }
        }
        if (!anyBox) {
            return SkipReason.DEGENERATE_BOXES;
        }
        if (numKeypoints == 0) {
            return null;
        }
        int visible = 0;
        for (CocoAnnotation a : anns) {
            double[] k = a.keypoints();
            if (k != null) {
                for (int i = 2; i < k.length; i += 3) {
                    if (k[i] > 0) {
                        visible++;
                    }
                }
            }
        }
        return visible >= MIN_VISIBLE_KEYPOINTS ? null : SkipReason.TOO_FEW_KEYPOINTS;
    }

    /**
     * The box a training sample gets for an annotation: x1, y1, x2, y2 clamped to the w x h image, or null when it is
     * empty there (the annotation is then left out of the sample).
     *
     * @throws IllegalArgumentException when the annotation has no bbox
     */
    public static float[] trainingBox(CocoAnnotation a, int w, int h) {
        double[] b = a.bbox();
        if (b == null || b.length != 4) {
            throw new IllegalArgumentException("annotation " + a.id() + " of image " + a.imageId() + ": bbox missing");
        }
        float x1 = clamp((float) b[0], w);
        float y1 = clamp((float) b[1], h);
        float x2 = clamp((float) b[0] + (float) b[2], w);
        float y2 = clamp((float) b[1] + (float) b[3], h);
        return x2 > x1 && y2 > y1 ? new float[] {x1, y1, x2, y2} : null;
    }

    public int size() {
        return entries.size();
    }

    /** Images left out because they had no usable annotation. */
    public int skipped() {
        return skipped;
    }

    public CategoryMap categories() {
        return categories;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Loads image {@code i} and builds its sample at the image's own resolution. */
    public TrainingSample sample(int i) {
        Entry e = entries.get(i);
        CocoImage img = e.image();
        int[] hw = new int[2];
        float[] pixels = ImageFiles.readChw(imageRoot.resolve(img.fileName()), img.height(), img.width(), hw);
        return build(img.id(), hw[0], hw[1], pixels, e.annotations());
    }

    /** The sample of given pixels and annotations (non-crowd, mapped categories, valid boxes only). */
    public TrainingSample build(long imageId, int h, int w, float[] pixels, List<CocoAnnotation> anns) {
        List<float[]> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> maskList = new ArrayList<>();
        List<double[]> kps = new ArrayList<>();
        for (CocoAnnotation a : anns) {
            if (a.isCrowd()) {
                continue;
            }
            int label = categories.label(a.categoryId());
            if (label <= 0) {
                continue;
            }
            float[] box = trainingBox(a, w, h);
            if (box == null) {
                continue;
            }
            double[] b = a.bbox();
            boxes.add(box);
            labels.add(label);
            if (masks) {
                Rle rle = a.segmentation() != null ? a.segmentation().toRle(h, w) : Rle.fromBbox(b, h, w);
                if (rle.h() != h || rle.w() != w) {
                    throw new IllegalArgumentException("annotation " + a.id() + ": segmentation RLE is " + rle.w() + "x"
                            + rle.h() + ", image " + imageId + " is " + w + "x" + h);
                }
                maskList.add(rle.decode());
            }
            if (numKeypoints > 0) {
                double[] k = a.keypoints();
                if (k == null) {
                    k = new double[3 * numKeypoints];
                } else if (k.length != 3 * numKeypoints) {
                    throw new IllegalArgumentException(
                            "annotation " + a.id() + ": " + k.length / 3 + " keypoints, model needs " + numKeypoints);
                }
                kps.add(k);
            }
        }
        int n = labels.size();
        float[] flatBoxes = new float[4 * n];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes.get(i), 0, flatBoxes, 4 * i, 4);
            lab[i] = labels.get(i);
        }
        float[] flatKps = null;
        if (numKeypoints > 0) {
            flatKps = new float[n * numKeypoints * 3];
            for (int i = 0; i < n; i++) {
                double[] k = kps.get(i);
                for (int j = 0; j < k.length; j++) {
                    flatKps[i * k.length + j] = (float) k[j];
                }
            }
        }
        return new TrainingSample(
                imageId,
                h,
                w,
                pixels,
                flatBoxes,
                lab,
                masks ? maskList.toArray(new byte[0][]) : null,
                flatKps,
                numKeypoints);
    }

    private static float clamp(float v, int max) {
        return Math.max(0f, Math.min(v, max));
    }
}
