package dev.masklab.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.io.Backup;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes COCO results files (a JSON array of detections), following pycocotools {@code COCO.loadRes}:
 * the kind of results is decided by the FIRST entry, and then for every entry
 * <ul>
 *   <li>first has a non-empty {@code bbox} (box results, also when masks or keypoints are present): area = w*h of the
 *       box; an entry without segmentation gets the box as polygon;</li>
 *   <li>else first has {@code segmentation}: area = mask area; bbox = the mask's box where absent;</li>
 *   <li>else first has {@code keypoints}: bbox = extent of all keypoints (v ignored, as pycocotools), area = its w*h;</li>
 * </ul>
 * ids are 1..n in file order. An {@code image_id} that is not in the ground truth is an error
 * ({@link CocoFormatException}), as are wrong types, a missing image_id/category_id/score, masks whose size is not
 * their image's, NaN or infinite numbers (score, bbox, keypoints, polygons), and RLE counts or sizes that are not
 * non-negative integers fitting in 31 bits (a string, a fraction, a negative or larger number: no coercion). Each
 * error names the file, the JSON path and the value.
 */
public final class CocoResults {
    private CocoResults() {}

    private enum Kind {
        BBOX,
        SEGM,
        KEYPOINTS
    }

    /** Reads a results file against its ground truth. */
    public static List<CocoResult> read(Path path, CocoDataset gt) throws IOException {
        String file = path.toString();
        if (!Files.isRegularFile(path)) throw new CocoFormatException(file, "", "file not found");
        List<JsonNode> items = new ArrayList<>();
        try (InputStream in = Files.newInputStream(path);
                JsonParser p = CocoReader.MAPPER.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new CocoFormatException(file, "", "empty file");
            if (t != JsonToken.START_ARRAY) {
                throw new CocoFormatException(file, "", "a results file must be a JSON array of detections");
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new CocoFormatException(file, "[" + items.size() + "]", "expected a detection object");
                }
                items.add(p.readValueAsTree());
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw new CocoFormatException(
                    file, "[" + items.size() + "]", "malformed JSON: " + e.getOriginalMessage() + where, e);
        }
        return fromTrees(items, gt, file);
    }

