package dev.masklab.predict;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The box prompts file of {@code masklab segment} (PROMPTS.json): a JSON list of
 * {@code {"image_id": ID, "bbox": [x, y, w, h], "category_id": ID?}} in original image pixels. Read as a stream, one
 * prompt at a time (memory bounded by the prompts, not the file's text). Anything malformed is an {@link Invalid}
 * whose message names the file and the prompt (index from 0 and image id when known).
 */
public final class BoxPromptFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BoxPromptFile() {}

    /** One prompt of the file: its position, the image it is on and the box. */
    public record Entry(int index, long imageId, BoxPrompt prompt) {
        /** "prompt 3 (image_id 785)": how errors name this prompt. */
        public String name() {
            return "prompt " + index + " (image_id " + imageId + ")";
        }
    }

    /** A malformed prompts file or prompt; the message is one line naming the file and the prompt. */
    public static final class Invalid extends IOException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** Reads every prompt, in file order. */
    public static List<Entry> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = JSON.createParser(in)) {
            return read(p, file.toString());
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new Invalid(file + ": not valid JSON"
                    + (l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr()) + " ("
                    + e.getOriginalMessage() + ")");
        }
    }

    private static List<Entry> read(JsonParser p, String name) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new Invalid(name + ": expected a JSON list of prompts {\"image_id\", \"bbox\": [x, y, w, h], "
                    + "\"category_id\"?}");
        }
        List<Entry> out = new ArrayList<>();
        for (int index = 0; p.nextToken() != JsonToken.END_ARRAY; index++) {
            JsonNode node = p.readValueAsTree();
            out.add(entry(name, index, node));
        }
        if (p.nextToken() != null) {
            throw new Invalid(name + ": unexpected content after the list of prompts");
        }
        return out;
    }

    private static Entry entry(String file, int index, JsonNode n) throws Invalid {
        String where = file + ": prompt " + index;
        if (n == null || !n.isObject()) {
            throw new Invalid(where + ": expected an object {\"image_id\", \"bbox\": [x, y, w, h], \"category_id\"?}");
        }
        JsonNode id = n.get("image_id");
        if (id == null || !isIntegral(id)) {
            throw new Invalid(where + ": image_id must be an integer" + (id == null ? " (missing)" : ", got " + id));
        }
        long imageId = id.asLong();
        where = file + ": prompt " + index + " (image_id " + imageId + ")";
        JsonNode b = n.get("bbox");
        if (b == null || !b.isArray() || b.size() != 4) {
            throw new Invalid(where + ": bbox must be a list of 4 numbers [x, y, w, h]"
                    + (b == null ? " (missing)" : ", got " + abbreviate(b)));
        }
        double[] v = new double[4];
        for (int k = 0; k < 4; k++) {
            if (!b.get(k).isNumber()) {
                throw new Invalid(where + ": bbox must be a list of 4 numbers [x, y, w, h], got " + abbreviate(b));
            }
            v[k] = b.get(k).asDouble();
        }
        JsonNode c = n.get("category_id");
        OptionalLong category = OptionalLong.empty();
        if (c != null && !c.isNull()) {
            if (!isIntegral(c)) {
                throw new Invalid(where + ": category_id must be an integer, got " + abbreviate(c));
            }
            category = OptionalLong.of(c.asLong());
        }
        return new Entry(index, imageId, new BoxPrompt(v[0], v[1], v[2], v[3], category));
    }

    private static boolean isIntegral(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong()
                || n.isFloatingPointNumber()
                        && n.asDouble() == Math.rint(n.asDouble())
                        && Math.abs(n.asDouble()) < 9e15;
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
