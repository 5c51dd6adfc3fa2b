package dev.masklab.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads COCO files with Jackson's streaming parser (no intermediate tree: a train2017-size file loads in seconds).
 *
 * <p>Fatal problems throw {@link CocoFormatException} naming the file, the JSON path and the reason: unparseable JSON,
 * a value of the wrong type (e.g. {@code images[3].width} is a string), a missing id/image_id/category_id/width/height.
 * Problems that leave the file usable are collected in {@link CocoDataset#problems()}:
 * <ul>
 *   <li>a polygon with fewer than 3 points, an odd number of coordinates, or a NaN/Infinity coordinate: the polygon
 *       is not used (the annotation stays, possibly with no polygons);</li>
 *   <li>NaN/Infinity in area, bbox or keypoints, or a bbox without 4 numbers: that field is not used;</li>
 *   <li>an RLE whose counts do not sum to h*w, whose size differs from its image, or whose string is corrupt: the
 *       annotation is not used (kept as it was); an RLE without counts/size: the annotation is skipped;</li>
 *   <li>an annotation naming a missing image or category: not used (kept as it was);</li>
 *   <li>a duplicate image or category id: the first one wins, later ones are skipped; a duplicate annotation id: the
 *       first one is used, later ones kept as they were.</li>
 * </ul>
 * Skipped images and categories are not in the dataset, so writing it back drops them; annotations that are not used
 * (a duplicate id, a missing image or category, an inconsistent RLE) are not in the dataset either but are kept as they
 * were ({@link CocoDataset#unreadAnnotations()}) and written back in place. A field that is not used is refused by name
 * (file, JSON path, value) but not lost: the annotation keeps it as it was in {@link CocoAnnotation#unread()}, and the
 * writer writes it back unchanged unless the field was set since.
 *
 * <p>RLE counts must be non-negative integers that fit in 31 bits and an RLE size two non-negative integers (anything
 * else, a string or a fraction among the counts, is fatal). Nothing is allocated from a size declared in the file:
 * memory is proportional to the file's length. The file's formatting style is recorded in
 * {@link CocoDataset#layout()}, so that saving keeps it.
 */
public final class CocoReader {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // an unread NaN goes back as it came (a NaN token), not as the string "NaN"
            .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private final String file;
    private final JsonParser p;
    private final List<CocoProblem> problems = new ArrayList<>();
    private double[] buf = new double[1024];
    /** Set by {@link #readPolygons()}: all polygons as in the file when one of them was not usable, else null. */
    private ArrayNode rawPolygons;
    /** Fields of the annotation being read that are not used, as in the file; null when none. */
    private Map<String, JsonNode> unread;

    private CocoReader(String file, JsonParser p) {
        this.file = file;
        this.p = p;
    }

    /** Reads a COCO file. */
    public static CocoDataset read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new CocoFormatException(
                    path.toString(), "", Files.exists(path) ? "not a regular file" : "file not found");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new CocoFormatException(path.toString(), "", "file not found", e);
        }
    }

    /** Reads COCO JSON from a stream; {@code name} is used in messages. The stream is not closed. */
    public static CocoDataset read(InputStream in, String name) throws IOException {
        JsonLayout.Sniffer sniffer = new JsonLayout.Sniffer(in);
        try (JsonParser p = MAPPER.createParser(sniffer)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            CocoDataset ds = new CocoReader(name, p).readDataset();
            ds.setLayout(sniffer.layout());
            return ds;
        }
    }

    /**
     * Reads one annotation object (the parser at its START_OBJECT) as the dataset reader does, fields it cannot use
     * kept in {@link CocoAnnotation#unread()} as usual; for the edit journal, whose records {@link CocoWriter} wrote.
     * An unusable RLE segmentation is an error.
     */
    /** Reads one category object (the parser at its START_OBJECT) as the dataset reader does; for the edit journal. */
    static CocoCategory readCategory(JsonParser p, String name) throws IOException {
        return new CocoReader(name, p).readCategory();
    }

    static CocoAnnotation readAnnotation(JsonParser p, String name) throws IOException {
        CocoReader r = new CocoReader(name, p);
        CocoAnnotation a = r.readAnnotation();
        if (a == null)
            throw new CocoFormatException(name, r.path(), r.problems.getFirst().reason());
        return a;
    }

    // ------------------------------------------------------------------------------------------------ errors

    /** "annotations[12].segmentation[0]" for the parser's current position. */
    static String pathOf(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                // index -1: at the array's own START_ARRAY, before any element
                if (c.hasCurrentIndex()) parts.add("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add("." + c.getCurrentName());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) sb.append(parts.get(i));
        return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
    }

    private String path() {
        return pathOf(p.getParsingContext());
    }

    private CocoFormatException fail(String reason) {
        return new CocoFormatException(file, path(), reason);
    }

    private CocoFormatException wrongType(String expected) {
        JsonToken t = p.currentToken();
        return fail("expected " + expected + ", found " + describe(t) + " (line "
                + p.currentLocation().getLineNr() + ")");
    }

    private static String describe(JsonToken t) {
        if (t == null) return "end of file";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private void warn(String path, String reason) {
        problems.add(new CocoProblem(file, path, reason));
    }

    // ------------------------------------------------------------------------------------------------ document

    private CocoDataset readDataset() throws IOException {
        CocoDataset ds = new CocoDataset();
        List<CocoImage> images = new ArrayList<>();
        List<CocoAnnotation> annotations = new ArrayList<>();
        List<CocoCategory> categories = new ArrayList<>();
        try {
            JsonToken t = p.nextToken();
            if (t == null) throw new CocoFormatException(file, "", "empty file");
            if (t != JsonToken.START_OBJECT) throw wrongType("a JSON object at the top level");
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (!ds.keyOrder.contains(key)) ds.keyOrder.add(key);
                switch (key) {
                    case "images" -> readArray(() -> images.add(readImage()));
                    // null marks an annotation dropped for an unusable segmentation (kept for its index)
                    case "annotations" -> readArray(() -> annotations.add(readAnnotation()));
                    case "categories" -> readArray(() -> categories.add(readCategory()));
                    default -> ds.extra().put(key, p.readValueAsTree());
                }
            }
            if (p.nextToken() != null) throw fail("unexpected content after the top-level object");
        } catch (StreamConstraintsException e) {
            throw new CocoFormatException(file, path(), e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw new CocoFormatException(file, path(), "malformed JSON: " + e.getOriginalMessage() + where, e);
        }
        link(ds, images, annotations, categories);
        ds.problems().addAll(problems);
        return ds;
    }

    private interface Item {
        void read() throws IOException;
    }

    private void readArray(Item item) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw wrongType("an array");
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) throw wrongType("an object");
            item.read();
        }
    }

    // ------------------------------------------------------------------------------------------------ sections

    private CocoImage readImage() throws IOException {
        Long id = null;
        String fileName = null;
        Integer width = null;
        Integer height = null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                extra.put(key, NullNode.getInstance());
                continue;
            }
            switch (key) {
                case "id" -> id = longValue();
                case "file_name" -> fileName = stringValue();
                case "width" -> width = intValue();
                case "height" -> height = intValue();
                default -> extra.put(key, p.readValueAsTree());
            }
        }
        String at = path(); // at the image's END_OBJECT: "images[i]"
        if (id == null) throw new CocoFormatException(file, at, "image without \"id\"");
        if (width == null || height == null) {
            throw new CocoFormatException(file, at, "image " + id + " without \"width\"/\"height\"");
        }
        if (width < 0 || height < 0) {
            throw new CocoFormatException(file, at, "image " + id + " has negative size " + width + "x" + height);
        }
        return new CocoImage(id, fileName, width, height, extra);
    }

    private CocoCategory readCategory() throws IOException {
        Long id = null;
        String name = null;
        String supercategory = null;
        List<String> keypoints = null;
        int[][] skeleton = null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        String at = path();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                extra.put(key, NullNode.getInstance());
                continue;
            }
            switch (key) {
                case "id" -> id = longValue();
                case "name" -> name = stringValue();
                case "supercategory" -> supercategory = stringValue();
                case "keypoints" -> {
                    if (t != JsonToken.START_ARRAY) throw wrongType("an array of keypoint names");
                    keypoints = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) keypoints.add(stringValue());
                }
                case "skeleton" -> {
                    if (t != JsonToken.START_ARRAY) throw wrongType("an array of keypoint index pairs");
                    List<int[]> pairs = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_ARRAY) throw wrongType("a pair of keypoint indices");
                        List<Integer> pair = new ArrayList<>(2);
                        while (p.nextToken() != JsonToken.END_ARRAY) pair.add(intValue());
                        pairs.add(pair.stream().mapToInt(Integer::intValue).toArray());
                    }
                    skeleton = pairs.toArray(new int[0][]);
                }
                default -> extra.put(key, p.readValueAsTree());
            }
        }
        if (id == null) throw new CocoFormatException(file, at, "category without \"id\"");
        return new CocoCategory(id, name, supercategory, keypoints, skeleton, extra);
    }

    private CocoAnnotation readAnnotation() throws IOException {
        Long id = null;
        Long imageId = null;
        Long categoryId = null;
        Segmentation seg = null;
        boolean segBroken = false;
        Map<String, JsonNode> extra = null; // most annotations have none
        double area = 0;
        boolean hasArea = false;
        boolean areaInt = false;
        double[] bbox = null;
        BitSet bboxInts = null;
        double[] keypoints = null;
        BitSet keypointsInts = null;
        Integer iscrowd = null;
        Integer numKeypoints = null;
        unread = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                if (extra == null) extra = new LinkedHashMap<>();
                extra.put(key, NullNode.getInstance());
                continue;
            }
            switch (key) {
                case "id" -> id = longValue();
                case "image_id" -> imageId = longValue();
                case "category_id" -> categoryId = longValue();
                case "iscrowd" -> iscrowd = intValue();
                case "num_keypoints" -> numKeypoints = intValue();
                case "area" -> {
                    double v = numberValue();
                    if (Double.isFinite(v)) {
                        area = v;
                        hasArea = true;
                        areaInt = t == JsonToken.VALUE_NUMBER_INT;
                    } else {
                        warn(path(), "area is " + v + "; area not used (kept as it was)");
                        keepUnread("area", DoubleNode.valueOf(v));
                    }
                }
                case "bbox" -> {
                    String where = path();
                    BitSet[] ints = new BitSet[1];
                    int n = readNumbers(ints);
                    if (n != 4) {
                        warn(where, "bbox has " + n + " numbers, expected 4; bbox not used (kept as it was)");
                        keepUnread("bbox", rawNumbers(n, ints[0]));
                    } else if (!allFinite(n)) {
                        warn(where, "bbox has a NaN/Infinity value; bbox not used (kept as it was)");
                        keepUnread("bbox", rawNumbers(n, ints[0]));
                    } else {
                        bbox = Arrays.copyOf(buf, 4);
                        bboxInts = ints[0];
                    }
                }
                case "keypoints" -> {
                    String where = path();
                    BitSet[] ints = new BitSet[1];
                    int n = readNumbers(ints);
                    if (!allFinite(n)) {
                        warn(where, "keypoints have a NaN/Infinity value; keypoints not used (kept as they were)");
                        keepUnread("keypoints", rawNumbers(n, ints[0]));
                    } else {
                        keypoints = Arrays.copyOf(buf, n);
                        keypointsInts = ints[0];
                    }
                }
                case "segmentation" -> {
                    if (t == JsonToken.START_ARRAY) {
                        seg = readPolygons();
                        if (rawPolygons != null) keepUnread("segmentation", rawPolygons);
                    } else if (t == JsonToken.START_OBJECT) {
                        seg = readRle();
                        if (seg == null) segBroken = true;
                    } else {
                        throw wrongType("polygons (an array) or an RLE object");
                    }
                }
                default -> {
                    if (extra == null) extra = new LinkedHashMap<>();
                    extra.put(key, p.readValueAsTree());
                }
            }
        }
        if (id == null) throw new CocoFormatException(file, path(), "annotation without \"id\"");
        if (imageId == null) {
            throw new CocoFormatException(file, path(), "annotation " + id + " without \"image_id\"");
        }
        if (categoryId == null) {
            throw new CocoFormatException(file, path(), "annotation " + id + " without \"category_id\"");
        }
        CocoAnnotation a = new CocoAnnotation(id, imageId, categoryId, extra);
        a.setSegmentation(seg);
        if (hasArea) a.readArea(area, areaInt);
        if (bbox != null) a.readBbox(bbox, bboxInts);
        if (keypoints != null) a.readKeypoints(keypoints, keypointsInts);
        a.setIscrowd(iscrowd);
        a.setNumKeypoints(numKeypoints);
        if (unread != null) unread.forEach(a::keepUnread);
        return segBroken ? null : a;
    }

    /**
     * Polygons; bad polygons are reported and not used. When one is bad, {@link #rawPolygons} holds all of them as in
     * the file (else null).
     */
    private Segmentation readPolygons() throws IOException {
        List<double[]> polys = new ArrayList<>();
        List<BitSet> ints = new ArrayList<>();
        boolean anyInts = false;
        ArrayNode raw = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) throw wrongType("a polygon (an array of numbers)");
            String where = path();
            BitSet[] bits = new BitSet[1];
            int n = readNumbers(bits);
            String bad = n % 2 != 0
                    ? "polygon has an odd number of coordinates (" + n + ")"
                    : n < 6
                            ? "polygon has " + (n / 2) + " points, needs at least 3"
                            : !allFinite(n) ? "polygon has a NaN/Infinity coordinate" : null;
            if (bad != null) {
                warn(where, bad + "; polygon not used (the segmentation is kept as it was)");
                if (raw == null) {
                    raw = JsonNodeFactory.instance.arrayNode();
                    for (int i = 0; i < polys.size(); i++) raw.add(rawNumbers(polys.get(i), ints.get(i)));
                }
            } else {
                polys.add(Arrays.copyOf(buf, n));
                ints.add(bits[0]);
                anyInts |= bits[0] != null;
            }
            if (raw != null) raw.add(rawNumbers(n, bits[0]));
        }
        rawPolygons = raw;
        return new Segmentation.Polygons(polys, anyInts ? ints.toArray(new BitSet[0]) : null);
    }

    private void keepUnread(String field, JsonNode raw) {
        if (unread == null) unread = new LinkedHashMap<>();
        unread.put(field, raw);
    }

    /** The first {@code n} numbers of {@link #buf} as JSON, integers where they were. */
    private ArrayNode rawNumbers(int n, BitSet ints) {
        return rawNumbers(Arrays.copyOf(buf, n), ints);
    }

    private static ArrayNode rawNumbers(double[] v, BitSet ints) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(v.length);
        for (int i = 0; i < v.length; i++) {
            if (ints != null && ints.get(i) && Math.abs(v[i]) < 0x1p63) {
                a.add((long) v[i]);
            } else {
                a.add(v[i]);
            }
        }
        return a;
    }

    /** RLE object; null (reported) when counts or size are missing. Consistency is checked in {@link #link}. */
    private Segmentation readRle() throws IOException {
        String at = path();
        int[] counts = null;
        String compressed = null;
        int[] size = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "counts" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        compressed = p.getText();
                    } else if (t == JsonToken.START_ARRAY) {
                        int n = 0;
                        int[] c = new int[64];
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (n == c.length) c = Arrays.copyOf(c, n * 2);
                            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                                throw wrongType("an RLE count (a non-negative integer)");
                            }
                            long v = longValue();
                            if (v < 0 || v > Integer.MAX_VALUE) {
                                throw fail("RLE count out of range: " + v + " (must be 0.." + Integer.MAX_VALUE + ")");
                            }
                            c[n++] = (int) v;
                        }
                        counts = Arrays.copyOf(c, n);
                    } else {
                        throw wrongType("RLE counts (a string or an array of integers)");
                    }
                }
                case "size" -> {
                    if (t != JsonToken.START_ARRAY) throw wrongType("RLE size [height, width]");
                    List<Integer> l = new ArrayList<>(2);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (l.size() == 2) throw fail("RLE size must be [height, width], has more values");
                        int v = intValue();
                        if (v < 0) throw fail("RLE size must be non-negative, found " + v);
                        l.add(v);
                    }
                    if (l.size() != 2) throw fail("RLE size must be [height, width], has " + l.size() + " values");
                    size = new int[] {l.get(0), l.get(1)};
                }
                default -> p.skipChildren();
            }
        }
        if ((counts == null && compressed == null) || size == null) {
            warn(at, "RLE without \"counts\" or \"size\"; annotation skipped");
            return null;
        }
        return compressed != null
                ? new Segmentation.CompressedRle(compressed, size[0], size[1])
                : new Segmentation.UncompressedRle(counts, size[0], size[1]);
    }

    // ------------------------------------------------------------------------------------------------ values

    /** Reads an array of numbers into {@link #buf}; returns the count; ints[0] = positions that were integers. */
    private int readNumbers(BitSet[] ints) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw wrongType("an array of numbers");
        int n = 0;
        BitSet bits = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                buf[n] = p.getDoubleValue();
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                buf[n] = p.getDoubleValue();
                if (bits == null) bits = new BitSet();
                bits.set(n);
            } else {
                throw wrongType("a number");
            }
            n++;
        }
        ints[0] = bits;
        return n;
    }

    private boolean allFinite(int n) {
        for (int i = 0; i < n; i++) if (!Double.isFinite(buf[i])) return false;
        return true;
    }

    private double numberValue() throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw wrongType("a number");
        return p.getDoubleValue();
    }

    private long longValue() throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw wrongType("an integer");
        try {
            return p.getLongValue();
        } catch (com.fasterxml.jackson.core.exc.InputCoercionException e) {
            throw fail("integer out of range: " + p.getText());
        }
    }

    private int intValue() throws IOException {
        long v = longValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw fail("integer out of range: " + v);
        return (int) v;
    }

    private String stringValue() throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) throw wrongType("a string");
        return p.getText();
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Adds the parsed items to the dataset, skipping (and reporting) duplicates and dangling references. */
    private void link(
            CocoDataset ds, List<CocoImage> images, List<CocoAnnotation> annotations, List<CocoCategory> categories) {
        for (int i = 0; i < images.size(); i++) {
            CocoImage im = images.get(i);
            if (ds.image(im.id()) != null) {
                warn("images[" + i + "]", "duplicate image id " + im.id() + "; skipped (the first one is kept)");
            } else {
                ds.addImage(im);
            }
        }
        for (int i = 0; i < categories.size(); i++) {
            CocoCategory c = categories.get(i);
            if (ds.category(c.id()) != null) {
                warn("categories[" + i + "]", "duplicate category id " + c.id() + "; skipped (the first one is kept)");
            } else {
                ds.addCategory(c);
            }
        }
        for (int i = 0; i < annotations.size(); i++) {
            CocoAnnotation a = annotations.get(i);
            if (a == null) continue; // unusable segmentation, already reported
            String at = "annotations[" + i + "]";
            CocoImage im = ds.image(a.imageId());
            if (ds.annotation(a.id()) != null) {
                warn(at, "duplicate annotation id " + a.id() + "; not used, kept as it was (the first one is used)");
                ds.keepUnreadAnnotation(a);
                continue;
            }
            if (im == null) {
                warn(
                        at + ".image_id",
                        "annotation " + a.id() + " names image " + a.imageId()
                                + ", which is not in images; annotation not used, kept as it was");
                ds.keepUnreadAnnotation(a);
                continue;
            }
            if (ds.category(a.categoryId()) == null) {
                warn(
                        at + ".category_id",
                        "annotation " + a.id() + " names category " + a.categoryId()
                                + ", which is not in categories; annotation not used, kept as it was");
                ds.keepUnreadAnnotation(a);
                continue;
            }
            String rleProblem = checkRle(a.segmentation(), im);
            if (rleProblem != null) {
                warn(
                        at + ".segmentation",
                        "annotation " + a.id() + ": " + rleProblem + "; annotation not used, kept as it was");
                ds.keepUnreadAnnotation(a);
                continue;
            }
            ds.addAnnotation(a);
        }
    }

    private static String checkRle(Segmentation s, CocoImage im) {
        int h;
        int w;
        switch (s) {
            case Segmentation.UncompressedRle u -> {
                long sum = 0;
                for (int c : u.counts()) sum += c;
                if (sum != (long) u.h() * u.w()) {
                    return "RLE counts sum to " + sum + " but size " + u.h() + "x" + u.w() + " has "
                            + ((long) u.h() * u.w()) + " pixels";
                }
                h = u.h();
                w = u.w();
            }
            case Segmentation.CompressedRle c -> {
                try {
                    Rle.fromString(c.counts(), c.h(), c.w());
                } catch (IllegalArgumentException e) {
                    return "corrupt compressed RLE: " + e.getMessage();
                }
                h = c.h();
                w = c.w();
            }
            case null, default -> {
                return null;
            }
        }
        if (h != im.height() || w != im.width()) {
            return "RLE size " + h + "x" + w + " differs from image " + im.id() + " size " + im.height() + "x"
                    + im.width() + " (height x width)";
        }
        return null;
    }
}
