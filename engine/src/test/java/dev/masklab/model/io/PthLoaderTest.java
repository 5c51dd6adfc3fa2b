package dev.masklab.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.model.ParityReferences;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthLoaderTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Runs a python script with torch (when /usr/bin/python3 has it); returns stdout, or null when unavailable. */
    private String python(String script, String... args) throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return null;
        }
        Path py = tmp.resolve("script.py");
        Files.writeString(py, script);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), py.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return null;
        }
        return new String(out);
    }

    private static final String DUMP = """
      import sys, json, torch
      sd = torch.load(sys.argv[1], map_location='cpu')
      out = {}
      for k, v in sd.items():
          f = v.detach().double().flatten()
          out[k] = {'shape': list(v.shape), 'dtype': str(v.dtype), 'sum': float(f.sum()),
                    'head': [float(x) for x in f[:4]], 'tail': [float(x) for x in f[-2:]]}
      print(json.dumps(out))
      """;

    @Test
    void loadsEveryReferenceCheckpointLikeTorch() throws Exception {
        for (ParityReferences.Reference ref : ParityReferences.require()) {
            try (NDManager m = NDManager.newBaseManager();
                    StateDict sd = PthLoader.load(ref.pth(), m)) {
                String py = python(DUMP, ref.pth().toString());
                if (py == null) {
                    // no torch here: check the architecture's known shapes
                    assertArrayEquals(
                            new long[] {64, 3, 7, 7},
                            sd.get("backbone.body.conv1.weight").getShape().getShape());
                    assertArrayEquals(
                            new long[] {3, 256, 1, 1},
                            sd.get("rpn.head.cls_logits.weight").getShape().getShape());
                    assertArrayEquals(
                            new long[] {256, 256, 3, 3},
                            sd.get("rpn.head.conv.0.0.weight").getShape().getShape());
                    continue;
                }
                JsonNode expected = JSON.readTree(py);
                assertEquals(expected.size(), sd.size(), ref + ": key count");
                Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
                int i = 0;
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String key = PthLoader.currentKey(e.getKey());
                    NDArray a = sd.get(key);
                    JsonNode x = e.getValue();
                    long[] shape = new long[x.get("shape").size()];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = x.get("shape").get(d).asLong();
                    }
                    assertArrayEquals(shape, a.getShape().getShape(), ref + " " + key);
                    if (a.getDataType() != DataType.FLOAT32) {
                        continue;
                    }
                    float[] v = a.toFloatArray();
                    for (int k = 0; k < x.get("head").size(); k++) {
                        assertEquals(
                                (float) x.get("head").get(k).asDouble(), v[k], 0f, ref + " " + key + "[" + k + "]");
                    }
                    assertEquals(
                            (float) x.get("tail").get(1).asDouble(), v[v.length - 1], 0f, ref + " " + key + " last");
                    double sum = 0;
                    double abs = 0;
                    for (float f : v) {
                        sum += f;
                        abs += Math.abs(f);
                    }
                    assertEquals(x.get("sum").asDouble(), sum, 1e-9 * abs + 1e-12, ref + " " + key + " sum");
                    i++;
                }
                assertTrue(i > 100, "compared " + i + " float tensors");
            }
        }
    }

    private static final String SMALL = """
      import sys, torch
      from collections import OrderedDict
      base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3
      sd = OrderedDict()
      sd['backbone.fpn.inner_blocks.0.weight'] = torch.tensor([[1.5, -2.25]])
      sd['backbone.fpn.layer_blocks.3.bias'] = torch.tensor([7.0, 8.0, 9.0])
      sd['rpn.head.conv.weight'] = torch.ones(2, 1, 1, 1)
      sd['roi_heads.mask_head.mask_fcn4.bias'] = torch.tensor([4.0])
      sd['t.transposed'] = base.t()
      sd['t.slice'] = base[1:3, 2:5]
      sd['t.int64'] = torch.tensor([3, -1, 1 << 40])
      sd['t.double'] = torch.tensor([0.1, 0.2], dtype=torch.float64)
      sd['t.scalar'] = torch.tensor(2.5)
      sd['t.bool'] = torch.tensor([True, False, True])
      torch.save(sd, sys.argv[1])
      print('ok')
      """;

    @Test
    void viewsDtypesAndLegacyKeys() throws Exception {
        Path pth = tmp.resolve("small.pth");
        assumeTrue(python(SMALL, pth.toString()) != null, "needs /usr/bin/python3 with torch");
        try (NDManager m = NDManager.newBaseManager();
                StateDict sd = PthLoader.load(pth, m)) {
            assertEquals(
                    List.of(
                            "backbone.fpn.inner_blocks.0.0.weight",
                            "backbone.fpn.layer_blocks.3.0.bias",
                            "rpn.head.conv.0.0.weight",
                            "roi_heads.mask_head.3.0.bias",
                            "t.transposed",
                            "t.slice",
                            "t.int64",
                            "t.double",
                            "t.scalar",
                            "t.bool"),
                    List.copyOf(sd.keys()));
            assertArrayEquals(
                    new float[] {1.5f, -2.25f},
                    sd.get("backbone.fpn.inner_blocks.0.0.weight").toFloatArray());
            float[] base = new float[24];
            for (int i = 0; i < 24; i++) {
                base[i] = i * 0.5f - 3;
            }
            NDArray t = sd.get("t.transposed");
            assertArrayEquals(new long[] {6, 4}, t.getShape().getShape());
            float[] tv = t.toFloatArray();
            for (int r = 0; r < 6; r++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(base[c * 6 + r], tv[r * 4 + c]);
                }
            }
            float[] sl = sd.get("t.slice").toFloatArray();
            assertArrayEquals(new float[] {base[8], base[9], base[10], base[14], base[15], base[16]}, sl);
            assertArrayEquals(new long[] {3, -1, 1L << 40}, sd.get("t.int64").toLongArray());
            assertArrayEquals(new double[] {0.1, 0.2}, sd.get("t.double").toDoubleArray());
            assertEquals(0, sd.get("t.scalar").getShape().dimension());
            assertEquals(2.5f, sd.get("t.scalar").getFloat());
            assertArrayEquals(
                    new boolean[] {true, false, true}, sd.get("t.bool").toBooleanArray());
            NoSuchElementException missing = assertThrows(NoSuchElementException.class, () -> sd.get("nope.weight"));
            assertTrue(missing.getMessage().contains("nope.weight")
                    && missing.getMessage().contains("small.pth"));
        }
    }

    @Test
    void legacyKeySpelling() {
        assertEquals(
                "backbone.fpn.inner_blocks.2.0.weight", PthLoader.currentKey("backbone.fpn.inner_blocks.2.weight"));
        assertEquals("backbone.fpn.layer_blocks.0.0.bias", PthLoader.currentKey("backbone.fpn.layer_blocks.0.bias"));
        assertEquals("backbone.fpn.layer_blocks.0.0.bias", PthLoader.currentKey("backbone.fpn.layer_blocks.0.0.bias"));
        assertEquals("rpn.head.conv.0.0.weight", PthLoader.currentKey("rpn.head.conv.weight"));
        assertEquals("rpn.head.conv.0.0.weight", PthLoader.currentKey("rpn.head.conv.0.0.weight"));
        assertEquals("roi_heads.mask_head.0.0.weight", PthLoader.currentKey("roi_heads.mask_head.mask_fcn1.weight"));
        assertEquals("roi_heads.mask_head.3.0.bias", PthLoader.currentKey("roi_heads.mask_head.mask_fcn4.bias"));
        assertEquals("roi_heads.keypoint_head.0.weight", PthLoader.currentKey("roi_heads.keypoint_head.0.weight"));
        assertEquals("backbone.body.layer1.0.bn1.weight", PthLoader.currentKey("backbone.body.layer1.0.bn1.weight"));
    }

    private void assertRejected(Path file, String... fragments) {
        try (NDManager m = NDManager.newBaseManager()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> PthLoader.load(file, m));
            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            for (String f : fragments) {
                assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
            }
        }
    }

    @Test
    void corruptFilesGiveClearMessages() throws Exception {
        assertRejected(tmp.resolve("missing.pth"), "no such checkpoint file");
        Path empty = Files.createFile(tmp.resolve("empty.pth"));
        assertRejected(empty, "empty");
        Path garbage = tmp.resolve("garbage.pth");
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        Files.write(garbage, junk);
        assertRejected(garbage, "not a complete zip archive");
        Path noPickle = tmp.resolve("nopickle.pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noPickle))) {
            z.putNextEntry(new ZipEntry("archive/data/0"));
            z.write(new byte[16]);
            z.closeEntry();
        }
        assertRejected(noPickle, "no <archive>/data.pkl");

        // a real checkpoint: from python when available, else a parity reference
        Path real = tmp.resolve("small.pth");
        if (python(SMALL, real.toString()) == null) {
            List<ParityReferences.Reference> refs = ParityReferences.all();
            assumeTrue(!refs.isEmpty(), "needs python with torch or a parity reference");
            real = refs.get(0).pth();
        }
        byte[] all = Files.readAllBytes(real);
        Path truncated = tmp.resolve("truncated.pth");
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length * 2 / 3));
        assertRejected(truncated, "not a complete zip archive");

        // storage entries missing or cut short inside an otherwise valid archive
        Path dropped = tmp.resolve("dropped.pth");
        Path shortened = tmp.resolve("shortened.pth");
        try (ZipFile zin = new ZipFile(real.toFile());
                ZipOutputStream a = new ZipOutputStream(Files.newOutputStream(dropped));
                ZipOutputStream b = new ZipOutputStream(Files.newOutputStream(shortened))) {
            Enumeration<? extends ZipEntry> en = zin.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                byte[] data;
                try (InputStream in = zin.getInputStream(e)) {
                    data = in.readAllBytes();
                }
                boolean first = e.getName().endsWith("/data/0");
                if (!first) {
                    copy(a, e.getName(), data);
                }
                copy(b, e.getName(), first ? java.util.Arrays.copyOf(data, data.length - 4) : data);
            }
        }
        assertRejected(dropped, "data/0", "missing");
        assertRejected(shortened, "data/0", "bytes, expected");
    }

    private static void copy(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        OutputStream o = z;
        o.write(data);
        z.closeEntry();
    }
}
