package dev.masklab.coco;

import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The formatting style of a JSON file, kept when a dataset is saved so that files kept in git diff well: compact (one
 * line, as pycocotools' {@code json.dump} without indent and most tools write), or pretty-printed as Python's
 * {@code json.dump(indent=N)} does (every array element and object entry on its own line, {@code "key": value}), with
 * the source's indent string and line ending; and whether the file ends with a line break.
 *
 * @param indent        one level of indentation ({@code "  "}, {@code "\t"}, possibly empty), null for compact
 * @param lineEnd       {@code "\n"} or {@code "\r\n"} (pretty files)
 * @param finalNewline  whether a line break follows the closing brace
 */
public record JsonLayout(String indent, String lineEnd, boolean finalNewline) {
    /** One line, no final line break: what a dataset built in code gets. */
    public static final JsonLayout COMPACT = new JsonLayout(null, "\n", false);

    /** Bytes of a file's start searched for the first line break; a longer first line means a compact file. */
    static final int SNIFF_LIMIT = 1 << 16;

    public JsonLayout {
        if (!"\n".equals(lineEnd) && !"\r\n".equals(lineEnd)) throw new IllegalArgumentException("line end " + lineEnd);
        if (indent != null && !indent.chars().allMatch(c -> c == ' ' || c == '\t')) {
            throw new IllegalArgumentException("indent must be spaces or tabs");
        }
    }

    /** Pretty-printed with {@code indent} per level, {@code \n} line ends and a final line break. */
    public static JsonLayout pretty(String indent) {
        return new JsonLayout(indent, "\n", true);
    }

    public boolean isCompact() {
        return indent == null;
    }

    /** A new pretty printer for one document (they keep nesting state), or null for compact output. */
    PrettyPrinter prettyPrinter() {
        if (indent == null) return null;
        DefaultIndenter in = new DefaultIndenter(indent, lineEnd);
        Separators sep = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEntrySpacing(Separators.Spacing.NONE)
                .withArrayValueSpacing(Separators.Spacing.NONE)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("")
                .withRootSeparator("");
        return new DefaultPrettyPrinter(sep).withObjectIndenter(in).withArrayIndenter(in);
    }

    /**
     * A stream that passes bytes through and works out the {@link JsonLayout} of what went by: pretty when a line
     * break within the first {@value #SNIFF_LIMIT} bytes is followed by more JSON (the indent is the next line's
     * leading blanks), compact otherwise; the final line break from the last byte read.
     */
    static final class Sniffer extends FilterInputStream {
        private long position;
        private int state; // 0: first line, 1: collecting the second line's indent, 2: decided
        private boolean pretty;
        private boolean crlf;
        private int lastByte = -1;
        private int previous = -1;
        private final StringBuilder indent = new StringBuilder();

        Sniffer(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) see(b);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (state != 2) {
                    for (int i = 0; i < n && state != 2; i++) see(b[off + i] & 0xff);
                }
                lastByte = b[off + n - 1] & 0xff;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            state = 2;
            return super.skip(n);
        }

        private void see(int b) {
            lastByte = b;
            if (state == 0) {
                if (b == '\n') {
                    state = 1;
                    crlf = previous == '\r';
                } else if (position >= SNIFF_LIMIT) {
                    state = 2;
                }
            } else if (state == 1) {
                if (b == ' ' || b == '\t') {
                    indent.append((char) b);
                } else {
                    pretty = b != '\r' && b != '\n'; // a blank second line: the file ends there (compact + newline)
                    state = 2;
                }
            }
            previous = b;
            position++;
        }

        /** The layout of what was read (call after reading to the end). */
        JsonLayout layout() {
            boolean finalNewline = lastByte == '\n';
            return pretty
                    ? new JsonLayout(indent.toString(), crlf ? "\r\n" : "\n", finalNewline)
                    : new JsonLayout(null, "\n", finalNewline);
        }
    }
}
