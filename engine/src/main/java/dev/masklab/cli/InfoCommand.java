package dev.masklab.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code masklab info}: the versions and devices the engine runs with. It starts DJL's PyTorch engine (unpacking its
 * native libraries into the per-user cache on first use, offline) and runs one operation, so it also checks an install.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print MaskLab, Java, DJL and PyTorch versions and the devices the engine can use.")
public final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("MaskLab: " + Main.VERSION);
        System.out.println("Java: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println(
                "DJL: " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion());
        int gpus = engine.getGpuCount();
        System.out.println(
                "GPUs: " + gpus + (gpus > 0 ? " (default device " + engine.defaultDevice() + ")" : " (CPU only)"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.arange(6f).reshape(2, 3);
            float sum = x.matMul(x.transpose()).sum().getFloat();
            if (sum != 83f) {
                System.err.println("masklab info: the engine computed " + sum + " for a check whose answer is 83");
                return 1;
            }
        }
        System.out.println("engine check: OK");
        return 0;
    }
}
