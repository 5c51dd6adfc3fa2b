package dev.masklab.model.rpn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.ImageList;
import dev.masklab.model.ImageTransform;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.io.Npz;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * RPN head outputs and proposals vs torchvision ("features.*" -> "rpn.objectness.i", "rpn.deltas.i", "proposals")
 * on every parity reference, fed torchvision's own features.
 */
class RpnParityTest {
    private static double boxDiff(float[] a, int i, float[] b, int j) {
        double d = 0;
        for (int c = 0; c < 4; c++) {
            d = Math.max(d, Math.abs(a[4 * i + c] - b[4 * j + c]));
        }
        return d;
    }

    static final String[] LEVELS = {"0", "1", "2", "3", "pool"};

    @TestFactory
    Stream<DynamicTest> rpnMatchesTorchvision() {
        return ParityReferences.require().stream()
                .map(ref -> DynamicTest.dynamicTest(ref.name(), () -> {
                    try (NDManager m = NDManager.newBaseManager();
                            StateDict sd = PthLoader.load(ref.pth(), m);
                            Npz npz = Npz.open(ref.npz())) {
                        Map<String, NDArray> features = new LinkedHashMap<>();
                        for (String l : LEVELS) {
                            features.put(l, npz.get("features." + l, m).expandDims(0));
                        }
                        long[] img = npz.shape("image");
                        int[] resized = new ImageTransform().resizedSize((int) img[1], (int) img[2]);
                        NDArray batch = npz.get("transformed", m).expandDims(0);
                        ImageList images =
                                new ImageList(batch, List.of(resized), List.of(new int[] {(int) img[1], (int) img[2]}));
                        RegionProposalNetwork rpn = new RegionProposalNetwork(sd, RpnConfig.testing());

                        long t0 = System.nanoTime();
                        RpnHead.Output head = rpn.head().forward(new ArrayList<>(features.values()));
                        long t1 = System.nanoTime();
                        StringBuilder report = new StringBuilder();
                        for (int i = 0; i < LEVELS.length; i++) {
                            for (String kind : new String[] {"objectness", "deltas"}) {
                                NDArray a = (kind.equals("objectness") ? head.objectness() : head.deltas()).get(i);
                                Npz.Array e = npz.read("rpn." + kind + "." + i);
                                long[] s = a.getShape().getShape();
                                assertArrayEquals(e.shape(), java.util.Arrays.copyOfRange(s, 1, s.length), kind + i);
                                double err = ParityReferences.relativeError(a.toFloatArray(), e.data());
                                report.append(String.format(" %s.%d=%.1e", kind.substring(0, 3), i, err));
                                assertTrue(err <= 1e-5, ref + " rpn." + kind + "." + i + " relative error " + err);
                            }
                        }
                        long t2 = System.nanoTime();
                        RpnOutput out = rpn.forward(images, head.objectness(), head.deltas(), true);
                        long t3 = System.nanoTime();
                        float[] actual = out.proposals().get(0).toFloatArray();
                        Npz.Array expected = npz.read("proposals");
                        assertEquals(expected.shape()[0] * 4, actual.length, ref + ": proposal count");
                        float[] scores = out.scores().get(0).toFloatArray();
                        float[] exp = expected.data();
                        // same box at every position within 1e-3 px, except where torchvision ordered boxes of exactly
                        // equal
                        // score differently: such a box must be found at another position with the same score
                        double worst = 0;
                        int reordered = 0;
                        for (int i = 0; i < scores.length; i++) {
                            double d = boxDiff(actual, i, exp, i);
                            if (d <= 1e-3) {
                                worst = Math.max(worst, d);
                                continue;
                            }
                            boolean found = false;
                            for (int j = 0; j < scores.length && !found; j++) {
                                if (scores[j] == scores[i] && boxDiff(actual, j, exp, i) <= 1e-3) {
                                    found = true;
                                }
                            }
                            assertTrue(
                                    found,
                                    ref + ": proposal " + i + " differs and is no reordering among equal scores");
                            reordered++;
                        }
                        System.out.printf(
                                "RPN %s: head %.0f ms, filter %.0f ms, %d proposals, max box diff %.2e px,"
                                        + " reordered among tied scores: %d;%s%n",
                                ref.name(), (t1 - t0) / 1e6, (t3 - t2) / 1e6, scores.length, worst, reordered, report);
                        assertEquals(
                                out.objectness().getShape().get(1),
                                out.anchors().getShape().get(0));
                        out.close();
                    }
                }));
    }
}
