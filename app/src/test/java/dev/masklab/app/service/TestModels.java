package dev.masklab.app.service;

import ai.djl.ndarray.NDManager;
import dev.masklab.coco.CocoCategory;
import dev.masklab.coco.CocoDataset;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.ModelCheckpoint;
import dev.masklab.train.CategoryMap;
import dev.masklab.train.ModelInit;
import dev.masklab.train.TrainingConfig;
import dev.masklab.train.ValidationEvaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Seeded, randomly initialised models saved as MaskLab checkpoints (the form the engine's training writes). */
public final class TestModels {
    private TestModels() {}

    /**
     * A model for {@code coco}'s categories (a keypoint model: its categories with keypoints) at shorter side 240,
     * longer at most 320 (the bundled sample's image size).
     */
    public static Path randomCheckpoint(CocoDataset coco, Architecture arch, Path file) throws IOException {
        List<CocoCategory> cats = arch.hasKeypoints()
                ? coco.categories().stream()
                        .filter(c -> c.keypoints() != null && !c.keypoints().isEmpty())
                        .toList()
                : coco.categories();
        int keypoints = arch.hasKeypoints() ? cats.get(0).keypoints().size() : 0;
        CategoryMap map = CategoryMap.contiguous(cats);
        MaskRcnnConfig cfg = ValidationEvaluator.modelConfig(
                arch,
                map,
                TrainingConfig.smallCpu().toBuilder().minSizes(240).maxSize(320).build(),
                keypoints);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(
                    file, ValidationEvaluator.meta(cfg, map), ModelInit.all(arch, map.numClasses(), keypoints, 11, m));
        }
        return file;
    }
}
