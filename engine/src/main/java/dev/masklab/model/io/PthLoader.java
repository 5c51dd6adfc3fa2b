package dev.masklab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.io.WeightsUnpickler.StorageRef;
import dev.masklab.model.io.WeightsUnpickler.TensorRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch checkpoint written by {@code torch.save} (the zip format of torch >= 1.6: {@code <archive>/data.pkl}
 * plus one {@code <archive>/data/<key>} entry per storage) into a {@link StateDict} the way torch's
 * {@code weights_only=True} loader does: the pickle runs in {@link WeightsUnpickler} (an explicit allowlist of
 * globals: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} / {@code _rebuild_tensor} /
 * {@code _rebuild_parameter}, the typed storages {@code torch.FloatStorage}, {@code LongStorage}, ...; limits on
 * nesting, container sizes and cycles). The top-level object may be the state dict itself or a dict holding it under
 * {@code "model"} or {@code "state_dict"}. Keys in the legacy spelling of torchvision's original COCO checkpoints are
 * mapped to torchvision 0.14's ({@link #currentKey}).
 *
 * <p>Storages are read only after the pickle is checked: every tensor's extent (offset + sum((size-1) * stride) + 1,
 * overflow-checked) must lie inside its storage's declared element count, and each storage entry's size in the zip's
 * central directory must equal that count times the element size, before anything is read or inflated (reading stops
 * at that size). Non-contiguous views (transposes, slices, stride 0, storages shared by several tensors) are copied
 * into arrays of their own within a budget: all tensors together may take at most twice their storages' bytes plus
 * {@link #COPY_SLACK_BYTES}, so a small file cannot expand into gigabytes through stride-0 or repeated views.
 *
 * <p>Anything else (a non-zip or truncated file, the pre-1.6 format, a missing storage entry, a storage of the wrong
 * size, a refused pickle, an object that is not a state dict) gives a {@link CheckpointException}: one line naming
 * the file and the problem.
 */
public final class PthLoader {
    /** Largest data.pkl read (a torchvision detector's is about 40 KB). */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** Largest single storage: one Java array. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;
    /** Bytes that copies of views may take beyond twice the storages' bytes. */
    static final long COPY_SLACK_BYTES = 64L << 20;

    private PthLoader() {}

    /**
     * Loads every tensor of the checkpoint {@code pth} into a new sub-manager of {@code m} (owned by the returned
     * dict).
     */
    public static StateDict load(Path pth, NDManager m) throws IOException {
        if (!Files.isRegularFile(pth)) {
            throw new CheckpointException(pth, "no such checkpoint file");
        }
        if (Files.size(pth) == 0) {
            throw new CheckpointException(pth, "the checkpoint file is empty");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(pth.toFile());
        } catch (ZipException ex) {
            throw new CheckpointException(
                    pth,
                    "not a complete zip archive as torch.save (torch >= 1.6) writes it"
                            + " (truncated or corrupt file, or the legacy pre-1.6 format): " + ex.getMessage(),
                    ex);
        }
        try (zip) {
            String prefix = archivePrefix(pth, zip);
            Map<String, TensorRef> refs = tensorMap(pth, unpickle(pth, zip, prefix), 0);
            Map<StorageRef, Integer> uses = checkExtents(pth, zip, prefix, refs);
            Map<StorageRef, byte[]> read = new HashMap<>();
            NDManager sub = m.newSubManager();
            try {
                Map<String, NDArray> out = new LinkedHashMap<>();
                for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                    String key = currentKey(e.getKey());
                    if (out.containsKey(key)) {
                        throw new CheckpointException(
                                pth,
                                "key " + WeightsUnpickler.brief(e.getKey()) + " maps to " + WeightsUnpickler.brief(key)
                                        + ", which is already present");
                    }
                    StorageRef s = e.getValue().storage();
                    byte[] data = read.get(s);
                    if (data == null) {
                        data = ZipEntries.read(pth, zip, zip.getEntry(prefix + "data/" + s.key()), MAX_STORAGE_BYTES);
                        read.put(s, data);
                    }
                    NDArray a = toNDArray(e.getValue(), data, sub);
                    if (uses.merge(s, -1, Integer::sum) == 0) {
                        read.remove(s); // no further tensor views it
                    }
                    a.setName(key);
                    out.put(key, a);
                }
                return new StateDict(sub, out, pth.getFileName().toString());
            } catch (IOException | RuntimeException ex) {
                sub.close();
                throw ex;
            }
        } catch (ZipException ex) {
            throw new CheckpointException(pth, "corrupt zip entry: " + ex.getMessage(), ex);
        }
    }

    /**
     * The torchvision 0.14 spelling of a key from a torchvision COCO checkpoint saved before the
     * {@code Conv2dNormActivation} wrappers: {@code backbone.fpn.inner_blocks.N.weight} ->
     * {@code backbone.fpn.inner_blocks.N.0.weight} (and layer_blocks), {@code rpn.head.conv.weight} ->
     * {@code rpn.head.conv.0.0.weight}, {@code roi_heads.mask_head.mask_fcnK.weight} ->
     * {@code roi_heads.mask_head.(K-1).0.weight}. Other keys are returned unchanged.
     */
    public static String currentKey(String key) {
        String[] p = key.split("\\.");
        if ((key.startsWith("backbone.fpn.inner_blocks.") || key.startsWith("backbone.fpn.layer_blocks."))
                && p.length == 5) {
            return String.join(".", p[0], p[1], p[2], p[3], "0", p[4]);
        }
        if (p.length == 4 && key.startsWith("rpn.head.conv.")) {
            return "rpn.head.conv.0.0." + p[3];
        }
        if (p.length == 4 && key.startsWith("roi_heads.mask_head.mask_fcn")) {
            try {
                int k = Integer.parseInt(p[2].substring("mask_fcn".length()));
                return "roi_heads.mask_head." + (k - 1) + ".0." + p[3];
            } catch (NumberFormatException ex) {
                return key;
            }
        }
        return key;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String archivePrefix(Path pth, ZipFile zip) throws IOException {
        Enumeration<? extends ZipEntry> en = zip.entries();
        while (en.hasMoreElements()) {
            String name = en.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                String prefix = name.substring(0, name.length() - "data.pkl".length());
                ZipEntry order = zip.getEntry(prefix + "byteorder");
                if (order != null) {
                    String bo = new String(ZipEntries.read(pth, zip, order, 16), StandardCharsets.US_ASCII).trim();
                    if (!bo.equals("little")) {
                        throw new CheckpointException(
                                pth,
                                "byte order " + WeightsUnpickler.brief(bo) + " is not supported (only little-endian)");
                    }
                }
                return prefix;
            }
        }
        throw new CheckpointException(pth, "zip archive has no <archive>/data.pkl entry: not a torch.save checkpoint");
    }

    private static Object unpickle(Path pth, ZipFile zip, String prefix) throws IOException {
        byte[] pickle = ZipEntries.read(pth, zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES);
        try {
            return WeightsUnpickler.load(pickle);
        } catch (WeightsUnpickler.Refused ex) {
            throw new CheckpointException(pth, prefix + "data.pkl: " + ex.getMessage());
        }
    }

    /** The tensors by key; {@code depth} bounds the "model" / "state_dict" wrappers followed. */
    private static Map<String, TensorRef> tensorMap(Path pth, Object root, int depth) throws CheckpointException {
        if (root instanceof Map<?, ?> map) {
            if (!map.isEmpty() && map.values().stream().allMatch(v -> v instanceof TensorRef)) {
                Map<String, TensorRef> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new CheckpointException(
                                pth, "a state dict key is a " + WeightsUnpickler.kind(e.getKey()) + ", not a str");
                    }
                    out.put(k, (TensorRef) e.getValue());
                }
                return out;
            }
            for (String k : new String[] {"model", "state_dict"}) {
                if (map.get(k) instanceof Map<?, ?> inner && depth < 4) {
                    return tensorMap(pth, inner, depth + 1);
                }
            }
            List<String> bad = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof TensorRef) && bad.size() < 3) {
                    bad.add(WeightsUnpickler.brief(e.getKey()) + " (" + WeightsUnpickler.kind(e.getValue()) + ")");
                }
            }
            throw new CheckpointException(
                    pth,
                    map.isEmpty()
                            ? "the state dict is empty"
                            : "not a state dict: entries that are not tensors: " + String.join(", ", bad));
        }
        throw new CheckpointException(pth, "not a state dict: the pickled object is " + WeightsUnpickler.kind(root));
    }

    /**
     * Checks, before any storage is read: each tensor lies inside its storage, each storage entry's declared size
     * matches its element count, and the copies stay within the budget. Returns how many tensors view each storage.
     */
    private static Map<StorageRef, Integer> checkExtents(
            Path pth, ZipFile zip, String prefix, Map<String, TensorRef> refs) throws CheckpointException {
        Map<StorageRef, Integer> uses = new HashMap<>();
        long storageBytes = 0;
        long tensorBytes = 0;
        try {
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                TensorRef t = e.getValue();
                StorageRef s = t.storage();
                long es = s.dtype().getNumOfBytes();
                if (t.extent() > s.numel()) {
                    throw new CheckpointException(
                            pth,
                            "tensor " + WeightsUnpickler.brief(e.getKey()) + " reaches element " + (t.extent() - 1)
                                    + " of storage data/" + s.key() + " which holds " + s.numel());
                }
                if (uses.merge(s, 1, Integer::sum) == 1) {
                    long bytes = Math.multiplyExact(s.numel(), es);
                    if (bytes > MAX_STORAGE_BYTES) {
                        throw new CheckpointException(
                                pth,
                                "storage data/" + s.key() + " declares " + bytes + " bytes, more than the "
                                        + MAX_STORAGE_BYTES + " one storage may hold");
                    }
                    ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
                    if (entry == null) {
                        throw new CheckpointException(
                                pth,
                                "storage entry " + prefix + "data/" + s.key() + " is missing (truncated archive?)");
                    }
                    if (entry.getSize() != bytes) {
                        throw new CheckpointException(
                                pth,
                                "storage entry " + prefix + "data/" + s.key() + " has " + entry.getSize()
                                        + " bytes, expected " + bytes + " (" + s.numel() + " x " + s.typeName() + ")");
                    }
                    storageBytes += bytes;
                }
                tensorBytes = Math.addExact(tensorBytes, Math.multiplyExact(t.numel(), es));
            }
        } catch (ArithmeticException ex) {
            throw new CheckpointException(pth, "tensor sizes overflow 64 bits");
        }
        if (tensorBytes > 2 * storageBytes + COPY_SLACK_BYTES) {
            throw new CheckpointException(
                    pth,
                    "the tensors view their storages repeatedly (stride 0 or shared views):" + " they would take "
                            + tensorBytes + " bytes from " + storageBytes + " bytes of storage");
        }
        return uses;
    }

    /** The tensor's elements, copied out of its storage's bytes (checkExtents has checked that it lies inside). */
    private static NDArray toNDArray(TensorRef t, byte[] data, NDManager m) {
        int es = t.storage().dtype().getNumOfBytes();
        int rank = t.size().length;
        boolean contiguous = true;
        long expect = 1;
        for (int i = rank - 1; i >= 0; i--) {
            if (t.size()[i] != 1 && t.stride()[i] != expect) {
                contiguous = false;
            }
            expect *= t.size()[i];
        }
        int n = Math.toIntExact(t.numel() * es);
        ByteBuffer buf;
        if (contiguous || n == 0) {
            buf = ByteBuffer.wrap(data, n == 0 ? 0 : Math.toIntExact(t.offset() * es), n)
                    .slice();
        } else {
            byte[] bytes = new byte[n];
            long[] idx = new long[rank];
            long src = t.offset();
            for (int k = 0; k < n; k += es) {
                System.arraycopy(data, (int) (src * es), bytes, k, es);
                for (int d = rank - 1; d >= 0; d--) {
                    src += t.stride()[d];
                    if (++idx[d] < t.size()[d]) {
                        break;
                    }
                    src -= idx[d] * t.stride()[d];
                    idx[d] = 0;
                }
            }
            buf = ByteBuffer.wrap(bytes);
        }
        return m.create(buf, new Shape(t.size()), t.storage().dtype());
    }
}
