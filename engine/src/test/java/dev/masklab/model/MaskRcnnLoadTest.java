package dev.masklab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.model.io.CheckpointException;
import dev.masklab.model.io.Npz;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading {@link MaskRcnn}: clear errors for weights of the wrong architecture, exact checkpoint round trips. */
class MaskRcnnLoadTest {
    @TempDir
    Path tmp;

    @Test
    void wrongArchitectureListsMissingAndUnexpectedKeys() {
        ParityReferences.Reference kp = ParityReferences.require().stream()
                .filter(r -> r.model().equals("keypointrcnn"))
                .findFirst()
                .orElseThrow();
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> MaskRcnn.load(kp.pth(), MaskRcnnConfig.MASKRCNN, null, Device.cpu()));
        String m = e.getMessage();
        assertTrue(m.contains("model.pth"), m);
        assertTrue(m.contains("12 missing keys") && m.contains("roi_heads.mask_head.0.0.weight"), m);
        assertTrue(m.contains("18 unexpected keys") && m.contains("roi_heads.keypoint_head.0.weight"), m);
    }

    @Test
    void shapeMismatchIsReported() throws Exception {
        ParityReferences.Reference mr = ParityReferences.require().stream()
                .filter(r -> r.model().equals("maskrcnn"))
                .findFirst()
                .orElseThrow();
        try (NDManager m = NDManager.newBaseManager();
                var sd = dev.masklab.model.io.PthLoader.load(mr.pth(), m)) {
            Map<String, NDArray> w = new LinkedHashMap<>(sd.asMap());
            w.put("backbone.fpn.layer_blocks.0.0.bias", m.zeros(new ai.djl.ndarray.types.Shape(3)));
            Path file = tmp.resolve("bad.mlck");
            ModelCheckpoint.save(
                    file,
                    new ModelCheckpoint.Meta(
                            MaskRcnnConfig.defaults(MaskRcnnConfig.MASKRCNN), List.of(), List.of(), Map.of()),
                    w);
            CheckpointException e =
                    assertThrows(CheckpointException.class, () -> MaskRcnn.load(file, null, null, Device.cpu()));
            assertTrue(
                    e.getMessage().contains("1 shape mismatches")
                            && e.getMessage().contains("backbone.fpn.layer_blocks.0.0.bias [3] (expected [256])"),
                    e.getMessage());
        }
    }

    /** .pth -> checkpoint -> reload: identical weights and identical detections. */
    @Test
    void checkpointRoundTripGivesIdenticalOutputs() throws Exception {
        ParityReferences.Reference r = ParityReferences.require().stream()
                .filter(x -> x.model().equals("maskrcnn"))
                .findFirst()
                .orElseThrow();
        Path file = tmp.resolve("model.mlck");
        try (MaskRcnn a = MaskRcnn.load(
                        r.pth(),
                        MaskRcnnConfig.MASKRCNN,
                        c -> c.withBoxScoreThresh(0f).withBnEps(r.frozenBnEps()),
                        Device.cpu());
                Npz npz = Npz.open(r.npz())) {
            a.save(file, List.of(), List.of(), Map.of("source", r.name()));
            try (MaskRcnn b = MaskRcnn.load(file, null, null, Device.cpu());
                    NDManager tmpM = a.manager().newSubManager()) {
                assertEquals(a.config(), b.config());
                assertEquals(r.name(), b.meta().settings().get("source"));
                assertEquals(a.weights().keys(), b.weights().keys());
                for (String k : a.weights().keys()) {
                    assertArrayEquals(
                            a.weights().get(k).toFloatArray(),
                            b.weights().get(k).toFloatArray(),
                            0f,
                            k);
                }
                long[] ts = r.shape("transformed");
                long[] is = r.shape("image");
                NDArray input = npz.get("transformed", tmpM).reshape(1, ts[0], ts[1], ts[2]);
                Map<String, NDArray> features = new LinkedHashMap<>();
                for (String k : List.of("0", "1", "2", "3", "pool")) {
                    long[] s = r.shape("features." + k);
                    features.put(k, npz.get("features." + k, tmpM).reshape(1, s[0], s[1], s[2]));
                }
                int[] resized = a.transform().resizedSize((int) is[1], (int) is[2]);
                ImageList batch = new ImageList(
                        input, List.<int[]>of(resized), List.<int[]>of(new int[] {(int) is[1], (int) is[2]}));
                MaskRcnnOutput oa = a.detectFromFeatures(batch, features).get(0);
                MaskRcnnOutput ob = b.detectFromFeatures(batch, features).get(0);
                assertArrayEquals(oa.detections().boxes(), ob.detections().boxes(), 0f);
                assertArrayEquals(oa.detections().scores(), ob.detections().scores(), 0f);
                assertArrayEquals(oa.detections().labels(), ob.detections().labels());
                assertArrayEquals(oa.maskProbs(), ob.maskProbs(), 0f);
            }
        }
    }
}
