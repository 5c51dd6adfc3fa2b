package dev.masklab.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.model.ops.TorchvisionOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PthWriter}: what it writes reads back bit-identically with {@link PthLoader} (order, shapes, float32 and
 * int64, 0-d and empty tensors), has torch.save's archive layout with 64-byte aligned storages, and is read by torch
 * itself with {@code torch.load(weights_only=True)} into the same values (when /usr/bin/python3 has torch).
 */
class PthWriterTest {
    @TempDir
    Path tmp;

    private static Map<String, NDArray> sample(NDManager m) {
        Random r = new Random(3);
        float[] w = new float[2 * 3 * 5 * 7];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        Map<String, NDArray> sd = new LinkedHashMap<>();
        sd.put("conv.weight", m.create(w, new Shape(2, 3, 5, 7)));
        sd.put("bn.running_var", m.create(new float[] {1e-5f, 2.5f, Float.MIN_VALUE}));
        sd.put("bn.num_batches_tracked", m.create(123456789012L));
        sd.put("empty", m.create(new float[0], new Shape(0, 4)));
        sd.put("ids", m.create(new long[] {-1, 0, Long.MAX_VALUE}));
        return sd;
    }

    @Test
    void readsBackIdenticallyWithTorchSaveLayout() throws Exception {
        Path f = tmp.resolve("m.pth");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = sample(m);
            PthWriter.write(f, sd);
            try (StateDict back = PthLoader.load(f, m)) {
                assertEquals(List.copyOf(sd.keySet()), List.copyOf(back.keys()));
                for (Map.Entry<String, NDArray> e : sd.entrySet()) {
                    NDArray b = back.get(e.getKey());
                    assertEquals(e.getValue().getShape(), b.getShape(), e.getKey());
                    assertEquals(e.getValue().getDataType(), b.getDataType(), e.getKey());
                    assertArrayEquals(e.getValue().toByteArray(), b.toByteArray(), e.getKey());
                }
            }
        }
        try (ZipFile z = new ZipFile(f.toFile())) {
            for (String name : List.of(
                    "archive/data.pkl", "archive/byteorder", "archive/version", "archive/data/0", "archive/data/4")) {
                assertTrue(z.getEntry(name) != null, name);
            }
            assertEquals(ZipEntry.STORED, z.getEntry("archive/data/0").getMethod());
        }
        assertTrue(Files.list(tmp).allMatch(p -> p.equals(f)), "no temporary file left");
    }

    @Test
    void torchLoadsItWithWeightsOnly() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 has no torch");
        Path f = tmp.resolve("m.pth");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = sample(m);
            PthWriter.write(f, sd);
            JsonNode out = TorchvisionOracle.run("""
          import zipfile
          sd = torch.load(inp['file'], map_location='cpu', weights_only=True)
          z = zipfile.ZipFile(inp['file'])
          aligned = all((i.header_offset + 30 + len(i.filename) + len(i.extra)) % 64 == 0
                        for i in z.infolist() if '/data/' in i.filename)
          out = {'keys': list(sd.keys()), 'type': type(sd).__name__, 'aligned': aligned,
                 'shapes': [list(v.shape) for v in sd.values()], 'dtypes': [str(v.dtype) for v in sd.values()],
                 'values': [v.double().reshape(-1).tolist() for v in sd.values()]}
          """, Map.of("file", f.toString()));
            assertEquals("OrderedDict", out.path("type").asText());
            assertTrue(out.path("aligned").asBoolean(), "storages 64-byte aligned");
            List<String> keys = new java.util.ArrayList<>();
            out.path("keys").forEach(k -> keys.add(k.asText()));
            assertEquals(List.copyOf(sd.keySet()), keys);
            int i = 0;
            for (NDArray a : sd.values()) {
                assertEquals(a.getShape().toString(), shapeOf(out.path("shapes").get(i)), a.getName());
                assertEquals(
                        a.getDataType() == DataType.INT64 ? "torch.int64" : "torch.float32",
                        out.path("dtypes").get(i).asText());
                JsonNode v = out.path("values").get(i);
                if (a.getDataType() == DataType.INT64) {
                    long[] x = a.toLongArray();
                    for (int k = 0; k < x.length; k++) {
                        // doubles in JSON: compare as Python's double() of the value
                        assertEquals((double) x[k], v.get(k).asDouble());
                    }
                } else {
                    float[] x = a.toFloatArray();
                    for (int k = 0; k < x.length; k++) {
                        assertEquals(x[k], (float) v.get(k).asDouble());
                    }
                }
                i++;
            }
        }
    }

    private static String shapeOf(JsonNode dims) {
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).asLong();
        }
        return new Shape(s).toString();
    }
}
