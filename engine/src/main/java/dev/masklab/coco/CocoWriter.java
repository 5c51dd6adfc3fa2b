package dev.masklab.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Writes COCO files with Jackson's streaming generator. What {@link CocoReader} read is written back as an equal JSON
 * tree: unknown fields are kept, numbers that were integers stay integers, doubles keep their value. Top-level keys
 * keep the source order; known fields of images/annotations/categories come first in the usual COCO order, then the
 * unknown ones.
 *
 * <p>Writes are atomic: the JSON goes to a temporary file beside the target, which is then moved over it; an existing
 * target is kept as {@code NAME.bak} (replacing an older backup).
 */
public final class CocoWriter {
    private CocoWriter() {}

    /** Writes the dataset to {@code path} atomically, backing up an existing file to {@code path + ".bak"}. */
    public static void write(CocoDataset ds, Path path) throws IOException {
        writeAtomically(path, out -> write(ds, out));
    }

    /** Writes the dataset as JSON to a stream (not closed). */
    public static void write(CocoDataset ds, OutputStream out) throws IOException {
        try (JsonGenerator g = CocoReader.FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setCodec(CocoReader.MAPPER);
            g.writeStartObject();
            // source order; a dataset built in code gets the usual COCO order. images/annotations/categories are
            // written when the source had them or when they are not empty.
            java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(ds.keyOrder);
            if (keys.isEmpty()) keys.addAll(List.of("info", "licenses", "images", "annotations", "categories"));
            keys.addAll(ds.extra().keySet());
            if (!ds.images().isEmpty()) keys.add("images");
            if (!ds.annotations().isEmpty()) keys.add("annotations");
            if (!ds.categories().isEmpty()) keys.add("categories");
            for (String key : keys) {
                switch (key) {
                    case "images" -> {
                        g.writeArrayFieldStart("images");
                        for (CocoImage im : ds.images()) writeImage(g, im);
                        g.writeEndArray();
                    }
                    case "annotations" -> {
                        g.writeArrayFieldStart("annotations");
                        for (CocoAnnotation a : ds.annotations()) writeAnnotation(g, a);
                        g.writeEndArray();
                    }
                    case "categories" -> {
                        g.writeArrayFieldStart("categories");
                        for (CocoCategory c : ds.categories()) writeCategory(g, c);
                        g.writeEndArray();
                    }
                    default -> {
                        JsonNode v = ds.extra().get(key);
                        if (v != null) {
                            g.writeFieldName(key);
                            g.writeTree(v);
                        }
                    }
                }
            }
            g.writeEndObject();
        }
    }

    /** Something that writes a whole file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code path} via a temporary file in the same folder and an atomic move; an existing file is first kept
     * as {@code NAME.bak}. On failure the target is untouched and the temporary file removed.
     */
    public static void writeAtomically(Path path, Content content) throws IOException {
        writeAtomically(path, content, true);
    }

    /**
     * As {@link #writeAtomically(Path, Content)}; with {@code backup} false an existing file is replaced without a
     * {@code .bak} (for files the program itself rewrites, such as an autosave).
     */
    public static void writeAtomically(Path path, Content content, boolean backup) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        // not Files.createTempFile: that makes the file owner-only (0600); a new file gets the usual umask mode
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toUnsignedString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                content.writeTo(out);
            }
            if (Files.exists(abs)) {
                try { // keep the original's permissions
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(abs));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the default permissions stay
                }
                if (backup) {
                    Path bak = abs.resolveSibling(abs.getFileName() + ".bak");
                    Files.deleteIfExists(bak);
                    try {
                        Files.createLink(bak, abs); // cheap for big files; the original stays in place until the move
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(abs, bak, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ------------------------------------------------------------------------------------------------ items

    private static void writeExtra(JsonGenerator g, Map<String, JsonNode> extra) throws IOException {
        for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
    }

    private static void writeImage(JsonGenerator g, CocoImage im) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", im.id());
        if (im.fileName() != null) g.writeStringField("file_name", im.fileName());
        g.writeNumberField("width", im.width());
        g.writeNumberField("height", im.height());
        writeExtra(g, im.extra());
        g.writeEndObject();
    }

    private static void writeCategory(JsonGenerator g, CocoCategory c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", c.id());
        if (c.name() != null) g.writeStringField("name", c.name());
        if (c.supercategory() != null) g.writeStringField("supercategory", c.supercategory());
        if (c.keypoints() != null) {
            g.writeArrayFieldStart("keypoints");
            for (String k : c.keypoints()) g.writeString(k);
            g.writeEndArray();
        }
        int[][] sk = c.skeleton();
        if (sk != null) {
            g.writeArrayFieldStart("skeleton");
            for (int[] pair : sk) g.writeArray(pair, 0, pair.length);
            g.writeEndArray();
        }
        writeExtra(g, c.extra());
        g.writeEndObject();
    }

    private static void writeAnnotation(JsonGenerator g, CocoAnnotation a) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", a.id());
        g.writeNumberField("image_id", a.imageId());
        g.writeNumberField("category_id", a.categoryId());
        if (a.segmentation() != null) {
            g.writeFieldName("segmentation");
            writeSegmentation(g, a.segmentation());
        }
        if (a.area() != null) {
            g.writeFieldName("area");
            writeNumber(g, a.area(), a.areaInt);
        }
        if (a.bboxRef() != null) {
            g.writeFieldName("bbox");
            writeNumbers(g, a.bboxRef(), a.bboxInts);
        }
        if (a.iscrowd() != null) g.writeNumberField("iscrowd", a.iscrowd());
        if (a.keypointsRef() != null) {
            g.writeFieldName("keypoints");
            writeNumbers(g, a.keypointsRef(), a.keypointsInts);
        }
        if (a.numKeypoints() != null) g.writeNumberField("num_keypoints", a.numKeypoints());
        if (a.extraOrNull() != null) writeExtra(g, a.extraOrNull());
        g.writeEndObject();
    }

    /** Writes a segmentation value (polygons array or RLE object). */
    static void writeSegmentation(JsonGenerator g, Segmentation s) throws IOException {
        switch (s) {
            case Segmentation.Polygons poly -> {
                g.writeStartArray();
                List<double[]> ps = poly.polygonsView();
                for (int i = 0; i < ps.size(); i++) {
                    writeNumbers(g, ps.get(i), poly.ints == null ? null : poly.ints[i]);
                }
                g.writeEndArray();
            }
            case Segmentation.UncompressedRle u -> {
                g.writeStartObject();
                g.writeFieldName("counts");
                int[] c = u.counts();
                g.writeArray(c, 0, c.length);
                g.writeFieldName("size");
                g.writeArray(new int[] {u.h(), u.w()}, 0, 2);
                g.writeEndObject();
            }
            case Segmentation.CompressedRle c -> {
                g.writeStartObject();
                g.writeFieldName("size");
                g.writeArray(new int[] {c.h(), c.w()}, 0, 2);
                g.writeStringField("counts", c.counts());
                g.writeEndObject();
            }
        }
    }

    static void writeNumber(JsonGenerator g, double v, boolean asInt) throws IOException {
        if (asInt && v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }

    static void writeNumbers(JsonGenerator g, double[] v, BitSet ints) throws IOException {
        g.writeStartArray();
        for (int i = 0; i < v.length; i++) writeNumber(g, v[i], ints != null && ints.get(i));
        g.writeEndArray();
    }
}
