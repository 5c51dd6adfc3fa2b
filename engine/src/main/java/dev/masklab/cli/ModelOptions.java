package dev.masklab.cli;

import ai.djl.Device;
import dev.masklab.predict.Predictor;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options of the commands that run a model on a dataset's images ({@code predict}, {@code segment}): weights,
 * architecture, dataset, image folder, device and the legacy eps; a picocli mixin.
 */
final class ModelOptions {
    @Option(
            names = "--weights",
            required = true,
            paramLabel = "W.pth|CHECKPOINT",
            description = "torchvision state dict (.pth) or MaskLab checkpoint.")
    Path weights;

    @Option(
            names = "--arch",
            paramLabel = "ARCH",
            description = "maskrcnn_resnet50_fpn or keypointrcnn_resnet50_fpn (needed for a .pth).")
    String arch;

    @Option(names = "--dataset", required = true, paramLabel = "GT.json", description = "COCO dataset (images).")
    Path dataset;

    @Option(
            names = "--image-root",
            paramLabel = "DIR",
            description = "Folder the image file names are relative to (default: the dataset's folder).")
    Path imageRoot;

    @Option(names = "--device", paramLabel = "cpu|gpu", description = "Where to run (default: gpu when available).")
    String device;

    @Option(names = "--legacy-eps", description = "FrozenBatchNorm eps 0, as torchvision's original COCO weights.")
    boolean legacyEps;

    /** The device asked for, else {@link Predictor#defaultDevice()}. */
    Device device() {
        return device == null
                ? Predictor.defaultDevice()
                : switch (device.toLowerCase(Locale.ROOT)) {
                    case "cpu" -> Device.cpu();
                    case "gpu", "cuda" -> Device.gpu();
                    default -> throw new IllegalArgumentException("--device must be cpu or gpu, got '" + device + "'");
                };
    }

    /** The folder image file names are relative to: --image-root, else the dataset's folder. */
    Path imageRoot() {
        return imageRoot != null
                ? imageRoot
                : (dataset.toAbsolutePath().getParent() == null
                        ? Path.of(".")
                        : dataset.toAbsolutePath().getParent());
    }
}
