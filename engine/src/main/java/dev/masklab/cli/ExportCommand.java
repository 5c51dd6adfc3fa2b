package dev.masklab.cli;

import dev.masklab.model.TorchvisionExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code masklab export}: writes a model (MaskLab checkpoint or torchvision .pth) as a torchvision state dict
 * {@code M.pth} plus {@code M.json} (architecture, classes, constructor arguments, category id per label); see
 * {@link TorchvisionExport}.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a model for torchvision: M.pth (state dict, torch.save format) and M.json (arch, "
                + "num_classes, torchvision_kwargs, category_ids).")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--weights",
            required = true,
            paramLabel = "RUN/model.masklab|W.pth",
            description = "MaskLab checkpoint or torchvision state dict (.pth).")
    Path weights;

    @Option(
            names = "--arch",
            paramLabel = "ARCH",
            description = "maskrcnn_resnet50_fpn or keypointrcnn_resnet50_fpn (needed for a .pth).")
    String arch;

    @Option(names = "--legacy-eps", description = "FrozenBatchNorm eps 0, as torchvision's original COCO weights.")
    boolean legacyEps;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "M.pth",
            description = "State dict to write; the manifest M.json is written beside it.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            TorchvisionExport.Result r = TorchvisionExport.write(weights, arch, legacyEps, out);
            err.printf(
                    "masklab export: %s with %d classes -> %s, %s%n",
                    r.manifest().arch(), r.manifest().numClasses(), r.pth(), r.json());
            err.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("masklab export: " + CliErrors.describe(e));
            err.flush();
            return 1;
        }
    }
}
