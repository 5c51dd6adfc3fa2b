package dev.masklab.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.io.Backup;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Writes COCO files with Jackson's streaming generator. What {@link CocoReader} read is written back as an equal JSON
 * tree: unknown fields are kept, numbers that were integers stay integers, doubles keep their value, fields the reader
 * could not use ({@link CocoAnnotation#unread()}) are written as they were. Top-level keys keep the source order; known
 * fields of images/annotations/categories come first in the usual COCO order, then the unknown ones. The source's
 * formatting style ({@link CocoDataset#layout()}: compact, or pretty-printed with its indent) is kept.
 *
 * <p>Files are written with {@link DurableFiles}: a crash leaves the old or the new complete file; a symbolic link
 * is followed and kept; the file's permissions are kept. The {@link Backup} policy decides whether the replaced file
 * is kept as {@code NAME.bak}: an editing session holds one {@link Backup#perSession()} so that the backup keeps the
 * file as it was before the session, not the session's previous save.
 */
public final class CocoWriter {
    private CocoWriter() {}

    /**
     * Writes the dataset to {@code path} durably (one-shot: an existing file is kept as {@code NAME.bak}, replacing
     * an older backup).
     */
    public static void write(CocoDataset ds, Path path) throws IOException {
        write(ds, path, Backup.perSession());
    }

    /**
     * Writes the dataset to {@code path} durably; {@code backup} decides whether the replaced file is kept as
     * {@code NAME.bak} (hold one {@link Backup#perSession()} per editing session).
     */
    public static void write(CocoDataset ds, Path path, Backup backup) throws IOException {
        DurableFiles.write(path, out -> write(ds, out), backup);
    }

    /** Writes the dataset as JSON to a stream (not closed), in the dataset's {@link CocoDataset#layout() layout}. */
    public static void write(CocoDataset ds, OutputStream out) throws IOException {
        JsonLayout layout = ds.layout();
        try (JsonGenerator g = CocoReader.FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setCodec(CocoReader.MAPPER);
            if (!layout.isCompact()) g.setPrettyPrinter(layout.prettyPrinter());
            g.writeStartObject();
            // source order; a dataset built in code gets the usual COCO order. images/annotations/categories are
            // written when the source had them or when they are not empty.
            java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(ds.keyOrder);
            if (keys.isEmpty()) keys.addAll(List.of("info", "licenses", "images", "annotations", "categories"));
            keys.addAll(ds.extra().keySet());
            if (!ds.images().isEmpty()) keys.add("images");
            if (!ds.annotations().isEmpty() || !ds.unread.isEmpty()) keys.add("annotations");
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
                        // annotations the reader did not use go back where they were (after as many used ones)
                        java.util.Iterator<CocoDataset.Unread> unread = ds.unread.iterator();
                        CocoDataset.Unread next = unread.hasNext() ? unread.next() : null;
                        int written = 0;
                        for (CocoAnnotation a : ds.annotations()) {
                            for (;
                                    next != null && next.usedBefore() <= written;
                                    next = unread.hasNext() ? unread.next() : null) {
                                writeAnnotation(g, next.annotation());
                            }
                            writeAnnotation(g, a);
                            written++;
                        }
                        for (; next != null; next = unread.hasNext() ? unread.next() : null) {
                            writeAnnotation(g, next.annotation());
                        }
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
        if (layout.finalNewline()) out.write(layout.lineEnd().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Something that writes a whole file's content. */
    @FunctionalInterface
    @Deprecated(forRemoval = true)
    public interface Content extends DurableFiles.Content {}

    /** @deprecated use {@link DurableFiles#write(Path, DurableFiles.Content, Backup)} (this keeps a {@code .bak}) */
    @Deprecated(forRemoval = true)
    public static void writeAtomically(Path path, DurableFiles.Content content) throws IOException {
        DurableFiles.write(path, content, Backup.perSession());
    }

    /** @deprecated use {@link DurableFiles#write(Path, DurableFiles.Content, Backup)} */
    @Deprecated(forRemoval = true)
    public static void writeAtomically(Path path, DurableFiles.Content content, boolean backup) throws IOException {
        DurableFiles.write(path, content, backup ? Backup.perSession() : Backup.none());
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

    static void writeCategory(JsonGenerator g, CocoCategory c) throws IOException {
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

    static void writeAnnotation(JsonGenerator g, CocoAnnotation a) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", a.id());
        g.writeNumberField("image_id", a.imageId());
        g.writeNumberField("category_id", a.categoryId());
        if (!writeUnread(g, a, "segmentation") && a.segmentation() != null) {
            g.writeFieldName("segmentation");
            writeSegmentation(g, a.segmentation());
        }
        if (!writeUnread(g, a, "area") && a.area() != null) {
            g.writeFieldName("area");
            writeNumber(g, a.area(), a.areaInt);
        }
        if (!writeUnread(g, a, "bbox") && a.bboxRef() != null) {
            g.writeFieldName("bbox");
            writeNumbers(g, a.bboxRef(), a.bboxInts);
        }
        if (a.iscrowd() != null) g.writeNumberField("iscrowd", a.iscrowd());
        if (!writeUnread(g, a, "keypoints") && a.keypointsRef() != null) {
            g.writeFieldName("keypoints");
            writeNumbers(g, a.keypointsRef(), a.keypointsInts);
        }
        if (a.numKeypoints() != null) g.writeNumberField("num_keypoints", a.numKeypoints());
        if (a.extraOrNull() != null) writeExtra(g, a.extraOrNull());
        g.writeEndObject();
    }

    /** Writes the field as the file had it when the reader could not use it; false when it was read normally. */
    private static boolean writeUnread(JsonGenerator g, CocoAnnotation a, String field) throws IOException {
        JsonNode raw = a.unreadOrNull(field);
        if (raw == null) return false;
        g.writeFieldName(field);
        g.writeTree(raw);
        return true;
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
