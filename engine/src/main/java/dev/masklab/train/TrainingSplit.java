package dev.masklab.train;

import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data of "fine-tune on what is labelled": the images whose annotations are complete (the caller says which:
 * reviewed, or marked done) split into a training set and a validation set made for the user. The split is seeded
 * (the same images, seed and fraction give the same split) and stratified by each image's rarest category: images
 * are grouped by the category, among those on the image, that the fewest complete images show (images without
 * annotations form a group of their own), and each group gives about {@code validationFraction} of its images to
 * validation, so a rare category is not left out of either set by chance. A category on a single complete image stays
 * in training. Both sets keep every category of the dataset (the evaluation's category ids) and its top-level fields.
 *
 * @param train the training images and their annotations
 * @param validation the validation images and their annotations (empty when fewer than two images are complete)
 */
public record TrainingSplit(CocoDataset train, CocoDataset validation) {

    /**
     * Splits the complete images of {@code dataset}.
     *
     * @param complete ids of the images whose annotations are complete; ids the dataset lacks are ignored
     * @param validationFraction share of the complete images for validation, in [0, 0.9]; with two or more complete
     *     images and a fraction above 0, at least one image is validated and at least one trained on
     * @param seed seed of the draw
     * @throws IllegalArgumentException when no image of {@code complete} is in the dataset, or the fraction is out of
     *     range
     */
    public static TrainingSplit of(CocoDataset dataset, Set<Long> complete, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction <= 0.9)) {
            throw new IllegalArgumentException(
                    "validation fraction must be between 0 and 0.9, got " + validationFraction);
        }
        List<CocoImage> images = new ArrayList<>();
        for (CocoImage im : dataset.images()) {
            if (complete.contains(im.id())) {
                images.add(im);
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image of the dataset is marked complete: nothing to train on");
        }
        // how many complete images show each category; each image's rarest category is its group
        Map<Long, Integer> imagesPerCategory = new HashMap<>();
        for (CocoImage im : images) {
            for (long c : categoriesOf(dataset, im)) {
                imagesPerCategory.merge(c, 1, Integer::sum);
            }
        }
        TreeMap<Long, List<CocoImage>> groups = new TreeMap<>(); // key: rarest category id, Long.MIN_VALUE: none
        for (CocoImage im : images) {
            long key = Long.MIN_VALUE;
            int fewest = Integer.MAX_VALUE;
            for (long c : categoriesOf(dataset, im)) {
                int n = imagesPerCategory.get(c);
                if (n < fewest || n == fewest && c < key) {
                    fewest = n;
                    key = c;
                }
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(im);
        }
        int total = images.size();
        int target = total < 2 ? 0 : (int) Math.round(validationFraction * total);
        if (validationFraction > 0 && total >= 2) {
            target = Math.max(1, Math.min(total - 1, target));
        }
        Random random = new Random(seed);
        List<List<CocoImage>> ordered = new ArrayList<>(groups.values());
        int[] quota = new int[ordered.size()];
        double[] remainder = new double[ordered.size()];
        int given = 0;
        for (int g = 0; g < ordered.size(); g++) {
            Collections.shuffle(ordered.get(g), random);
            double share = validationFraction * ordered.get(g).size();
            quota[g] = Math.min((int) Math.floor(share), ordered.get(g).size() - 1);
            remainder[g] = share - quota[g];
            given += quota[g];
        }
        // largest remainders first; groups that would give away their only image last
        List<Integer> byRemainder = new ArrayList<>();
        for (int g = 0; g < ordered.size(); g++) {
            byRemainder.add(g);
        }
        byRemainder.sort((a, b) -> {
            boolean soleA = quota[a] + 1 >= ordered.get(a).size();
            boolean soleB = quota[b] + 1 >= ordered.get(b).size();
            return soleA != soleB ? Boolean.compare(soleA, soleB) : Double.compare(remainder[b], remainder[a]);
        });
        for (int i = 0; given < target && i < byRemainder.size(); i++) {
            int g = byRemainder.get(i);
            if (quota[g] < ordered.get(g).size()) {
                quota[g]++;
                given++;
            }
        }
        Set<Long> validationIds = new HashSet<>();
        for (int g = 0; g < ordered.size(); g++) {
            for (CocoImage im : ordered.get(g).subList(0, quota[g])) {
                validationIds.add(im.id());
            }
        }
        CocoDataset train = withCategories(dataset);
        CocoDataset validation = withCategories(dataset);
        for (CocoImage im : images) { // dataset order in both files
            CocoDataset to = validationIds.contains(im.id()) ? validation : train;
            to.addImage(im);
            for (CocoAnnotation a : dataset.annotationsOf(im.id())) {
                to.addAnnotation(a);
            }
        }
        return new TrainingSplit(train, validation);
    }

    /** Writes {@code DIR/train.json} and {@code DIR/val.json} (atomically); returns their paths, training first. */
    public List<Path> write(Path dir) throws IOException {
        Path trainFile = dir.resolve("train.json");
        Path valFile = dir.resolve("val.json");
        java.nio.file.Files.createDirectories(dir);
        CocoWriter.write(train, trainFile);
        CocoWriter.write(validation, valFile);
        return List.of(trainFile, valFile);
    }

    private static Set<Long> categoriesOf(CocoDataset ds, CocoImage im) {
        Set<Long> out = new HashSet<>();
        for (CocoAnnotation a : ds.annotationsOf(im.id())) {
            out.add(a.categoryId());
        }
        return out;
    }

    private static CocoDataset withCategories(CocoDataset ds) {
        CocoDataset out = new CocoDataset();
        for (CocoCategory c : ds.categories()) {
            out.addCategory(c);
        }
        ds.extra().forEach((k, v) -> {
            if (!k.equals("images") && !k.equals("annotations") && !k.equals("categories")) {
                out.extra().put(k, v);
            }
        });
        return out;
    }
}
