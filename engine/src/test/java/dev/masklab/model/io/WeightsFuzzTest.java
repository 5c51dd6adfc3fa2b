package dev.masklab.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import dev.masklab.BoundedHeap;
import dev.masklab.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Seeded fuzz suite for torch.save checkpoints (issue #18): hundreds of malformed pickles and archives (cycles, deep
 * nesting, huge, negative and overflowing sizes, strides and offsets, wrong types, disallowed globals and opcodes,
 * entries that inflate beyond what they declare, truncations and random byte flips of a valid file). Each must give
 * a {@link CheckpointException} whose message is one line naming the file (or, for a random flip that leaves the file
 * valid, load); none may throw anything else. A few go through {@code masklab predict}: exit 2, one line on stderr,
 * nothing written. Runs in seconds: nothing large is ever allocated, because every size is checked before use.
 */
class WeightsFuzzTest {
    @TempDir
    static Path tmp;

    private static NDManager manager;
    private static int counter;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    // --- a minimal pickle writer (protocol 2, as torch.save writes) ------------------------------------------------

    /** Pickle bytes, written opcode by opcode. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X').op(b.length & 0xff, b.length >> 8 & 0xff, b.length >> 16 & 0xff, b.length >>> 24);
            out.writeBytes(b);
            return this;
        }

        Pickle num(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                for (int i = 0; i < 4; i++) {
                    op((int) (v >> (8 * i)) & 0xff);
                }
            } else {
                op(0x8a, 8);
                for (int i = 0; i < 8; i++) {
                    op((int) (v >> (8 * i)) & 0xff);
                }
            }
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle tuple(long... v) {
            op('(');
            for (long x : v) {
                num(x);
            }
            return op('t');
        }

        Pickle orderedDict() {
            return global("collections", "OrderedDict").op(')', 'R');
        }

        /** _rebuild_tensor_v2(storage(type, key, numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String type, String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage")
                    .global("torch", type)
                    .str(key)
                    .str("cpu")
                    .num(numel)
                    .op('t', 'Q');
            num(offset).tuple(size).tuple(stride).op(0x89).orderedDict();
            return op('t', 'R');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** One tensor of a state dict: key, float storage key, numel, offset, size, stride. */
    record T(String key, String storage, long numel, long offset, long[] size, long[] stride) {}

    static byte[] stateDict(List<T> tensors) {
        Pickle p = new Pickle().op(0x80, 2).orderedDict().op('(');
        for (T t : tensors) {
            p.str(t.key).tensor("FloatStorage", t.storage, t.numel, t.offset, t.size, t.stride);
        }
        return p.op('u', '.').bytes();
    }

