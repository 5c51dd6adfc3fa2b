// Box-prompt latency of MaskLab's warm model (Predictor.prompt) against one full predict of the same image, the
// counterpart of bench/torchvision_segment_latency.py. Run by bench/segment-latency.sh in java source-file mode
// against the engine classes. Per run, interleaved so that a shared machine's load drifts over all three alike:
//   predict      one Predictor.predict of the image, features not cached (transform, backbone, RPN, heads, masks)
//   first        the first box prompt on the image, features not cached (transform, backbone, heads on one box)
//   next         another box prompt on the same image (heads only, from the cached features)
// Prints one JSON line: median / min / max seconds of each over RUNS timed runs after WARMUP runs.
import ai.djl.Device;
import dev.masklab.predict.BoxPrompt;
import dev.masklab.predict.Predictor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public class SegmentLatency {
  public static void main(String[] args) throws Exception {
    Path weights = Path.of(args[0]);
    String arch = args[1];
    Path image = Path.of(args[2]);
    int runs = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    Device device = args.length > 5 && args[5].equals("gpu") ? Device.gpu() : Device.cpu();
    try (Predictor p = Predictor.open(weights, arch, new Predictor.Options(0.05f, device, false))) {
      BufferedImage img = Predictor.readImage(image);
      int w = img.getWidth();
      int h = img.getHeight();
      BoxPrompt first = BoxPrompt.of(0.3 * w, 0.2 * h, 0.4 * w, 0.6 * h);
      BoxPrompt next = BoxPrompt.of(0.05 * w, 0.1 * h, 0.25 * w, 0.5 * h);
      double[][] t = new double[3][runs];
      int detections = 0;
      for (int i = -warmup; i < runs; i++) {
        p.releaseImage();
        long t0 = System.nanoTime();
        detections = p.predict(img).size();
        long t1 = System.nanoTime();
        p.releaseImage();
        long t2 = System.nanoTime();
        p.prompt(img, List.of(first));
        long t3 = System.nanoTime();
        p.prompt(img, List.of(next));
        long t4 = System.nanoTime();
        if (i >= 0) {
          t[0][i] = (t1 - t0) / 1e9;
          t[1][i] = (t3 - t2) / 1e9;
          t[2][i] = (t4 - t3) / 1e9;
        }
      }
      StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
          "{\"engine\":\"masklab\",\"arch\":\"%s\",\"device\":\"%s\",\"image\":[%d,%d],\"detections\":%d,\"runs\":%d",
          arch, device, h, w, detections, runs));
      String[] names = {"predict", "first_prompt", "next_prompt"};
      for (int k = 0; k < 3; k++) {
        double[] s = t[k].clone();
        Arrays.sort(s);
        json.append(String.format(Locale.ROOT, ",\"%s\":{\"median_s\":%.4f,\"min_s\":%.4f,\"max_s\":%.4f}", names[k],
            s[runs / 2], s[0], s[runs - 1]));
      }
      System.out.println(json.append('}'));
    }
  }
}
