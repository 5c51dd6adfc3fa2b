package dev.masklab.coco;

import java.io.IOException;

/** A COCO (or results) file that cannot be used: unparseable JSON, wrong types, broken structure. */
public final class CocoFormatException extends IOException {
    private final String file;
    private final String jsonPath;
    private final String reason;

    public CocoFormatException(String file, String jsonPath, String reason) {
        this(file, jsonPath, reason, null);
    }

    public CocoFormatException(String file, String jsonPath, String reason, Throwable cause) {
        super(file + ": " + (jsonPath == null || jsonPath.isEmpty() ? "" : jsonPath + ": ") + reason, cause);
        this.file = file;
        this.jsonPath = jsonPath;
        this.reason = reason;
    }

    /** The file (as given to the reader). */
    public String file() {
        return file;
    }

    /** JSON path of the offending value, e.g. {@code annotations[12].bbox}; empty for the document itself. */
    public String jsonPath() {
        return jsonPath;
    }

    /** What is wrong. */
    public String reason() {
        return reason;
    }
}
