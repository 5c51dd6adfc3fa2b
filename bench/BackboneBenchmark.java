// Timings of the model-core stages (ImageTransform, ResNet-50-FPN backbone, RPN head + proposal filtering) on one
// random 480x640 image (resized to 800x1066, padded 800x1088), weights from a torch.save checkpoint. Run by
// bench/backbone-benchmark.sh (java source-file mode against the engine classes). Prints median and min of RUNS
// timed repetitions after 2 warm-ups.
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ImageList;
import dev.masklab.model.ImageTransform;
import dev.masklab.model.backbone.ResNetFpnBackbone;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.rpn.RegionProposalNetwork;
import dev.masklab.model.rpn.RpnConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class BackboneBenchmark {
  public static void main(String[] args) throws Exception {
    Path pth = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    dev.masklab.model.ops.Autograd.noGradOnThisThread(); // as Predictor does (grad mode off, NativeHeap)
    try (NDManager root = NDManager.newBaseManager(); StateDict sd = PthLoader.load(pth, root)) {
      ResNetFpnBackbone backbone = new ResNetFpnBackbone(sd, "backbone", 50, 1e-5f);
      RegionProposalNetwork rpn = new RegionProposalNetwork(sd, RpnConfig.testing());
      ImageTransform transform = new ImageTransform();
      double[][] t = new double[3][runs];
      for (int i = -2; i < runs; i++) {
        try (NDManager m = root.newSubManager()) {
          NDArray image = m.randomUniform(0f, 1f, new Shape(3, 480, 640));
          long t0 = System.nanoTime();
          ImageList list = transform.apply(List.of(image), m);
          long t1 = System.nanoTime();
          Map<String, NDArray> f = backbone.forward(list.tensors());
          long t2 = System.nanoTime();
          List<NDArray> p = rpn.proposals(list, f);
          long t3 = System.nanoTime();
          if (i >= 0) {
            t[0][i] = (t1 - t0) / 1e6;
            t[1][i] = (t2 - t1) / 1e6;
            t[2][i] = (t3 - t2) / 1e6;
          }
          if (p.get(0).getShape().get(0) == 0) {
            throw new IllegalStateException("no proposals");
          }
        }
      }
      String[] names = {"ImageTransform 480x640 -> 800x1066 (padded 800x1088)", "ResNet-50-FPN backbone",
          "RPN head + proposals (1000)"};
      for (int s = 0; s < 3; s++) {
        double[] v = t[s].clone();
        Arrays.sort(v);
        System.out.printf(Locale.ROOT, "%-55s median %8.1f ms  min %8.1f ms  (%d runs)%n", names[s], v[runs / 2],
            v[0], runs);
      }
    }
  }
}
