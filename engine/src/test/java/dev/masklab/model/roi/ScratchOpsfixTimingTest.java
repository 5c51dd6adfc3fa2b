package dev.masklab.model.roi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchOpsfixTimingTest {
  @Test
  void time() {
    Random r = new Random(1);
    for (int rep = 0; rep < 4; rep++) {
      try (NDManager m = NDManager.newBaseManager()) {
        Map<String, NDArray> f = new LinkedHashMap<>();
        int[][] hw = {{32, 48}, {16, 24}, {8, 12}, {4, 6}};
        List<NDArray> leaves = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
          NDArray a = m.randomNormal(new Shape(1, 256, hw[l][0], hw[l][1]));
          a.setRequiresGradient(true);
          leaves.add(a);
        }
        float[] b = new float[4 * 40];
        for (int i = 0; i < 40; i++) {
          float x = r.nextFloat() * 150, y = r.nextFloat() * 100;
          b[4 * i] = x; b[4 * i + 1] = y; b[4 * i + 2] = x + 5 + r.nextFloat() * 60; b[4 * i + 3] = y + 5 + r.nextFloat() * 60;
        }
        NDArray boxes = m.create(b, new Shape(40, 4));
        for (int size : new int[] {7, 14}) {
          MultiScaleRoiAlign pool = new MultiScaleRoiAlign(List.of("0", "1", "2", "3"), size, 2);
          long t0 = System.nanoTime();
          long t1;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int l = 0; l < 4; l++) f.put("" + l, leaves.get(l).mul(leaves.get(l)));
            NDArray out = pool.apply(f, List.of(boxes), List.of(new int[] {128, 171}));
            t1 = System.nanoTime();
            gc.backward(out.sum());
          }
          long t2 = System.nanoTime();
          System.out.printf("size %d differentiable: forward %.1f ms backward %.1f ms%n", size, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
      }
    }
  }
}
