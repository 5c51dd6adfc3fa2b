package dev.masklab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.masklab.io.DurableFiles;
import dev.masklab.model.io.CheckpointException;
import dev.masklab.model.io.PthWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a model (torchvision .pth or MaskLab checkpoint) for torchvision: {@code M.pth}, a state dict in
 * torchvision's current key spelling written by {@link PthWriter}, and {@code M.json} ({@link Manifest}: the
 * architecture, the number of classes, the constructor arguments that differ from torchvision's defaults and the
 * COCO category id of each label), so that
 * {@code maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=N, **torchvision_kwargs)} (or
 * {@code keypointrcnn_resnet50_fpn}) loads it with {@code strict=True} and predicts what the engine predicts.
 *
 * <p>Built without pretrained weights, torchvision's ResNet-50 uses {@code nn.BatchNorm2d} (not FrozenBatchNorm2d), so
 * its state dict also holds {@code num_batches_tracked} for each batch norm: it is added (0) where the weights lack
 * it. In evaluation mode BatchNorm2d normalises with its running statistics and eps 1e-5, as the engine's frozen
 * batch norm does; a model whose frozen batch norms use another eps (0 for torchvision's original COCO weights,
 * {@code --legacy-eps}) gets {@code running_var + eps - 1e-5}, which gives the same denominator.
 */
public final class TorchvisionExport {
    /**
     * The entry of a checkpoint's settings ({@link ModelCheckpoint.Meta#settings()}) holding training-time constructor
     * arguments (RPN top-n in training, sampling sizes and fractions) by their torchvision names; {@code masklab train}
     * writes it, the export passes on those that differ from torchvision's defaults.
     */
    public static final String TRAIN_KWARGS = "torchvision_train_kwargs";

    /** torchvision's defaults of the training-time constructor arguments a checkpoint may carry. */
    private static final List<Map.Entry<String, Double>> TRAIN_DEFAULTS = List.of(
            Map.entry("rpn_pre_nms_top_n_train", 2000.0), Map.entry("rpn_post_nms_top_n_train", 2000.0),
            Map.entry("rpn_batch_size_per_image", 256.0), Map.entry("rpn_positive_fraction", 0.5),
            Map.entry("box_batch_size_per_image", 512.0), Map.entry("box_positive_fraction", 0.25));

    /** torchvision's BatchNorm2d eps. */
    static final float TORCH_BN_EPS = 1e-5f;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TorchvisionExport() {}

    /**
     * What {@code M.json} holds.
     *
     * @param arch {@link MaskRcnnConfig#MASKRCNN} or {@link MaskRcnnConfig#KEYPOINTRCNN}
     * @param numClasses classes including the background
     * @param torchvisionKwargs constructor arguments that differ from torchvision's defaults
     * @param categoryIds COCO category id of each label (index 0, background, is 0)
     */
    public record Manifest(
            @JsonProperty("arch") String arch,
            @JsonProperty("num_classes") int numClasses,
            @JsonProperty("torchvision_kwargs") Map<String, Object> torchvisionKwargs,
            @JsonProperty("category_ids") List<Long> categoryIds) {}

    /** The files written. */
    public record Result(Path pth, Path json, Manifest manifest) {}

    /**
     * Writes {@code out} (a .pth) and its manifest beside it ({@code out} with .json instead of .pth).
     *
     * @param weights a torchvision .pth or a MaskLab checkpoint
     * @param arch the architecture of a .pth (for a checkpoint null, or the checkpoint's own)
     * @param legacyEps the weights' frozen batch norms use eps 0 (torchvision's original COCO weights)
     */
    public static Result write(Path weights, String arch, boolean legacyEps, Path out) throws IOException {
        Path json = manifestPath(out);
        if (json.equals(out)) {
            throw new IllegalArgumentException(out + ": the state dict needs another name than its manifest (M.pth)");
        }
        try (MaskRcnn model = MaskRcnn.load(weights, arch, c -> legacyEps ? c.withBnEps(0f) : c, Device.cpu())) {
            MaskRcnnConfig cfg = model.config();
            if (arch != null
                    && ModelCheckpoint.isCheckpoint(weights)
                    && !MaskRcnnConfig.defaults(arch).arch().equals(cfg.arch())) {
                throw new CheckpointException(weights, "the checkpoint holds a " + cfg.arch() + ", not a " + arch);
            }
            Manifest manifest = manifest(cfg, model.meta());
            try (NDManager tmp = model.manager().newSubManager()) {
                PthWriter.write(out, torchvisionStateDict(model.weights().asMap(), cfg.bnEps(), tmp));
            }
            DurableFiles.write(json, o -> o.write(JSON.writeValueAsBytes(manifest)));
            return new Result(out, json, manifest);
        }
    }

