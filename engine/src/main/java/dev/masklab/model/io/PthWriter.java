package dev.masklab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.razorvine.pickle.IObjectDeconstructor;
import net.razorvine.pickle.Pickler;

/**
 * Writes a state dict as {@code torch.save} does (the zip format of torch >= 1.6), so that
 * {@code torch.load(file, weights_only=True)} reads it: {@code archive/data.pkl} (the pickled
 * {@code collections.OrderedDict} of key -> tensor, protocol 2), one uncompressed {@code archive/data/N} entry per
 * tensor (its storage, native byte order, 64-byte aligned as torch aligns them), {@code archive/byteorder}
 * ({@code little} or {@code big}) and {@code archive/version} ({@code 3}).
 *
 * <p>The pickle stream is written by razorvine's {@link Pickler} (the library {@link PthLoader} reads with): a tensor
 * is the reduce call {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict([]))}, a
 * storage the persistent id {@code ('storage', torch.FloatStorage, 'N', 'cpu', numel)} and the dict
 * {@code OrderedDict([(key, tensor), ...])} - only globals that torch's weights-only unpickler allows.
 *
 * <p>Tensors are written C-contiguous; supported types are float32/64/16, bfloat16, int64/32/16/8, uint8 and bool.
 * The file is written with {@link dev.masklab.io.DurableFiles}: an existing file is replaced whole or not at all.
 */
public final class PthWriter {
    /** The archive folder name torch >= 2 writes. */
    static final String ARCHIVE = "archive";
    /** torch's serialization format version record. */
    static final String VERSION = "3\n";

    private static final int ALIGNMENT = 64;

    private PthWriter() {}

