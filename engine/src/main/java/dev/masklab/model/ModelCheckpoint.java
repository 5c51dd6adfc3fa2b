package dev.masklab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.masklab.io.Backup;
import dev.masklab.io.DurableFiles;
import dev.masklab.model.io.CheckpointException;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.io.ZipEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * MaskLab's own checkpoint: a zip holding {@code config.json} ({@link Meta}: the {@link MaskRcnnConfig}, class names,
 * the COCO category id of each label, free-form settings) and one numpy {@code .npy} file per tensor under
 * {@code weights/} (little-endian float32 / int64, C order, key = torchvision state_dict key), so a checkpoint can be
 * read with numpy ({@code np.load(zip.open(...))}). Written atomically (temp file + move; an existing file is kept
 * as NAME.bak). Reloading gives bit-identical tensors.
 */
public final class ModelCheckpoint {
    public static final String CONFIG_ENTRY = "config.json";
    public static final String WEIGHTS_DIR = "weights/";
    static final int FORMAT_VERSION = 1;
    /** Largest config.json read. */
    static final long MAX_CONFIG_BYTES = 16L << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private ModelCheckpoint() {}

    /**
     * What config.json holds.
     *
     * @param format checkpoint format version
     * @param config the model settings
     * @param classes class names by label (index 0 = background)
     * @param categoryIds COCO category id by label (index 0 unused, 0)
     * @param settings free-form extra settings (training recipe, source dataset...)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Meta(
            int format,
            MaskRcnnConfig config,
            List<String> classes,
            List<Long> categoryIds,
            Map<String, Object> settings) {
        public Meta {
            classes = classes == null ? List.of() : List.copyOf(classes);
            categoryIds = categoryIds == null ? List.of() : List.copyOf(categoryIds);
            settings = settings == null ? Map.of() : new LinkedHashMap<>(settings);
        }

        public Meta(MaskRcnnConfig config, List<String> classes, List<Long> categoryIds, Map<String, Object> settings) {
            this(FORMAT_VERSION, config, classes, categoryIds, settings);
        }
    }

    /** A loaded checkpoint: its metadata and its weights (close the weights when done). */
    public record Loaded(Meta meta, StateDict weights) implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    /** True when {@code file} looks like a MaskLab checkpoint (a zip with config.json), not a torch .pth. */
    public static boolean isCheckpoint(Path file) {
        try (ZipFile z = new ZipFile(file.toFile())) {
            return z.getEntry(CONFIG_ENTRY) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code meta} and {@code weights} (by key) to {@code file} {@link DurableFiles durably} (a link is followed,
     * permissions of a replaced file kept, a new file gets the usual umask mode); an existing file is kept as
     * {@code NAME.bak}.
     */
    public static void save(Path file, Meta meta, Map<String, NDArray> weights) throws IOException {
        DurableFiles.write(
                file,
                os -> {
                    ZipOutputStream zip = new ZipOutputStream(os);
                    zip.putNextEntry(new ZipEntry(CONFIG_ENTRY));
                    zip.write(JSON.writeValueAsBytes(meta));
                    zip.closeEntry();
                    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                        zip.putNextEntry(new ZipEntry(WEIGHTS_DIR + e.getKey() + ".npy"));
                        writeNpy(zip, e.getValue());
                        zip.closeEntry();
                    }
                    zip.finish();
                },
                Backup.perSession());
    }

    /** Reads a checkpoint; its tensors go to a new sub-manager of {@code m} owned by the returned weights. */
    public static Loaded load(Path file, NDManager m) throws IOException {
        Meta meta;
        try (ZipFile z = open(file)) {
            ZipEntry cfg = z.getEntry(CONFIG_ENTRY);
            if (cfg == null) {
                throw new CheckpointException(file, "no " + CONFIG_ENTRY + " entry: not a MaskLab checkpoint");
            }
            try {
                meta = JSON.readValue(ZipEntries.read(file, z, cfg, MAX_CONFIG_BYTES), Meta.class);
            } catch (CheckpointException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw new CheckpointException(file, CONFIG_ENTRY + " is invalid: " + jsonProblem(e));
            }
            if (meta.config() == null) {
                throw new CheckpointException(file, CONFIG_ENTRY + ": field 'config' is missing");
            }
            NDManager sub = m.newSubManager();
            try {
                Map<String, NDArray> tensors = new LinkedHashMap<>();
                List<ZipEntry> entries = new ArrayList<>();
                Enumeration<? extends ZipEntry> en = z.entries();
                while (en.hasMoreElements()) {
                    entries.add(en.nextElement());
                }
                for (ZipEntry e : entries) {
                    String name = e.getName();
                    if (!name.startsWith(WEIGHTS_DIR) || !name.endsWith(".npy")) {
                        continue;
                    }
                    String key = name.substring(WEIGHTS_DIR.length(), name.length() - 4);
                    NDArray a = readNpy(file, name, ZipEntries.read(file, z, e, Integer.MAX_VALUE - 8), sub);
                    a.setName(key);
                    tensors.put(key, a);
                }
                return new Loaded(
                        meta, new StateDict(sub, tensors, file.getFileName().toString()));
            } catch (IOException | RuntimeException ex) {
                sub.close();
                throw ex;
            }
        }
    }

