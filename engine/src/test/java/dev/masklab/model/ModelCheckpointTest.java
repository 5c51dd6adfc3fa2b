package dev.masklab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.io.CheckpointException;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.roi.BoxPostprocessor;
import dev.masklab.model.roi.RoiHeads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void savesAndReloadsTensorsAndMetadataExactly() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rnd = new Random(7);
            Map<String, NDArray> w = new LinkedHashMap<>();
            float[] a = new float[3 * 4 * 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            a[0] = Float.MIN_VALUE;
            a[1] = -0f;
            w.put("roi_heads.box_head.fc6.weight", m.create(a, new Shape(3, 4, 5)));
            w.put("vec", m.create(new float[] {1.5f, -2f}, new Shape(2)));
            w.put("scalar", m.create(new float[] {3f}, new Shape()));
            w.put("count", m.create(new long[] {1L << 40, -3}, new Shape(2)));
            MaskRcnnConfig cfg =
                    MaskRcnnConfig.defaults(MaskRcnnConfig.MASKRCNN).withNumClasses(3);
            ModelCheckpoint.Meta meta = new ModelCheckpoint.Meta(
                    cfg, List.of("__background__", "cat", "dog"), List.of(0L, 17L, 18L), Map.of("epochs", 12));
            Path file = tmp.resolve("model.mlck");
            ModelCheckpoint.save(file, meta, w);
            assertTrue(ModelCheckpoint.isCheckpoint(file));
            ModelCheckpoint.save(file, meta, w); // second save keeps a backup
            assertTrue(Files.exists(tmp.resolve("model.mlck.bak")));
            try (ModelCheckpoint.Loaded back = ModelCheckpoint.load(file, m)) {
                assertEquals(meta.config(), back.meta().config());
                assertEquals(meta.classes(), back.meta().classes());
                assertEquals(meta.categoryIds(), back.meta().categoryIds());
                assertEquals(12, ((Number) back.meta().settings().get("epochs")).intValue());
                assertEquals(List.copyOf(w.keySet()), List.copyOf(back.weights().keys()));
                for (Map.Entry<String, NDArray> e : w.entrySet()) {
                    NDArray r = back.weights().get(e.getKey());
                    assertEquals(e.getValue().getShape(), r.getShape(), e.getKey());
                    assertEquals(e.getValue().getDataType(), r.getDataType(), e.getKey());
                    if (r.getDataType() == DataType.INT64) {
                        assertArrayEquals(e.getValue().toLongArray(), r.toLongArray());
                    } else {
                        float[] x = e.getValue().toFloatArray();
                        float[] y = r.toFloatArray();
                        for (int i = 0; i < x.length; i++) {
                            assertEquals(
                                    Float.floatToRawIntBits(x[i]),
                                    Float.floatToRawIntBits(y[i]),
                                    e.getKey() + "[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void rejectsFilesThatAreNotCheckpoints() throws Exception {
        Path junk = tmp.resolve("junk.mlck");
        Files.writeString(junk, "not a zip");
        assertFalse(ModelCheckpoint.isCheckpoint(junk));
        try (NDManager m = NDManager.newBaseManager()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ModelCheckpoint.load(junk, m));
            assertTrue(e.getMessage().contains("junk.mlck"), e.getMessage());
            assertThrows(CheckpointException.class, () -> ModelCheckpoint.load(tmp.resolve("missing.mlck"), m));
        }
    }

    /** Writes a checkpoint zip holding {@code config} as config.json and the given raw .npy entries. */
    private Path rawCheckpoint(String name, String config, Map<String, byte[]> npy) throws Exception {
        Path f = tmp.resolve(name);
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new java.util.zip.ZipEntry(ModelCheckpoint.CONFIG_ENTRY));
            z.write(config.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
            for (Map.Entry<String, byte[]> e : npy.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(ModelCheckpoint.WEIGHTS_DIR + e.getKey() + ".npy"));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    private static String config(String field, String value) {
        Map<String, String> c = new LinkedHashMap<>(Map.of(
                "arch",
                "\"maskrcnn_resnet50_fpn\"",
                "numClasses",
                "3",
                "numKeypoints",
                "0",
                "minSize",
                "800",
                "maxSize",
                "1333",
                "boxScoreThresh",
                "0.05",
                "boxNmsThresh",
                "0.5",
                "detectionsPerImage",
                "100",
                "bnEps",
                "1e-5"));
        c.put(field, value);
        StringBuilder b = new StringBuilder("{\"format\":1,\"config\":{");
        c.forEach((k, v) -> b.append('"').append(k).append("\":").append(v).append(','));
        b.setLength(b.length() - 1);
        return b.append("}}").toString();
    }

    private static byte[] npy(String descr, String shape, int dataBytes) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + h.length + dataBytes];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0}, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    @Test
    void configValuesOutOfRangeAndBadArraysAreRefusedByName() throws Exception {
        Object[][] cases = {
            {"minSize", "1000000000", "minSize must be between 1 and 4096, got 1000000000"},
            {"maxSize", "0", "maxSize"},
            {"numClasses", "1000000000", "numClasses"},
            {"detectionsPerImage", "-1", "detectionsPerImage"},
            {"boxScoreThresh", "2.5", "boxScoreThresh"},
            {"bnEps", "-1", "bnEps"},
            {"numKeypoints", "100000", "numKeypoints"},
            {"minSize", "\"big\"", "minSize"},
            {"minSize", "1e400", "minSize"},
            {"arch", "\"resnet\"", "unknown arch"}
        };
        try (NDManager m = NDManager.newBaseManager()) {
            int i = 0;
            for (Object[] c : cases) {
                Path f = rawCheckpoint("cfg" + i++ + ".masklab", config((String) c[0], (String) c[1]), Map.of());
                CheckpointException e = assertThrows(CheckpointException.class, () -> ModelCheckpoint.load(f, m));
                assertTrue(
                        e.getMessage().startsWith(f + ": ") && e.getMessage().contains((String) c[2]), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
            String ok = config("minSize", "800");
            Object[][] arrays = {
                {npy("<f4", "(1000000000000, 1000000000000)", 0), "shape"}, {npy("<f4", "(-4,)", 0), "shape"},
                {npy("<f4", "(x,)", 0), "shape"}, {npy("<f4", "(3,)", 8), "8 data bytes, expected 12"},
                {npy("<u2", "(3,)", 6), "unsupported dtype"}, {new byte[] {1, 2, 3}, "not a .npy"},
                {Arrays.copyOf(npy("<f4", "(3,)", 12), 12), "truncated header"}
            };
            for (Object[] c : arrays) {
                Path f = rawCheckpoint("npy" + i++ + ".masklab", ok, Map.of("w", (byte[]) c[0]));
                CheckpointException e = assertThrows(CheckpointException.class, () -> ModelCheckpoint.load(f, m));
                assertTrue(
                        e.getMessage().startsWith(f + ": ") && e.getMessage().contains((String) c[1]), e.getMessage());
            }
        }
    }

    /** Real torchvision head weights: saved, reloaded, the box branch gives bit-identical outputs. */
    @Test
    void reloadedRealWeightsGiveIdenticalOutputs() throws Exception {
        List<ParityReferences.Reference> refs = ParityReferences.require();
        ParityReferences.Reference ref = refs.get(0);
        try (NDManager m = NDManager.newBaseManager();
                StateDict sd = PthLoader.load(ref.pth(), m)) {
            RoiHeads heads = new RoiHeads(sd::get, false, false, new BoxPostprocessor());
            Path file = tmp.resolve("heads.mlck");
            String arch = ref.model().equals("maskrcnn") ? MaskRcnnConfig.MASKRCNN : MaskRcnnConfig.KEYPOINTRCNN;
            ModelCheckpoint.save(
                    file,
                    new ModelCheckpoint.Meta(MaskRcnnConfig.defaults(arch), List.of(), List.of(), Map.of()),
                    heads.parameters());
            try (ModelCheckpoint.Loaded back = ModelCheckpoint.load(file, m)) {
                RoiHeads reloaded = new RoiHeads(back.weights()::get, false, false, new BoxPostprocessor());
                Random rnd = new Random(3);
                Map<String, NDArray> features = new LinkedHashMap<>();
                int size = 64;
                for (String n : RoiHeads.FEATURE_NAMES) {
                    float[] f = new float[256 * size * size];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) rnd.nextGaussian();
                    }
                    features.put(n, m.create(f, new Shape(1, 256, size, size)));
                    size /= 2;
                }
                NDArray rois =
                        m.create(new float[] {10, 10, 100, 120, 30, 40, 200, 90, 0, 0, 255, 255}, new Shape(3, 4));
                List<int[]> sizes = List.<int[]>of(new int[] {256, 256});
                NDList a = heads.boxLogits(features, List.of(rois), sizes);
                NDList b = reloaded.boxLogits(features, List.of(rois), sizes);
                assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray());
                assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray());
            }
        }
    }
}