    /** Writes {@code tensors} (in iteration order) to {@code file} durably. */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null) java.nio.file.Files.createDirectories(parent);
        dev.masklab.io.DurableFiles.write(file, out -> {
            Counting counted = new Counting(out);
            ZipOutputStream zip = new ZipOutputStream(counted);
            writeArchive(zip, counted, tensors);
            zip.finish();
        });
    }

    private static void writeArchive(ZipOutputStream zip, Counting counted, Map<String, NDArray> tensors)
            throws IOException {
        List<Object[]> items = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            String storageType = storageType(e.getKey(), a.getDataType());
            Storage s = new Storage(storageType, Integer.toString(arrays.size()), a.size());
            arrays.add(a);
            items.add(new Object[] {e.getKey(), new Tensor(s, a.getShape().getShape())});
        }
        java.io.ByteArrayOutputStream pkl = new java.io.ByteArrayOutputStream();
        new TorchPickler().dump(new OrderedDict(items), pkl);
        stored(zip, counted, ARCHIVE + "/data.pkl", pkl.toByteArray());
        stored(
                zip,
                counted,
                ARCHIVE + "/byteorder",
                (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "little" : "big")
                        .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < arrays.size(); i++) {
            stored(zip, counted, ARCHIVE + "/data/" + i, bytes(arrays.get(i))); // one tensor's copy in memory at a time
        }
        stored(zip, counted, ARCHIVE + "/version", VERSION.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * One uncompressed entry whose data starts at a multiple of 64 bytes: torch pads the local header with an extra
     * field with id "FB" to align it (ZipOutputStream writes no other extra field for a STORED entry with a DOS time).
     */
    private static void stored(ZipOutputStream zip, Counting counted, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        e.setTime(315532800000L); // 1980-01-01, the earliest DOS time, as torch writes
        zip.flush();
        long dataStart = counted.count + 30 + name.getBytes(StandardCharsets.UTF_8).length;
        int pad = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
        if (pad != 0 && pad < 4) {
            pad += ALIGNMENT;
        }
        if (pad > 0) {
            byte[] extra = new byte[pad];
            extra[0] = 'F';
            extra[1] = 'B';
            extra[2] = (byte) ((pad - 4) & 0xff);
            extra[3] = (byte) ((pad - 4) >> 8);
            for (int i = 4; i < pad; i++) {
                extra[i] = 'Z';
            }
            e.setExtra(extra);
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static String storageType(String key, DataType t) {
        return switch (t) {
            case FLOAT32 -> "FloatStorage";
            case FLOAT64 -> "DoubleStorage";
            case FLOAT16 -> "HalfStorage";
            case BFLOAT16 -> "BFloat16Storage";
            case INT64 -> "LongStorage";
            case INT32 -> "IntStorage";
            case INT16 -> "ShortStorage";
            case INT8 -> "CharStorage";
            case UINT8 -> "ByteStorage";
            case BOOLEAN -> "BoolStorage";
            default ->
                throw new IllegalArgumentException(
                        "tensor '" + key + "' has type " + t + ", which a torch state dict cannot hold");
        };
    }

    /** The tensor's elements in C order and native byte order (DJL's buffers are native-ordered). */
    private static byte[] bytes(NDArray a) {
        ByteBuffer b = a.toByteBuffer();
        if (b.remaining() != a.size() * a.getDataType().getNumOfBytes()) {
            throw new IllegalStateException("tensor " + a.getName() + ": " + b.remaining() + " bytes for " + a.size()
                    + " elements of " + a.getDataType());
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A storage, pickled as torch's persistent id. */
    private record Storage(String type, String key, long numel) {}

    /** A contiguous tensor over a whole storage. */
    private record Tensor(Storage storage, long[] size) {}

    /** {@code collections.OrderedDict(items)}; items are (key, value) pairs. */
    private record OrderedDict(List<Object[]> items) {}

    /** A storage class such as {@code torch.FloatStorage}: a bare global. */
    private record StorageClass(String name) {}

    /** razorvine's Pickler with torch's globals and persistent ids. */
    private static final class TorchPickler extends Pickler {
        private StorageClass storageClass;

        TorchPickler() {
            super(false); // no memo: every object is written where it occurs
        }

        @Override
        protected Object persistentId(Object obj) {
            if (obj instanceof Storage s) {
                return new Object[] {"storage", new StorageClass(s.type()), s.key(), "cpu", s.numel()};
            }
            return null;
        }

        @Override
        protected IObjectDeconstructor getCustomDeconstructor(Class<?> type) {
            if (type == Tensor.class) {
                return deconstructor("torch._utils", "_rebuild_tensor_v2", o -> {
                    Tensor t = (Tensor) o;
                    long[] size = t.size();
                    Object[] sizeTuple = new Object[size.length];
                    Object[] strideTuple = new Object[size.length];
                    long stride = 1;
                    for (int d = size.length - 1; d >= 0; d--) {
                        sizeTuple[d] = size[d];
                        strideTuple[d] = stride;
                        stride *= size[d];
                    }
                    return new Object[] {t.storage(), 0L, sizeTuple, strideTuple, false, new OrderedDict(List.of())};
                });
            }
            if (type == OrderedDict.class) {
                return deconstructor("collections", "OrderedDict", o ->
                        new Object[] {new ArrayList<Object>(((OrderedDict) o).items())});
            }
            if (type == StorageClass.class && storageClass != null) {
                // no arguments: razorvine writes the bare global (no REDUCE)
                return deconstructor("torch", storageClass.name(), o -> new Object[0]);
            }
            return super.getCustomDeconstructor(type);
        }

        /** Remembers the storage class being saved: razorvine asks a deconstructor's name before passing the object. */
        @Override
        public void save(Object o) throws IOException {
            if (o instanceof StorageClass c) {
                storageClass = c;
            }
            super.save(o);
        }

        private static IObjectDeconstructor deconstructor(
                String module, String name, java.util.function.Function<Object, Object[]> args) {
            return new IObjectDeconstructor() {
                @Override
                public String getModule() {
                    return module;
                }

                @Override
                public String getName() {
                    return name;
                }

                @Override
                public Object[] deconstruct(Object obj) {
                    return args.apply(obj);
                }
            };
        }
    }

    /** Counts the bytes written through it: the zip offset of the next local header. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