    /** {@code M.json} beside {@code M.pth} (the extension replaced, or .json appended when there is none). */
    public static Path manifestPath(Path pth) {
        String name = pth.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return pth.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** The manifest of a model: kwargs from its config, category ids from its checkpoint (label = id for a .pth). */
    static Manifest manifest(MaskRcnnConfig cfg, ModelCheckpoint.Meta meta) {
        MaskRcnnConfig d = MaskRcnnConfig.defaults(cfg.arch());
        Map<String, Object> kwargs = new LinkedHashMap<>();
        if (cfg.minSize() != d.minSize()) {
            kwargs.put("min_size", cfg.minSize());
        }
        if (cfg.maxSize() != d.maxSize()) {
            kwargs.put("max_size", cfg.maxSize());
        }
        if (cfg.boxScoreThresh() != d.boxScoreThresh()) {
            kwargs.put("box_score_thresh", (double) cfg.boxScoreThresh());
        }
        if (cfg.boxNmsThresh() != d.boxNmsThresh()) {
            kwargs.put("box_nms_thresh", (double) cfg.boxNmsThresh());
        }
        if (cfg.detectionsPerImage() != d.detectionsPerImage()) {
            kwargs.put("box_detections_per_img", cfg.detectionsPerImage());
        }
        if (cfg.hasKeypoints() && cfg.numKeypoints() != d.numKeypoints()) {
            kwargs.put("num_keypoints", cfg.numKeypoints());
        }
        // the engine's RPN at inference uses torchvision's test settings (RpnConfig.testing()): nothing to add for
        // prediction; the training's sampling, when the checkpoint records it, so that training can go on in
        // torchvision
        if (meta != null && meta.settings().get(TRAIN_KWARGS) instanceof Map<?, ?> train) {
            for (Map.Entry<String, Double> def : TRAIN_DEFAULTS) {
                String name = def.getKey();
                if (train.get(name) instanceof Number v && v.doubleValue() != def.getValue()) {
                    kwargs.put(name, name.endsWith("fraction") ? (Object) v.doubleValue() : (Object) v.intValue());
                }
            }
        }
        List<Long> ids = new ArrayList<>();
        for (int label = 0; label < cfg.numClasses(); label++) {
            ids.add(
                    label == 0
                            ? 0L
                            : meta != null && label < meta.categoryIds().size()
                                    ? meta.categoryIds().get(label)
                                    : label);
        }
        return new Manifest(cfg.arch(), cfg.numClasses(), kwargs, ids);
    }

    /**
     * The engine's weights as torchvision's state dict: every key kept, a {@code num_batches_tracked} (int64 scalar)
     * after each batch norm's {@code running_var} where missing, and running variances shifted from the model's eps to
     * BatchNorm2d's. New arrays go to {@code m}.
     */
    static Map<String, NDArray> torchvisionStateDict(Map<String, NDArray> weights, float bnEps, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            String key = e.getKey();
            NDArray a = e.getValue();
            if (key.endsWith(".running_var") && bnEps != TORCH_BN_EPS) {
                a = a.add(bnEps - TORCH_BN_EPS);
                a.attach(m);
            }
            out.put(key, a);
            if (key.endsWith(".running_var")) {
                String tracked = key.substring(0, key.length() - "running_var".length()) + "num_batches_tracked";
                if (!weights.containsKey(tracked)) {
                    out.put(tracked, m.create(0L));
                }
            }
        }
        return out;
    }
}
