// Per-image inference latency of MaskLab's engine (Predictor: transform, backbone, RPN, RoI heads, mask pasting /
// keypoint decoding, RLE encoding), the counterpart of bench/torchvision_latency.py. Run by bench/engine-latency.sh in
// java source-file mode against the engine classes. Score threshold 0, so the heads always work on 100 detections.
// Prints one JSON line: median / min / max seconds per image over RUNS timed runs after WARMUP runs.
import ai.djl.Device;
import dev.masklab.predict.Predictor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

public class EngineLatency {
  public static void main(String[] args) throws Exception {
    Path weights = Path.of(args[0]);
    String arch = args[1];
    Path image = Path.of(args[2]);
    int runs = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    Device device = args.length > 5 && args[5].equals("gpu") ? Device.gpu() : Device.cpu();
    try (Predictor p = Predictor.open(weights, arch, new Predictor.Options(0f, device, false))) {
      BufferedImage img = Predictor.readImage(image);
      double[] t = new double[runs];
      int n = 0;
      for (int i = -warmup; i < runs; i++) {
        p.releaseImage(); // the warm model keeps the last image's prediction: time a fresh one
        long t0 = System.nanoTime();
        n = p.predict(img).size();
        double s = (System.nanoTime() - t0) / 1e9;
        if (i >= 0) t[i] = s;
      }
      double[] sorted = t.clone();
      Arrays.sort(sorted);
      System.out.println(String.format(Locale.ROOT,
          "{\"engine\":\"masklab\",\"arch\":\"%s\",\"device\":\"%s\",\"image\":[%d,%d],\"detections\":%d,\"runs\":%d,"
              + "\"median_s\":%.4f,\"min_s\":%.4f,\"max_s\":%.4f}",
          arch, device, img.getHeight(), img.getWidth(), n, runs, sorted[runs / 2], sorted[0], sorted[runs - 1]));
    }
  }
}
