package dev.masklab.cli;

import ai.djl.Device;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.predict.BoxPrompt;
import dev.masklab.predict.BoxPromptFile;
import dev.masklab.predict.Instance;
import dev.masklab.predict.PredictionResults;
import dev.masklab.predict.Predictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code masklab segment}: box prompts. For each prompt of PROMPTS.json ({@link BoxPromptFile}) the model's RoI heads
 * run on the prompt's box as on a detection ({@link Predictor#prompt}) and OUT.json gets one entry, in prompt order:
 * {@code image_id}, {@code bbox} (the prompt's), {@code category_id} (the given one, else the box head's best class;
 * ids as {@code predict} writes them), {@code score}, {@code segmentation} (compressed RLE) for mask models,
 * {@code keypoints} and {@code keypoint_scores} for keypoint models. Each image is read and run through the backbone
 * once, however many prompts it has. A bad prompt (malformed, unknown image or category, box outside the image or
 * empty) is one line naming it, exit 2, and nothing is written; so are refused weights, dataset or images (as
 * {@code predict}); an image file that is missing exits 1.
 */
@Command(
        name = "segment",
        mixinStandardHelpOptions = true,
        description =
                "Answer box prompts with a Mask R-CNN or Keypoint R-CNN model: per box the class (given or the box "
                        + "head's), its score, the mask and/or keypoints, written as COCO results JSON.")
public final class SegmentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(
            names = "--prompts",
            required = true,
            paramLabel = "PROMPTS.json",
            description =
                    "JSON list of {\"image_id\", \"bbox\": [x, y, w, h], \"category_id\"?} (original image pixels).")
    Path prompts;

    @Option(names = "--out", required = true, paramLabel = "OUT.json", description = "Results file to write.")
    Path out;

    /** A prompt that cannot be answered: exit 2. */
    private static final class BadPrompt extends Exception {
        BadPrompt(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Device dev = model.device();
            Path dataset = model.dataset;
            CocoDataset gt = CocoReader.read(dataset);
            List<BoxPromptFile.Entry> entries = BoxPromptFile.read(prompts);
            // the images in order of their first prompt, with the indices of their prompts
            Map<Long, List<BoxPromptFile.Entry>> byImage = new LinkedHashMap<>();
            for (BoxPromptFile.Entry e : entries) {
                CocoImage img = gt.image(e.imageId());
                if (img == null) {
                    throw new BadPrompt(e.name() + ": no image with this id in " + dataset);
                }
                checkBox(e, img.width(), img.height());
                if (e.prompt().categoryId().isPresent()
                        && !gt.categories().isEmpty()
                        && gt.category(e.prompt().categoryId().getAsLong()) == null) {
                    throw new BadPrompt(
                            e.name() + ": category " + e.prompt().categoryId().getAsLong() + " is not in " + dataset);
                }
                byImage.computeIfAbsent(e.imageId(), k -> new ArrayList<>()).add(e);
            }
            Path root = model.imageRoot();
            for (long id : byImage.keySet()) {
                CocoImage img = gt.image(id);
                if (!Files.isRegularFile(root.resolve(img.fileName()))) {
                    err.println("masklab segment: image " + id + " '" + img.fileName() + "' not found under " + root);
                    return 1;
                }
            }
            Instance[] answers = new Instance[entries.size()];
            try (Predictor p =
                    Predictor.open(model.weights, model.arch, new Predictor.Options(0.05f, dev, model.legacyEps))) {
                for (BoxPromptFile.Entry e : entries) {
                    if (e.prompt().categoryId().isPresent()
                            && p.labelOf(e.prompt().categoryId().getAsLong()) < 0) {
                        throw new BadPrompt(e.name() + ": category "
                                + e.prompt().categoryId().getAsLong() + " is not one of the model's classes");
                    }
                }
                for (Map.Entry<Long, List<BoxPromptFile.Entry>> group : byImage.entrySet()) {
                    BufferedImage image = Predictor.readImage(
                            root.resolve(gt.image(group.getKey()).fileName()));
                    List<BoxPrompt> boxes = new ArrayList<>();
                    for (BoxPromptFile.Entry e : group.getValue()) {
                        checkBox(
                                e,
                                image.getWidth(),
                                image.getHeight()); // the file's own size, should the dataset's differ
                        boxes.add(e.prompt());
                    }
                    List<Instance> result = p.prompt(image, boxes);
                    for (int i = 0; i < boxes.size(); i++) {
                        answers[group.getValue().get(i).index()] = result.get(i);
                    }
                    p.releaseImage();
                }
            }
            List<PredictionResults.Entry> results = new ArrayList<>();
            for (BoxPromptFile.Entry e : entries) {
                results.add(new PredictionResults.Entry(
                        e.imageId(), answers[e.index()], e.prompt().xywh()));
            }
            PredictionResults.write(results, out);
            err.printf("masklab segment: %d prompts on %d images -> %s%n", entries.size(), byImage.size(), out);
            err.flush();
            return 0;
        } catch (BadPrompt | BoxPromptFile.Invalid e) {
            err.println("masklab segment: " + (e instanceof BadPrompt ? prompts + ": " : "") + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException | RuntimeException e) {
            // as predict: the weights, the dataset, an image or an option refused
            err.println("masklab segment: " + CliErrors.describe(e));
            err.flush();
            return 2;
        }
    }

    private static void checkBox(BoxPromptFile.Entry e, int width, int height) throws BadPrompt {
        if (width <= 0 || height <= 0) {
            return; // the dataset does not record the size: checked against the image file
        }
        String problem = e.prompt().problem(width, height);
        if (problem != null) {
            throw new BadPrompt(e.name() + ": " + problem);
        }
    }
}