    /** Applies the loadRes rules to parsed detections ({@code name} is used in messages). */
    public static List<CocoResult> fromTrees(List<JsonNode> items, CocoDataset gt, String name) throws IOException {
        List<CocoResult> out = new ArrayList<>(items.size());
        if (items.isEmpty()) return out;
        JsonNode first = items.get(0);
        Kind kind;
        if (first.has("bbox")
                && !(first.get("bbox").isArray() && first.get("bbox").isEmpty())) {
            kind = Kind.BBOX;
        } else if (first.has("segmentation")) {
            kind = Kind.SEGM;
        } else if (first.has("keypoints")) {
            kind = Kind.KEYPOINTS;
        } else {
            throw new CocoFormatException(name, "[0]", "detection has none of bbox, segmentation, keypoints");
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode n = items.get(i);
            String at = "[" + i + "]";
            long imageId = integer(n, "image_id", at, name);
            CocoImage im = gt.image(imageId);
            if (im == null) {
                throw new CocoFormatException(
                        name, at + ".image_id", "image " + imageId + " is not in the ground truth");
            }
            long categoryId = integer(n, "category_id", at, name);
            double score = number(n.get("score"), at + ".score", name, true);
            double[] bbox = numbers(n.get("bbox"), at + ".bbox", name);
            if (bbox != null && bbox.length == 0) bbox = null;
            if (bbox != null && bbox.length != 4) {
                throw new CocoFormatException(name, at + ".bbox", "bbox needs 4 numbers, has " + bbox.length);
            }
            double[] kps = numbers(n.get("keypoints"), at + ".keypoints", name);
            if (kps != null && kps.length % 3 != 0) {
                throw new CocoFormatException(
                        name, at + ".keypoints", "keypoints need x, y, v triples, have " + kps.length + " numbers");
            }
            double[] kpScores = numbers(n.get("keypoint_scores"), at + ".keypoint_scores", name);
            if (kpScores != null && (kps == null || kpScores.length * 3 != kps.length)) {
                throw new CocoFormatException(
                        name,
                        at + ".keypoint_scores",
                        "one score per keypoint needed: " + kpScores.length + " scores for "
                                + (kps == null ? 0 : kps.length / 3) + " keypoints");
            }
            Segmentation seg = segmentation(n.get("segmentation"), at + ".segmentation", name, im);
            double area;
            switch (kind) {
                case BBOX -> {
                    if (bbox == null) throw new CocoFormatException(name, at + ".bbox", "box results need a bbox");
                    if (seg == null) {
                        double x1 = bbox[0];
                        double x2 = bbox[0] + bbox[2];
                        double y1 = bbox[1];
                        double y2 = bbox[1] + bbox[3];
                        seg = Segmentation.polygons(List.of(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}));
                    }
                    area = bbox[2] * bbox[3];
                }
                case SEGM -> {
                    if (seg == null) {
                        throw new CocoFormatException(name, at + ".segmentation", "mask results need a segmentation");
                    }
                    Rle rle = seg.toRle(im.height(), im.width());
                    area = rle.area();
                    if (bbox == null) bbox = rle.toBbox();
                }
                default -> {
                    if (kps == null || kps.length == 0) {
                        throw new CocoFormatException(name, at + ".keypoints", "keypoint results need keypoints");
                    }
                    double x0 = Double.POSITIVE_INFINITY;
                    double x1 = Double.NEGATIVE_INFINITY;
                    double y0 = Double.POSITIVE_INFINITY;
                    double y1 = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < kps.length; k += 3) {
                        x0 = Math.min(x0, kps[k]);
                        x1 = Math.max(x1, kps[k]);
                        y0 = Math.min(y0, kps[k + 1]);
                        y1 = Math.max(y1, kps[k + 1]);
                    }
                    area = (x1 - x0) * (y1 - y0);
                    bbox = new double[] {x0, y0, x1 - x0, y1 - y0};
                }
            }
            out.add(new CocoResult(imageId, categoryId, score, bbox, seg, kps, i + 1, area, kpScores));
        }
        return out;
    }

    private static long integer(JsonNode n, String field, String at, String name) throws CocoFormatException {
        JsonNode v = n.get(field);
        if (v == null) throw new CocoFormatException(name, at, "detection without \"" + field + "\"");
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        // numpy exports sometimes write integral ids as floats (1.0)
        if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 0x1p63) {
            return (long) v.asDouble();
        }
        throw new CocoFormatException(name, at + "." + field, "expected an integer, found " + v.getNodeType());
    }

    private static double number(JsonNode v, String at, String name, boolean required) throws CocoFormatException {
        if (v == null) {
            if (required) throw new CocoFormatException(name, at, "missing");
            return Double.NaN;
        }
        if (!v.isNumber()) throw new CocoFormatException(name, at, "expected a number, found " + describe(v));
        double d = v.asDouble();
        if (!Double.isFinite(d)) throw new CocoFormatException(name, at, "not a finite number: " + v.asText());
        return d;
    }

    private static double[] numbers(JsonNode v, String at, String name) throws CocoFormatException {
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new CocoFormatException(name, at, "expected an array of numbers");
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) d[i] = number(v.get(i), at + "[" + i + "]", name, true);
        return d;
    }

    /** A non-negative integer that fits in 31 bits (an RLE count or size); strings and fractions are refused. */
    private static int count(JsonNode v, String at, String name) throws CocoFormatException {
        if (!v.isIntegralNumber()) {
            throw new CocoFormatException(name, at, "expected a non-negative integer, found " + describe(v));
        }
        if (!v.canConvertToInt() || v.intValue() < 0) {
            throw new CocoFormatException(
                    name, at, "out of range: " + v.asText() + " (must be 0.." + Integer.MAX_VALUE + ")");
        }
        return v.intValue();
    }

    private static String describe(JsonNode v) {
        return v.isTextual()
                ? "the string \"" + abbreviate(v.asText()) + "\""
                : v.isNumber() ? v.asText() : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static Segmentation segmentation(JsonNode v, String at, String name, CocoImage im)
            throws CocoFormatException {
        if (v == null || v.isNull()) return null;
        if (v.isArray()) {
            List<double[]> polys = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                double[] poly = numbers(v.get(i), at + "[" + i + "]", name);
                if (poly == null || poly.length < 6 || poly.length % 2 != 0) {
                    throw new CocoFormatException(name, at + "[" + i + "]", "a polygon needs at least 3 x, y points");
                }
                polys.add(poly);
            }
            return Segmentation.polygons(polys);
        }
        if (!v.isObject()
                || !v.has("counts")
                || !v.has("size")
                || !v.get("size").isArray()
                || v.get("size").size() != 2) {
            throw new CocoFormatException(name, at, "expected polygons or an RLE object with counts and size");
        }
        int h = count(v.get("size").get(0), at + ".size[0]", name);
        int w = count(v.get("size").get(1), at + ".size[1]", name);
        if (h != im.height() || w != im.width()) {
            throw new CocoFormatException(
                    name,
                    at + ".size",
                    "mask size " + h + "x" + w + " differs from image " + im.id() + " size " + im.height() + "x"
                            + im.width());
        }
        JsonNode c = v.get("counts");
        try {
            if (c.isTextual()) {
                Segmentation.CompressedRle s = new Segmentation.CompressedRle(c.asText(), h, w);
                s.toRle(h, w); // validates
                return s;
            }
            if (c.isArray()) {
                int[] counts = new int[c.size()];
                for (int i = 0; i < counts.length; i++) counts[i] = count(c.get(i), at + ".counts[" + i + "]", name);
                Rle.fromCounts(counts, h, w); // validates
                return new Segmentation.UncompressedRle(counts, h, w);
            }
        } catch (IllegalArgumentException e) {
            throw new CocoFormatException(name, at + ".counts", e.getMessage());
        }
        throw new CocoFormatException(name, at + ".counts", "expected a string or an array of integers");
    }

    /**
     * Writes detections in the COCO results format ({@link DurableFiles durably}; an existing file is kept as
     * NAME.bak).
     */
    public static void write(List<CocoResult> results, Path path) throws IOException {
        DurableFiles.write(
                path,
                out -> {
                    try (JsonGenerator g = CocoReader.FACTORY.createGenerator(out)) {
                        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                        g.writeStartArray();
                        for (CocoResult r : results) {
                            g.writeStartObject();
                            g.writeNumberField("image_id", r.imageId());
                            g.writeNumberField("category_id", r.categoryId());
                            if (r.bbox() != null) {
                                g.writeFieldName("bbox");
                                g.writeArray(r.bbox(), 0, r.bbox().length);
                            }
                            g.writeNumberField("score", r.score());
                            if (r.segmentation() != null) {
                                g.writeFieldName("segmentation");
                                CocoWriter.writeSegmentation(g, r.segmentation());
                            }
                            if (r.keypoints() != null) {
                                g.writeFieldName("keypoints");
                                g.writeArray(r.keypoints(), 0, r.keypoints().length);
                            }
                            if (r.keypointScores() != null) {
                                g.writeFieldName("keypoint_scores");
                                g.writeArray(r.keypointScores(), 0, r.keypointScores().length);
                            }
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                },
                Backup.perSession());
    }
}
