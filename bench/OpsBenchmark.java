// Timings of the hand-written detection ops (dev.masklab.model.ops / .roi) at Mask R-CNN sizes: an 800x1216 padded
// image (FPN levels 200x304 .. 25x38, 256 channels). Run by bench/ops-benchmark.sh (java source-file mode against the
// engine classes). Prints the median and min of RUNS timed repetitions after 2 warm-ups, one line per case.
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.masklab.model.ops.ConvTranspose2d;
import dev.masklab.model.ops.Interpolate;
import dev.masklab.model.ops.Nms;
import dev.masklab.model.roi.MultiScaleRoiAlign;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class OpsBenchmark {
  static int runs;

  interface Case {
    void run() throws Exception;
  }

  static void time(String name, Case c) throws Exception {
    for (int i = 0; i < 2; i++) {
      try (NDScope scope = new NDScope()) {
        c.run();
      }
    }
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      try (NDScope scope = new NDScope()) { // closes the NDArrays the case creates
        long t0 = System.nanoTime();
        c.run();
        t[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(t);
    System.out.printf(Locale.ROOT, "%-62s median %9.1f ms   min %9.1f ms%n", name, t[runs / 2], t[0]);
  }

  static float[] boxes(Random r, int n, float w, float h) {
    float[] b = new float[4 * n];
    for (int i = 0; i < n; i++) {
      float bw = 4 + r.nextFloat() * r.nextFloat() * (w / 2);
      float bh = 4 + r.nextFloat() * r.nextFloat() * (h / 2);
      b[4 * i] = r.nextFloat() * (w - bw);
      b[4 * i + 1] = r.nextFloat() * (h - bh);
      b[4 * i + 2] = b[4 * i] + bw;
      b[4 * i + 3] = b[4 * i + 1] + bh;
    }
    return b;
  }

  public static void main(String[] args) throws Exception {
    runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Random r = new Random(1);
    try (NDManager m = NDManager.newBaseManager()) {
      // FPN features of one 800x1216 image and of a 2-image training batch
      Map<String, NDArray> f1 = new LinkedHashMap<>();
      Map<String, NDArray> f2 = new LinkedHashMap<>();
      int h = 200;
      int w = 304;
      List<String> names = List.of("0", "1", "2", "3");
      for (String n : names) {
        f1.put(n, m.randomNormal(new Shape(1, 256, h, w)));
        f2.put(n, m.randomNormal(new Shape(2, 256, h, w)));
        h /= 2;
        w /= 2;
      }
      List<int[]> size1 = List.of(new int[] {800, 1199});
      List<int[]> size2 = List.of(new int[] {800, 1199}, new int[] {800, 1066});
      NDArray p1000 = m.create(boxes(r, 1000, 1199, 800), new Shape(1000, 4));
      NDArray p100 = m.create(boxes(r, 100, 1199, 800), new Shape(100, 4));
      MultiScaleRoiAlign box = new MultiScaleRoiAlign(names, 7, 2);
      MultiScaleRoiAlign mask = new MultiScaleRoiAlign(names, 14, 2);
      time("MultiScaleRoiAlign inference 1000 boxes -> 7x7 (java)", () -> box.apply(f1, List.of(p1000), size1).close());
      time("MultiScaleRoiAlign inference 100 boxes -> 14x14 (java)", () -> mask.apply(f1, List.of(p100), size1).close());
      time("  same, box 1000x7x7 + mask 100x14x14 sharing HeapFeatures", () -> {
        MultiScaleRoiAlign.HeapFeatures heap = new MultiScaleRoiAlign.HeapFeatures(f1);
        box.apply(heap, List.of(p1000), size1).close();
        mask.apply(heap, List.of(p100), size1).close();
      });
      time("  copy of the 4 levels to the heap, channels-last (part of the above)",
          () -> new MultiScaleRoiAlign.HeapFeatures(f1).arrays().forEach((k, v) -> dev.masklab.model.ops.RoiAlign.channelsLast(v)));

      // training: 2 x 512 sampled proposals (box head), 2 x 128 positives (mask head), forward + backward
      for (NDArray a : f2.values()) {
        a.setRequiresGradient(true);
      }
      NDArray t512a = m.create(boxes(r, 512, 1199, 800), new Shape(512, 4));
      NDArray t512b = m.create(boxes(r, 512, 1066, 800), new Shape(512, 4));
      NDArray t128a = m.create(boxes(r, 128, 1199, 800), new Shape(128, 4));
      NDArray t128b = m.create(boxes(r, 128, 1066, 800), new Shape(128, 4));
      time("MultiScaleRoiAlign train 2x512 boxes 7x7 forward+backward", () -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray o = box.apply(f2, List.of(t512a, t512b), size2);
          gc.backward(o.sum());
        }
      });
      time("MultiScaleRoiAlign train 2x128 boxes 14x14 forward+backward", () -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray o = mask.apply(f2, List.of(t128a, t128b), size2);
          gc.backward(o.sum());
        }
      });
      time("MultiScaleRoiAlign train 2x512 7x7 detached: java fwd + bwd + surrogate", () -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          MultiScaleRoiAlign.Detached d = box.applyDetached(f2, List.of(t512a, t512b), size2);
          gc.backward(d.pooled().sum());
          gc.backward(d.surrogate());
        }
      });
      time("MultiScaleRoiAlign train 2x128 14x14 detached: java fwd + bwd + surrogate", () -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          MultiScaleRoiAlign.Detached d = mask.applyDetached(f2, List.of(t128a, t128b), size2);
          gc.backward(d.pooled().sum());
          gc.backward(d.surrogate());
        }
      });
      time("MultiScaleRoiAlign train 2x512 boxes 7x7 autograd forward only", () -> {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          box.apply(f2, List.of(t512a, t512b), size2).close();
        }
      });

      // NMS: RPN (4000 boxes over 4 levels, 0.7, per-group path) and a single 1000-box NMS at 0.5
      float[] rb = boxes(r, 4000, 1199, 800);
      float[] rs = new float[4000];
      int[] rg = new int[4000];
      for (int i = 0; i < 4000; i++) {
        rs[i] = r.nextFloat();
        rg[i] = i / 1000;
      }
      time("Nms.batchedNms 4000 boxes, 4 groups, iou 0.7", () -> Nms.batchedNms(rb, rs, rg, 0.7f));
      float[] b1k = Arrays.copyOf(rb, 4000);
      float[] s1k = Arrays.copyOf(rs, 1000);
      time("Nms.nms 1000 boxes, iou 0.5", () -> Nms.nms(b1k, s1k, 0.5f));

      // ConvTranspose2d: mask predictor (100 x 256 x 14 x 14, k2 s2) and keypoint predictor (k4 s2 p1, 512 -> 17)
      NDArray xm = m.randomNormal(new Shape(100, 256, 14, 14));
      NDArray wm = m.randomNormal(new Shape(256, 256, 2, 2));
      NDArray bm = m.randomNormal(new Shape(256));
      time("ConvTranspose2d 100x256x14x14, 256->256 k2 s2 (matmul path)",
          () -> ConvTranspose2d.apply(xm, wm, bm, 2, 0).close());
      NDArray xk = m.randomNormal(new Shape(100, 512, 14, 14));
      NDArray wk = m.randomNormal(new Shape(512, 17, 4, 4));
      NDArray bk = m.randomNormal(new Shape(17));
      time("ConvTranspose2d 100x512x14x14, 512->17 k4 s2 p1 (conv path)",
          () -> ConvTranspose2d.apply(xk, wk, bk, 2, 1).close());

      // image resize of the transform: 3 x 480 x 640 -> 800 x 1066
      NDArray img = m.randomUniform(0, 1, new Shape(1, 3, 480, 640));
      time("Interpolate.bilinear 3x480x640 -> 800x1066 (java)", () -> Interpolate.bilinear(img, 800, 1066, false).close());
    }
  }
}
