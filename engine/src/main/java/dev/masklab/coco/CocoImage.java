package dev.masklab.coco;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of a COCO file's {@code images}. Fields other than id, file_name, width and height (license, coco_url,
 * date_captured, ...) are kept verbatim in {@link #extra()}.
 */
public final class CocoImage {
    private final long id;
    private final String fileName;
    private final int width;
    private final int height;
    private final Map<String, JsonNode> extra;

    public CocoImage(long id, String fileName, int width, int height) {
        this(id, fileName, width, height, new LinkedHashMap<>());
    }

    public CocoImage(long id, String fileName, int width, int height, Map<String, JsonNode> extra) {
        this.id = id;
        this.fileName = fileName;
        this.width = width;
        this.height = height;
        this.extra = extra;
    }

    public long id() {
        return id;
    }

    /** {@code file_name} (may be null when absent in the file). */
    public String fileName() {
        return fileName;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Unknown fields in file order; mutable. */
    public Map<String, JsonNode> extra() {
        return extra;
    }

    @Override
    public String toString() {
        return "CocoImage[" + id + ", " + fileName + ", " + width + "x" + height + "]";
    }
}
