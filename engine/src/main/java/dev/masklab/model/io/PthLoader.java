package dev.masklab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Reads a PyTorch checkpoint written by {@code torch.save} (the zip format of torch >= 1.6: {@code <archive>/data.pkl}
 * plus one {@code <archive>/data/<key>} entry per storage) into a {@link StateDict}, using razorvine's pickle
 * library for the pickle stream (a well-kept implementation of the pickle protocol; only the few torch globals that a
 * state dict references are supplied here).
 *
 * <p>Supported: {@code torch._utils._rebuild_tensor_v2} / {@code _rebuild_tensor} / {@code _rebuild_parameter},
 * typed storages ({@code torch.FloatStorage}, {@code LongStorage}, ...; little-endian data, storage offset and
 * strides honoured), {@code collections.OrderedDict} (with its {@code _metadata} state). The top-level object may be
 * the state dict itself or a dict holding it under {@code "model"} or {@code "state_dict"}. Keys in the legacy
 * spelling of torchvision's original COCO checkpoints are mapped to torchvision 0.14's ({@link #currentKey}).
 *
 * <p>Anything else (a non-zip or truncated file, the pre-1.6 format, a missing storage entry, a storage of the wrong
 * size, an object that is not a state dict) gives a {@link CheckpointException} naming the file and the problem.
 */
public final class PthLoader {
  static {
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", PthLoader::rebuildTensor);
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", PthLoader::rebuildTensor);
    Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
    Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", args -> args[0]);
    Unpickler.registerConstructor("collections", "OrderedDict", PthLoader::orderedDict);
    Object[][] storages = {
      {"FloatStorage", DataType.FLOAT32}, {"DoubleStorage", DataType.FLOAT64}, {"HalfStorage", DataType.FLOAT16},
      {"BFloat16Storage", DataType.BFLOAT16}, {"LongStorage", DataType.INT64}, {"IntStorage", DataType.INT32},
      {"ShortStorage", DataType.INT16}, {"CharStorage", DataType.INT8}, {"ByteStorage", DataType.UINT8},
      {"BoolStorage", DataType.BOOLEAN}
    };
    for (Object[] s : storages) {
      Unpickler.registerConstructor("torch", (String) s[0], new StorageType((String) s[0], (DataType) s[1]));
    }
  }

  private PthLoader() {}

  /**
   * Loads every tensor of the checkpoint {@code pth} into a new sub-manager of {@code m} (owned by the returned
   * dict).
   */
  public static StateDict load(Path pth, NDManager m) throws IOException {
    Map<String, TensorRef> refs = readTensorRefs(pth);
    NDManager sub = m.newSubManager();
    try {
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
        String key = currentKey(e.getKey());
        if (out.containsKey(key)) {
          throw new CheckpointException(pth, "key '" + e.getKey() + "' maps to '" + key + "', which is already present");
        }
        NDArray a = toNDArray(pth, e.getKey(), e.getValue(), sub);
        a.setName(key);
        out.put(key, a);
      }
      return new StateDict(sub, out, pth.getFileName().toString());
    } catch (IOException | RuntimeException ex) {
      sub.close();
      throw ex;
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

  private static Map<String, TensorRef> readTensorRefs(Path pth) throws IOException {
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
      throw new CheckpointException(pth, "not a complete zip archive as torch.save (torch >= 1.6) writes it"
          + " (truncated or corrupt file, or the legacy pre-1.6 format): " + ex.getMessage(), ex);
    }
    try (zip) {
      String prefix = null;
      Enumeration<? extends ZipEntry> en = zip.entries();
      while (en.hasMoreElements()) {
        String name = en.nextElement().getName();
        if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
          prefix = name.substring(0, name.length() - "data.pkl".length());
          break;
        }
      }
      if (prefix == null) {
        throw new CheckpointException(pth, "zip archive has no <archive>/data.pkl entry: not a torch.save checkpoint");
      }
      ZipEntry order = zip.getEntry(prefix + "byteorder");
      if (order != null) {
        try (InputStream in = zip.getInputStream(order)) {
          String bo = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
          if (!bo.equals("little")) {
            throw new CheckpointException(pth, "byte order '" + bo + "' is not supported (only little-endian)");
          }
        }
      }
      TorchUnpickler up = new TorchUnpickler(pth, zip, prefix);
      Object root;
      try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
        root = up.load(in);
      } catch (BadCheckpoint ex) {
        throw new CheckpointException(pth, ex.getMessage(), ex.getCause());
      } catch (PickleException | IOException | ClassCastException | IndexOutOfBoundsException ex) {
        throw new CheckpointException(pth, "cannot unpickle " + prefix + "data.pkl: " + ex, ex);
      } finally {
        up.close();
      }
      return tensorMap(pth, root);
    } catch (ZipException ex) {
      throw new CheckpointException(pth, "corrupt zip entry: " + ex.getMessage(), ex);
    }
  }

  private static Map<String, TensorRef> tensorMap(Path pth, Object root) throws CheckpointException {
    if (root instanceof Map<?, ?> map) {
      if (!map.isEmpty() && map.values().stream().allMatch(v -> v instanceof TensorRef)) {
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put(String.valueOf(e.getKey()), (TensorRef) e.getValue());
        }
        return out;
      }
      for (String k : new String[] {"model", "state_dict"}) {
        if (map.get(k) instanceof Map<?, ?>) {
          return tensorMap(pth, map.get(k));
        }
      }
      List<String> bad = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getValue() instanceof TensorRef) && bad.size() < 3) {
          bad.add(e.getKey() + " (" + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName()) + ")");
        }
      }
      throw new CheckpointException(pth, map.isEmpty() ? "the state dict is empty"
          : "not a state dict: entries that are not tensors: " + String.join(", ", bad));
    }
    throw new CheckpointException(pth, "not a state dict: the pickled object is "
        + (root == null ? "None" : root.getClass().getSimpleName()));
  }

  private static NDArray toNDArray(Path pth, String key, TensorRef t, NDManager m) throws CheckpointException {
    Storage s = t.storage;
    int es = s.type.dtype.getNumOfBytes();
    long numel = 1;
    for (long d : t.size) {
      numel *= d;
    }
    if (t.size.length != t.stride.length) {
      throw new CheckpointException(pth, "tensor '" + key + "': size and stride ranks differ");
    }
    // highest element index touched
    long last = t.offset;
    boolean contiguous = true;
    long expect = 1;
    for (int i = t.size.length - 1; i >= 0; i--) {
      if (t.size[i] > 0) {
        last += (t.size[i] - 1) * t.stride[i];
      }
      if (t.size[i] != 1 && t.stride[i] != expect) {
        contiguous = false;
      }
      expect *= t.size[i];
    }
    if (numel > 0 && (t.offset < 0 || last >= s.numel)) {
      throw new CheckpointException(pth, "tensor '" + key + "' reaches element " + last + " of storage data/"
          + s.key + " which holds " + s.numel);
    }
    Shape shape = new Shape(t.size);
    byte[] bytes;
    int off;
    if (contiguous) {
      bytes = s.data;
      off = Math.toIntExact(t.offset * es);
    } else {
      bytes = new byte[Math.toIntExact(numel * es)];
      off = 0;
      long[] idx = new long[t.size.length];
      for (long n = 0; n < numel; n++) {
        long src = t.offset;
        for (int d = 0; d < idx.length; d++) {
          src += idx[d] * t.stride[d];
        }
        System.arraycopy(s.data, Math.toIntExact(src * es), bytes, Math.toIntExact(n * es), es);
        for (int d = idx.length - 1; d >= 0; d--) {
          if (++idx[d] < t.size[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, off, Math.toIntExact(numel * es)).slice();
    return m.create(buf, shape, s.type.dtype);
  }

  /**
   * {@code collections.OrderedDict(*args)}: empty (torch.save then adds the items with SETITEMS), or from one list of
   * (key, value) pairs ({@link PthWriter}'s form).
   */
  private static Object orderedDict(Object[] args) {
    PyOrderedDict d = new PyOrderedDict();
    if (args.length == 1 && args[0] instanceof List<?> items) {
      for (Object item : items) {
        if (!(item instanceof Object[] pair) || pair.length != 2) {
          throw new PickleException("OrderedDict: an item is not a (key, value) pair");
        }
        d.put(pair[0], pair[1]);
      }
    } else if (args.length != 0) {
      throw new PickleException("OrderedDict with unsupported arguments");
    }
    return d;
  }

  private static Object rebuildTensor(Object[] args) {
    if (!(args[0] instanceof Storage s)) {
      throw new PickleException("_rebuild_tensor: first argument is not a storage but " + args[0]);
    }
    return new TensorRef(s, ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
  }

  private static long[] longs(Object tuple) {
    Object[] t = (Object[]) tuple;
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = ((Number) t[i]).longValue();
    }
    return out;
  }

  /** A storage class global such as {@code torch.FloatStorage}: only used as a tag in persistent ids. */
  private record StorageType(String name, DataType dtype) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("torch." + name + " cannot be constructed directly");
    }
  }

  private record Storage(String key, StorageType type, long numel, byte[] data) {}

  private record TensorRef(Storage storage, long offset, long[] size, long[] stride) {}

  /** A problem found while unpickling, reported as a {@link CheckpointException} by {@link #load}. */
  private static final class BadCheckpoint extends PickleException {
    BadCheckpoint(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** {@code collections.OrderedDict}; its pickled state ({@code _metadata}) is accepted and ignored. */
  public static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
    public void __setstate__(HashMap<?, ?> state) {
      // torch stores the module version metadata here; not needed
    }

    /** Dicts are unpickled as LinkedHashMap (see TorchUnpickler.dispatch); razorvine looks up the exact class. */
    public void __setstate__(LinkedHashMap<?, ?> state) {
      // as above
    }
  }

  /** Unpickler resolving torch's persistent ids ('storage', type, key, location, numel) to the zip's entries. */
  private static final class TorchUnpickler extends Unpickler {
    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, Storage> storages = new HashMap<>();

    TorchUnpickler(Path file, ZipFile zip, String prefix) {
      this.file = file;
      this.zip = zip;
      this.prefix = prefix;
    }

    /**
     * razorvine collects SETITEMS pairs in a HashMap and pushes EMPTY_DICT as a HashMap, which loses the key order
     * of a state dict; these two opcodes are handled here so that the file's order is kept.
     */
    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
      if (key == '}') {
        stack.add(new LinkedHashMap<Object, Object>());
        return NO_RETURN_VALUE;
      }
      if (key == 'u') {
        List<Object> items = stack.pop_all_since_marker();
        @SuppressWarnings("unchecked")
        Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          dict.put(items.get(i), items.get(i + 1));
        }
        return NO_RETURN_VALUE;
      }
      return super.dispatch(key);
    }

    @Override
    protected Object persistentLoad(Object pid) {
      if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
        throw new BadCheckpoint("unsupported persistent id in data.pkl: " + pid, null);
      }
      if (!(t[1] instanceof StorageType type)) {
        throw new BadCheckpoint("unsupported storage type " + t[1] + " in data.pkl", null);
      }
      String key = String.valueOf(t[2]);
      long numel = ((Number) t[4]).longValue();
      return storages.computeIfAbsent(key, k -> readStorage(k, type, numel));
    }

    private Storage readStorage(String key, StorageType type, long numel) {
      ZipEntry e = zip.getEntry(prefix + "data/" + key);
      if (e == null) {
        throw new BadCheckpoint("storage entry " + prefix + "data/" + key + " is missing (truncated archive?)", null);
      }
      long expected = numel * type.dtype.getNumOfBytes();
      byte[] data;
      try (InputStream in = zip.getInputStream(e)) {
        data = in.readAllBytes();
      } catch (IOException ex) {
        throw new BadCheckpoint("cannot read storage entry " + prefix + "data/" + key + ": " + ex.getMessage(), ex);
      }
      if (data.length != expected) {
        throw new BadCheckpoint("storage entry " + prefix + "data/" + key + " has " + data.length
            + " bytes, expected " + expected + " (" + numel + " x " + type.name + ")", null);
      }
      return new Storage(key, type, numel, data);
    }

    @Override
    public String toString() {
      return "TorchUnpickler[" + file + "]";
    }
  }
}