    static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 0.5f);
        }
        return b.array();
    }

    /** A torch.save-style zip: archive/data.pkl, archive/byteorder and the given storages (key -> bytes). */
    static Path archive(byte[] pickle, Map<String, byte[]> storages) throws Exception {
        Path f = tmp.resolve("case" + (counter++) + ".pth");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("archive/byteorder"));
            z.write("little".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                z.putNextEntry(new ZipEntry("archive/data/" + e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    static Path archive(byte[] pickle) throws Exception {
        return archive(pickle, Map.of("0", floats(12)));
    }

    static final List<T> VALID = List.of(
            new T("a.weight", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1}),
            new T("a.bias", "0", 12, 4, new long[] {4}, new long[] {1}),
            new T("b.t", "0", 12, 0, new long[] {4, 3}, new long[] {1, 4}));

    /** Loads {@code f}; returns null when it loaded, else the CheckpointException, after checking its message. */
    static CheckpointException load(Path f) {
        try (StateDict sd = PthLoader.load(f, manager)) {
            return null;
        } catch (CheckpointException e) {
            assertEquals(f, e.file());
            String m = e.getMessage();
            assertTrue(m.startsWith(f.toString() + ": "), m);
            assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
            assertTrue(m.length() < 600, "short: " + m.length() + " chars");
            return e;
        } catch (Throwable e) {
            fail(f + ": " + e, e);
            return null;
        }
    }

    static void assertRefused(Path f, String fragment) {
        CheckpointException e = load(f);
        assertTrue(e != null, f + " loaded but should be refused (" + fragment + ")");
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
    }

    @Test
    void theWriterMakesALoadableCheckpoint() throws Exception {
        Path f = archive(stateDict(VALID));
        try (StateDict sd = PthLoader.load(f, manager)) {
            assertEquals(List.of("a.weight", "a.bias", "b.t"), List.copyOf(sd.keys()));
            assertArrayEquals(new float[] {2f, 2.5f, 3f, 3.5f}, sd.get("a.bias").toFloatArray());
            assertArrayEquals(
                    new float[] {0f, 2f, 4f, 0.5f, 2.5f, 4.5f, 1f, 3f, 5f, 1.5f, 3.5f, 5.5f},
                    sd.get("b.t").toFloatArray());
        }
    }

    @Test
    void structuralAttacksAreRefusedByName() throws Exception {
        // cycles through the memo: a dict holding itself under "model", a list holding itself
        assertRefused(
                archive(new Pickle()
                        .op(0x80, 2, '}', 'q', 0)
                        .str("model")
                        .op('h', 0, 's', '.')
                        .bytes()),
                "cycle");
        Pickle selfList = new Pickle().op(0x80, 2, '}').str("x").op(']', 'q', 1, 'h', 1, 'a', 's', '.');
        assertRefused(archive(selfList.bytes()), "cycle");
        // deep nesting: 200,000 nested lists (a recursive reader would overflow its stack)
        Pickle deep = new Pickle().op(0x80, 2, '}').str("x");
        for (int i = 0; i < 200_000; i++) {
            deep.op(']');
        }
        for (int i = 0; i < 199_999; i++) {
            deep.op('a');
        }
        assertRefused(archive(deep.op('s', '.').bytes()), "nest more than");
        // a persistent id that is a deeply nested list (was stringified for the message: gigabytes)
        Pickle pid = new Pickle().op(0x80, 2, '}').str("x");
        for (int i = 0; i < 300; i++) {
            pid.op(']', 'q', 0, 'h', 0, 'h', 0, 'a');
        }
        assertRefused(archive(pid.op('Q', 's', '.').bytes()), "persistent id is a list");
        // not a state dict at all
        assertRefused(archive(new Pickle().op(0x80, 2, 'N', '.').bytes()), "pickled object is None");
        assertRefused(archive(new Pickle().op(0x80, 2, ']', '.').bytes()), "pickled object is list");
        // dict keys that are not hashable scalars
        assertRefused(archive(new Pickle().op(0x80, 2, '}', ']', ']', 's', '.').bytes()), "dict key is a list");
    }

    static final String[][] FORBIDDEN = {
        {"os", "system"},
        {"posix", "system"},
        {"builtins", "eval"},
        {"__builtin__", "exec"},
        {"subprocess", "Popen"},
        {"builtins", "getattr"},
        {"torch", "load"},
        {"collections", "defaultdict"},
        {"__builtin__", "set"},
        {"numpy.core.multiarray", "_reconstruct"},
        {"torch._utils", "_rebuild_qtensor"},
        {"torch.nn", "Module"},
        {"torch", "Tensor"},
        {"torch.serialization", "_get_layout"},
        {"torch", "FloatStorage\nos"},
        {"x".repeat(300), "y"}
    };

    @Test
    void onlyAllowlistedGlobalsAndOpcodesRun() throws Exception {
        for (String[] g : FORBIDDEN) {
            // GLOBAL and STACK_GLOBAL spellings, called with a harmless argument
            assertRefused(
                    archive(new Pickle()
                            .op(0x80, 2)
                            .global(g[0], g[1])
                            .str("id")
                            .op(0x85, 'R', '.')
                            .bytes()),
                    g[0].length() > 256 ? "longer than" : "not allowed");
            assertRefused(
                    archive(new Pickle()
                            .op(0x80, 4)
                            .str(g[0])
                            .str(g[1])
                            .op(0x93)
                            .str("id")
                            .op(0x85, 'R', '.')
                            .bytes()),
                    g[0].length() > 256 ? "not allowed" : "not allowed");
        }
        // opcodes that construct objects or read text: INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1, PERSID, INT, STRING, LONG
        for (int op : new int[] {'i', 'o', 0x81, 0x92, 0x82, 'P', 'I', 'S', 'L', 'F', 'V', 'p', 'g', 0x90, 0x91}) {
            assertRefused(archive(new Pickle().op(0x80, 2, op, '.').bytes()), "not allowed");
        }
        // a storage class may not be called, a rebuild function may not take strings
        assertRefused(
                archive(new Pickle()
                        .op(0x80, 2)
                        .global("torch", "FloatStorage")
                        .op(')', 'R', '.')
                        .bytes()),
                "cannot be constructed");
        assertRefused(
                archive(new Pickle()
                        .op(0x80, 2, '}')
                        .str("w")
                        .global("torch._utils", "_rebuild_tensor_v2")
                        .op('(')
                        .str("storage")
                        .num(0)
                        .tuple(1)
                        .tuple(1)
                        .op(0x89, 'N', 't', 'R', 's', '.')
                        .bytes()),
                "storage is a str");
        // BUILD may only set an OrderedDict's state
        assertRefused(archive(new Pickle().op(0x80, 2, ']', '}', 'b', '.').bytes()), "BUILD");
    }

    @Test
    void sizesStridesAndOffsetsAreCheckedWithExactArithmetic() throws Exception {
        long big = 1L << 62;
        Object[][] cases = {
            {new T("w", "0", 12, 0, new long[] {3, 2}, new long[] {big, 1}), "overflow"},
            {new T("w", "0", 12, 0, new long[] {2, 2}, new long[] {big, 1}), "reaches element"},
            {new T("w", "0", 12, 0, new long[] {big, big}, new long[] {1, 1}), "overflow"},
            {new T("w", "0", 12, 0, new long[] {1L << 40}, new long[] {0}), "repeatedly"},
            {new T("w", "0", 12, 0, new long[] {100_000, 100_000}, new long[] {0, 0}), "repeatedly"},
            {new T("w", "0", 12, 0, new long[] {13}, new long[] {1}), "reaches element 12"},
            {new T("w", "0", 12, 11, new long[] {2}, new long[] {1}), "reaches element"},
            {new T("w", "0", 12, 0, new long[] {4, 4}, new long[] {4, 1}), "reaches element"},
            {new T("w", "0", 12, Long.MAX_VALUE, new long[] {2}, new long[] {1}), "overflow"},
            {new T("w", "0", 12, -1, new long[] {2}, new long[] {1}), "storage offset -1"},
            {new T("w", "0", 12, 0, new long[] {-3}, new long[] {1}), "size -3"},
            {new T("w", "0", 12, 0, new long[] {3}, new long[] {-1}), "stride -1"},
            {new T("w", "0", 12, 0, new long[] {3, 4}, new long[] {1}), "strides"},
            {new T("w", "0", 12, 0, new long[70], new long[70]), "dimensions"},
            {new T("w", "0", 1L << 60, 0, new long[] {3}, new long[] {1}), "bytes"},
            {new T("w", "0", Long.MAX_VALUE, 0, new long[] {3}, new long[] {1}), "overflow"},
            {new T("w", "0", 13, 0, new long[] {3}, new long[] {1}), "has 48 bytes, expected 52"},
            {new T("w", "0", -5, 0, new long[] {3}, new long[] {1}), "element count -5"},
            {new T("w", "9", 12, 0, new long[] {3}, new long[] {1}), "missing"},
            {new T("w", "../0", 12, 0, new long[] {3}, new long[] {1}), "not a plain entry name"},
            {new T("w", "x".repeat(5000), 12, 0, new long[] {3}, new long[] {1}), "not a plain entry name"},
        };
        for (Object[] c : cases) {
            assertRefused(archive(stateDict(List.of((T) c[0]))), (String) c[1]);
        }
        // one storage declared with two sizes
        assertRefused(
                archive(stateDict(List.of(
                        new T("a", "0", 12, 0, new long[] {3}, new long[] {1}),
                        new T("b", "0", 6, 0, new long[] {3}, new long[] {1})))),
                "declared both");
        // a shared storage viewed by many tensors: refused within the copy budget, not materialised
        List<T> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new T("t" + i, "0", 12, 0, new long[] {1 << 20, 12}, new long[] {0, 1}));
        }
        assertRefused(archive(stateDict(many)), "repeatedly");
        // legitimate views of one storage still load: stride 0 (expand) and a shared storage
        Path ok = archive(stateDict(List.of(
                new T("e", "0", 12, 1, new long[] {3, 2}, new long[] {0, 1}),
                new T("f", "0", 12, 0, new long[] {12}, new long[] {1}))));
        try (StateDict sd = PthLoader.load(ok, manager)) {
            assertArrayEquals(
                    new float[] {0.5f, 1f, 0.5f, 1f, 0.5f, 1f}, sd.get("e").toFloatArray());
            assertEquals(12, sd.get("f").size());
        }
    }

    @Test
    void entriesAreCheckedAgainstTheCentralDirectoryBeforeInflating() throws Exception {
        // data.pkl declared larger than any real one: refused from the directory, nothing inflated (100 MB of zeros)
        assertRefused(archive(new byte[100 << 20]), "declares 104857600 bytes");
        // a storage whose directory entry claims the right size but whose data inflates to more
        Path f = archive(
                stateDict(List.of(new T("w", "0", 12, 0, new long[] {12}, new long[] {1}))),
                Map.of("0", new byte[1 << 20]));
        patchCentralSize(f, "archive/data/0", 48);
        assertRefused(f, "does not hold");
        // garbage, empty, truncated archives, no data.pkl, big-endian
        Random rnd = new Random(18);
        byte[] junk = new byte[2048];
        rnd.nextBytes(junk);
        Path g = tmp.resolve("junk.pth");
        Files.write(g, junk);
        assertRefused(g, "not a complete zip");
        byte[] valid = Files.readAllBytes(archive(stateDict(VALID)));
        for (int cut = 1; cut < valid.length; cut += Math.max(1, valid.length / 40)) {
            Path t = tmp.resolve("cut" + cut + ".pth");
            Files.write(t, java.util.Arrays.copyOf(valid, cut));
            assertTrue(load(t) != null, "truncated at " + cut + " of " + valid.length);
        }
    }

    /** Sets the uncompressed size of {@code name} in the zip's central directory. */
    static void patchCentralSize(Path zip, String name, int size) throws Exception {
        byte[] b = Files.readAllBytes(zip);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < b.length; i++) {
            if (buf.getInt(i) == 0x02014b50
                    && buf.getShort(i + 28) == n.length
                    && java.util.Arrays.equals(b, i + 46, i + 46 + n.length, n, 0, n.length)) {
                buf.putInt(i + 24, size);
                Files.write(zip, b);
                return;
            }
        }
        fail("no central directory entry " + name);
    }

    @Test
    void everyTruncationAndRandomFlipOfAValidPickleLoadsOrIsRefused() throws Exception {
        byte[] pickle = stateDict(VALID);
        // every truncation point of the pickle
        for (int cut = 0; cut < pickle.length; cut++) {
            assertTrue(load(archive(java.util.Arrays.copyOf(pickle, cut))) != null, "pickle cut at " + cut);
        }
        // seeded random mutations: flips, insertions of opcodes, large length fields
        Random rnd = new Random(1818);
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            byte[] m = pickle.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextInt(m.length);
                m[at] = switch (rnd.nextInt(3)) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> (byte) (m[at] ^ (1 << rnd.nextInt(8)));
                    default -> (byte) 0xff;
                };
            }
            if (load(archive(m)) != null) {
                refused++;
            }
        }
        assertTrue(refused > 100, "most random mutations are refused: " + refused);
    }

    /**
     * Child-JVM probe: loads each file; prints each refusal's message; exit 0 when all were refused with a
     * CheckpointException, 3 when one loaded, 4 when anything else escaped (an OutOfMemoryError included).
     */
    public static void main(String[] files) {
        try (NDManager m = NDManager.newBaseManager()) {
            BoundedHeap.probe(files, f -> PthLoader.load(f, m).close(), CheckpointException.class);
        }
    }

    @Test
    void bombsAreRefusedUnderAOneGigabyteHeap() throws Exception {
        List<String> files = new ArrayList<>();
        files.add(archive(stateDict(List.of(new T("w", "0", 12, 0, new long[] {1L << 40}, new long[] {0}))))
                .toString());
        List<T> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new T("t" + i, "0", 12, 0, new long[] {1 << 22, 12}, new long[] {0, 1}));
        }
        files.add(archive(stateDict(many)).toString());
        files.add(archive(new Pickle()
                        .op(0x80, 2, '}', 'q', 0)
                        .str("model")
                        .op('h', 0, 's', '.')
                        .bytes())
                .toString());
        Pickle deep = new Pickle().op(0x80, 2, '}').str("x");
        for (int i = 0; i < 500_000; i++) {
            deep.op(']');
        }
        for (int i = 0; i < 499_999; i++) {
            deep.op('a');
        }
        files.add(archive(deep.op('s', '.').bytes()).toString());
        Path inflating = archive(
                stateDict(List.of(new T("w", "0", 12, 0, new long[] {12}, new long[] {1}))),
                Map.of("0", new byte[64 << 20]));
        patchCentralSize(inflating, "archive/data/0", 48);
        files.add(inflating.toString());
        BoundedHeap.Result r = BoundedHeap.run(WeightsFuzzTest.class, files);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(
                files.size(),
                r.output().lines().filter(l -> l.startsWith(tmp.toString())).count(),
                r.output());
    }

    @Test
    void predictNamesABadWeightsFileInOneLineAndWritesNothing() throws Exception {
        Path gt = tmp.resolve("gt.json");
        Files.writeString(gt, "{\"images\":[],\"annotations\":[],\"categories\":[]}");
        Map<String, Path> cases = new LinkedHashMap<>();
        cases.put(
                "cycle",
                archive(new Pickle()
                        .op(0x80, 2, '}', 'q', 0)
                        .str("model")
                        .op('h', 0, 's', '.')
                        .bytes()));
        cases.put(
                "not allowed",
                archive(new Pickle()
                        .op(0x80, 2)
                        .global("os", "system")
                        .str("id")
                        .op(0x85, 'R', '.')
                        .bytes()));
        cases.put("overflow", archive(stateDict(List.of(new T("w", "0", 12, 0, new long[] {3, 2}, new long[] {
            1L << 62, 1
        })))));
        for (Map.Entry<String, Path> c : cases.entrySet()) {
            Path out = tmp.resolve("results-" + c.getKey() + ".json");
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err));
            int rc = cli.execute(
                    "predict",
                    "--weights",
                    c.getValue().toString(),
                    "--arch",
                    "maskrcnn_resnet50_fpn",
                    "--dataset",
                    gt.toString(),
                    "--out",
                    out.toString(),
                    "--device",
                    "cpu");
            String e = err.toString().strip();
            assertEquals(2, rc, e);
            assertEquals(1, e.lines().count(), e);
            assertTrue(e.contains(c.getValue().toString()) && e.contains(c.getKey()), e);
            assertFalse(Files.exists(out), "nothing written for " + c.getKey());
        }
    }
}
