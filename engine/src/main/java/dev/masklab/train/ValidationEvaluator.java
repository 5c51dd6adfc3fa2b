package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoResult;
import dev.masklab.coco.CocoResults;
import dev.masklab.coco.Segmentation;
import dev.masklab.eval.CocoEvaluator;
import dev.masklab.eval.EvalParams;
import dev.masklab.eval.IouType;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.ModelCheckpoint;
import dev.masklab.model.TorchvisionExport;
import dev.masklab.predict.Instance;
import dev.masklab.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO evaluation of the current weights on a validation set during training: the weights are saved as an engine
 * {@link ModelCheckpoint} ({@code RUN/eval/model.masklab}), the engine's {@link Predictor} runs on every validation
 * image (score threshold 0.05 as torchvision's references), and {@link CocoEvaluator} computes pycocotools' stats
 * for bbox and segm (Mask R-CNN) or keypoints (Keypoint R-CNN) over the model's categories. Results and stats of
 * the evaluation after iteration N are written to {@code RUN/eval/evaluation-N-results.json} and
 * {@code evaluation-N-stats.json} (a resumed run adds to them).
 */
public final class ValidationEvaluator implements TrainingJob.Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Architecture arch;
    private final CocoDataset val;
    private final Path imageRoot;
    private final CategoryMap categories;
    private final MaskRcnnConfig modelConfig;
    private final TrainingConfig training;
    private final Path evalDir;

    public ValidationEvaluator(
            Architecture arch,
            Path valJson,
            Path imageRoot,
            CategoryMap categories,
            TrainingConfig config,
            int numKeypoints,
            Path runDir)
            throws IOException {
        this.arch = arch;
        this.val = CocoReader.read(valJson);
        // another category set would score every category -1 (no ground truth) or against the wrong classes
        String diff =
                categories.differences(arch.hasKeypoints() ? TrainingRun.keypointCategories(val) : val.categories());
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("validation set " + valJson
                    + ": its categories differ from the training " + "set's (" + diff + ")");
        }
        this.imageRoot = imageRoot;
        this.categories = categories;
        this.modelConfig = modelConfig(arch, categories, config, numKeypoints);
        this.training = config;
        this.evalDir = runDir.resolve("eval");
    }

    @Override
    public Map<String, double[]> evaluate(Map<String, NDArray> weights, int iteration) throws IOException {
        Files.createDirectories(evalDir);
        Path model = evalDir.resolve("model.masklab");
        ModelCheckpoint.save(model, meta(modelConfig, categories, training), weights);
        List<CocoResult> results = new ArrayList<>();
        try (Predictor p =
                Predictor.open(model, null, new Predictor.Options(0.05f, Predictor.defaultDevice(), false))) {
            for (CocoImage img : val.images()) {
                for (Instance in : p.predict(imageRoot.resolve(img.fileName()))) {
                    results.add(CocoResult.of(
                            img.id(),
                            in.categoryId(),
                            in.score(),
                            in.bboxXywh(),
                            in.mask() == null ? null : Segmentation.of(in.mask()),
                            keypoints(in.keypoints())));
                }
            }
        }
        // evaluated as written: CocoResults.read gives each result pycocotools' loadRes ids, areas and boxes (read
        // once:
        // loadRes does not depend on the IoU type)
        Path resultsFile = evalDir.resolve("evaluation-" + iteration + "-results.json");
        CocoResults.write(results, resultsFile);
        List<CocoResult> loaded = results.isEmpty() ? results : CocoResults.read(resultsFile, val);
        Map<String, double[]> stats = new LinkedHashMap<>();
        List<IouType> types = new ArrayList<>(List.of(IouType.BBOX));
        types.add(arch.hasMasks() ? IouType.SEGM : IouType.KEYPOINTS);
        for (IouType t : types) {
            stats.put(
                    t.cocoName(),
                    results.isEmpty()
                            ? new double[t == IouType.KEYPOINTS ? 10 : 12]
                            : stats(val, loaded, categories, t));
        }
        JSON.writeValue(
                evalDir.resolve("evaluation-" + iteration + "-stats.json").toFile(), stats);
        return stats;
    }

    /**
     * pycocotools' stats for {@code loaded} results over the model's own categories ({@code params.catIds}): a
     * keypoint model trained on the keypoint category of a dataset with other categories too is scored on that
     * category, as torchvision's references score Keypoint R-CNN on the person-keypoints file (over all of the
     * dataset's categories, its box AP would be averaged with zeros for categories it never predicts).
     */
    static double[] stats(CocoDataset val, List<CocoResult> loaded, CategoryMap categories, IouType type) {
        return CocoEvaluator.evaluate(val, loaded, EvalParams.defaults(type).withCatIds(categories.categoryIds()))
                .stats();
    }

    /** Engine checkpoint metadata for a trained model: its config, class names and category ids by label. */
    public static ModelCheckpoint.Meta meta(MaskRcnnConfig config, CategoryMap categories) {
        return meta(config, categories, Map.of("source", "masklab train"));
    }

    /**
     * As {@link #meta(MaskRcnnConfig, CategoryMap)}, with the training's sampling in the settings as torchvision's
     * constructor arguments ({@link TorchvisionExport#TRAIN_KWARGS}: RPN top-n in training, anchors and RoIs sampled
     * per image and their positive fractions), which {@code masklab export} passes on.
     */
    public static ModelCheckpoint.Meta meta(MaskRcnnConfig config, CategoryMap categories, TrainingConfig training) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("rpn_pre_nms_top_n_train", training.rpnPreNmsTopN());
        kwargs.put("rpn_post_nms_top_n_train", training.rpnPostNmsTopN());
        kwargs.put("rpn_batch_size_per_image", training.rpnBatchPerImage());
        kwargs.put("rpn_positive_fraction", (double) training.rpnPositiveFraction());
        kwargs.put("box_batch_size_per_image", training.boxBatchPerImage());
        kwargs.put("box_positive_fraction", (double) training.boxPositiveFraction());
        return meta(config, categories, Map.of("source", "masklab train", TorchvisionExport.TRAIN_KWARGS, kwargs));
    }

    private static ModelCheckpoint.Meta meta(
            MaskRcnnConfig config, CategoryMap categories, Map<String, Object> settings) {
        List<String> classes = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        classes.add("__background__");
        ids.add(0L);
        for (int l = 1; l < categories.numClasses(); l++) {
            classes.add(categories.names()[l - 1]);
            ids.add(categories.categoryId(l));
        }
        return new ModelCheckpoint.Meta(config, classes, ids, settings);
    }

    /** The inference config of a trained model: the training's evaluation size, score threshold 0.05. */
    public static MaskRcnnConfig modelConfig(
            Architecture arch, CategoryMap categories, TrainingConfig config, int numKeypoints) {
        int[] sizes = config.minSizes();
        MaskRcnnConfig c = MaskRcnnConfig.defaults(arch.cliName())
                .withNumClasses(categories.numClasses())
                .withBnEps(config.frozenBnEps());
        if (arch.hasKeypoints()) {
            c = c.withNumKeypoints(numKeypoints);
        }
        return new MaskRcnnConfig(
                c.arch(),
                c.numClasses(),
                c.numKeypoints(),
                sizes[sizes.length - 1],
                config.maxSize(),
                0.05f,
                c.boxNmsThresh(),
                c.detectionsPerImage(),
                c.bnEps());
    }

    /** The predictor's K x 3 (x, y, 1) keypoints as COCO results' triples. */
    private static double[] keypoints(float[] k) {
        if (k == null) {
            return null;
        }
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = k[i];
        }
        return out;
    }
}