    /**
     * The one-line reason of a config.json parse failure: the field and what is wrong (a value out of range names its
     * field through {@link MaskRcnnConfig}'s checks), without Jackson's source excerpt.
     */
    private static String jsonProblem(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException && root.getMessage() != null) {
            return root.getMessage();
        }
        String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage()
                : e.getMessage();
        if (msg == null) {
            return e.getClass().getSimpleName();
        }
        String line = msg.lines().findFirst().orElse("");
        line = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jm
                && !jm.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : jm.getPath()) {
                field.append(field.isEmpty() ? "" : ".")
                        .append(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
            }
            return "field '" + field + "': " + line;
        }
        return line;
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file not found");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file, "not a readable zip (" + e.getMessage() + ")");
        }
    }

    static void writeNpy(OutputStream out, NDArray a) throws IOException {
        DataType t = a.getDataType();
        String descr;
        byte[] data;
        if (t == DataType.INT64) {
            descr = "<i8";
            long[] v = a.toLongArray();
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(v);
            data = b.array();
        } else {
            descr = "<f4";
            float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            data = b.array();
        }
        StringBuilder shape = new StringBuilder("(");
        long[] dims = a.getShape().getShape();
        for (long d : dims) {
            shape.append(d).append(", ");
        }
        if (dims.length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (dims.length == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(")");
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = header.length();
        h.write(len & 0xff);
        h.write((len >> 8) & 0xff);
        h.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(h.toByteArray());
        out.write(data);
    }

    static NDArray readNpy(Path file, String entry, byte[] bytes, NDManager m) throws IOException {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
            throw new CheckpointException(file, entry + ": not a .npy array");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (bytes[8] & 0xff) | ((bytes[9] & 0xff) << 8);
            start = 10;
        } else if (bytes.length >= 12) {
            headerLen =
                    ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        } else {
            throw new CheckpointException(file, entry + ": truncated header");
        }
        if (headerLen < 0 || (long) start + headerLen > bytes.length) {
            throw new CheckpointException(file, entry + ": truncated header");
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.US_ASCII);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new CheckpointException(file, entry + ": unreadable .npy header");
        }
        if (f.group(1).equals("True")) {
            throw new CheckpointException(file, entry + ": Fortran-ordered arrays are not supported");
        }
        List<Long> dims = new ArrayList<>();
        long count = 1;
        try {
            for (String p : s.group(1).split(",")) {
                if (!p.isBlank()) {
                    long dim = Long.parseLong(p.strip());
                    if (dim < 0) {
                        throw new NumberFormatException();
                    }
                    dims.add(dim);
                    count = Math.multiplyExact(count, dim);
                }
            }
            Math.multiplyExact(count, 8L);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CheckpointException(file, entry + ": .npy shape is not a tuple of non-negative sizes that fit");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int dataStart = start + headerLen;
        ByteBuffer b =
                ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        switch (d.group(1)) {
            case "<f4" -> {
                if (b.remaining() != 4 * count) {
                    throw new CheckpointException(
                            file, entry + ": " + b.remaining() + " data bytes, expected " + 4 * count);
                }
                float[] v = new float[(int) count];
                b.asFloatBuffer().get(v);
                return m.create(v, new Shape(shape));
            }
            case "<i8" -> {
                if (b.remaining() != 8 * count) {
                    throw new CheckpointException(
                            file, entry + ": " + b.remaining() + " data bytes, expected " + 8 * count);
                }
                long[] v = new long[(int) count];
                b.asLongBuffer().get(v);
                return m.create(v, new Shape(shape));
            }
            default -> throw new CheckpointException(file, entry + ": unsupported dtype " + d.group(1));
        }
    }
}
