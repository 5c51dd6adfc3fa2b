package dev.masklab.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.masklab.io.Backup;
import dev.masklab.io.DurableFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only journal of annotation edits beside a dataset ({@code NAME.json.journal}), so that a crash or a
 * {@code kill -9} loses no edit that had returned: each {@link #append} is on disk (written and {@code force}d) when
 * it returns, and {@link #replayInto} re-applies the edits the dataset file does not hold yet when it is opened again.
 *
 * <p><b>Format.</b> UTF-8 lines, each {@code CRC32C-HEX SP JSON LF}, the checksum over the JSON's bytes. The first
 * line is the header {@code {"journal":"masklab-edits","version":1,"file":{"size":N,"sha256":H},"seq":S}}: the
 * dataset file (size and SHA-256 of its bytes) that holds every edit up to sequence number {@code S}. Then edits
 * {@code {"seq":n,"op":...}} ({@code replace}, {@code insert}, {@code remove} of an annotation,
 * {@code replace-category}, {@code insert-category}, {@code remove-category}; {@code decide} and {@code undecide}: review
 * decisions on predictions, not changes of the dataset) (n = 1, 2, ... over the session) and save marks
 * {@code {"saved":{"size":N,"sha256":H},"seq":S}}. A line without its LF or with a wrong checksum (a torn write) ends
 * the journal: it and anything after it are ignored, and cut off before the next append.
 *
 * <p><b>Save and journal cannot race.</b> {@link #save} writes the dataset with {@link DurableFiles}; once the new
 * file is complete on disk, before it is renamed over the dataset, a save mark naming it (size and hash) and the
 * sequence number of the snapshot it holds is appended and forced; after the rename the journal is compacted (deleted
 * when no edit came after the snapshot, else atomically rewritten as header + those edits). Replay finds the last mark
 * (or header) naming the dataset file as it is on disk and applies the edits numbered after it. So a crash at any
 * point leaves the old or the new dataset file, and a journal that names it: before the mark, the old file and its
 * mark; between mark and rename, the old file (the new one's mark does not match); after the rename, the new file and
 * its mark. A journal that names no version of the file on disk (the file was replaced by another program) is set
 * aside as {@code NAME.json.journal.stale}, never replayed onto the wrong file.
 *
 * <p><b>Use.</b> One journal per open dataset: {@link #open} it beside the file; when {@link #pending()} offer
 * {@link #replayInto} (or {@link #setAside()} / {@link #discard()}); {@link #append} every change as it is made
 * (an undo is just another change: the inverse one); {@link #save} instead of {@link CocoWriter#write};
 * {@link #discard} when the user quits without saving; {@link #close} at the end. Thread-safe: {@link #save} may run on a background
 * thread while edits go on; it saves a snapshot taken together with {@link #sequence()}.
 */
public final class EditJournal implements AutoCloseable {
    private static final String MAGIC = "masklab-edits";
    private static final int VERSION = 1;

    /** One change of the dataset's annotations, as the app's edits make them. */
    public sealed interface Op
            permits Replace, Insert, Remove, ReplaceCategory, InsertCategory, RemoveCategory, Decide, Undecide {
        /** Applies the change to {@code ds}; IllegalArgumentException/IndexOutOfBoundsException when it cannot. */
        void applyTo(CocoDataset ds);
    }

    /**
     * A review decision on a prediction (the review package's {@code ReviewState.Decision} as plain values, so that
     * this package does not depend on that one): not a change of the dataset but journaled with its edits, so that a
     * rejection, which changes no annotation, survives a crash as the edits do and is given up with them.
     * {@link #replayInto(CocoDataset, Consumer)} hands it to the caller.
     *
     * @param key          the prediction's key (32 hex digits)
     * @param imageId      its image
     * @param categoryId   its predicted category
     * @param score        its score
     * @param accepted     accepted (else rejected)
     * @param annotationId the annotation an accepted prediction became (0 when rejected)
     */
    public record Decide(String key, long imageId, long categoryId, double score, boolean accepted, long annotationId)
            implements Op {
        @Override
        public void applyTo(CocoDataset ds) {}
    }

    /** The prediction with this key is pending again (an undo of its decision). */
    public record Undecide(String key) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {}
    }

    /** The annotation with this id becomes {@code annotation} (same position in the list). */
    public record Replace(CocoAnnotation annotation) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            ds.replaceAnnotation(annotation);
        }
    }

    /** {@code annotation} (a new id) is inserted at {@code index} of {@link CocoDataset#annotations()} (0..size). */
    public record Insert(int index, CocoAnnotation annotation) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            ds.insertAnnotation(index, annotation);
        }
    }

    /** The annotation with this id is removed. */
    public record Remove(long annotationId) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            if (ds.removeAnnotation(annotationId) == null) {
                throw new IllegalArgumentException("no annotation with id " + annotationId);
            }
        }
    }

    /** The category with this id becomes {@code category} (same position): a rename, say. */
    public record ReplaceCategory(CocoCategory category) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            ds.replaceCategory(category);
        }
    }

    /** {@code category} (a new id) is inserted at {@code index} of {@link CocoDataset#categories()} (0..size). */
    public record InsertCategory(int index, CocoCategory category) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            ds.insertCategory(index, category);
        }
    }

    /** The category with this id is removed (its annotations are separate changes). */
    public record RemoveCategory(long categoryId) implements Op {
        @Override
        public void applyTo(CocoDataset ds) {
            if (ds.removeCategory(categoryId) == null) {
                throw new IllegalArgumentException("no category with id " + categoryId);
            }
        }
    }

    /** A dataset file's identity: its size and the SHA-256 of its bytes (size -1 and "" for a missing file). */
    record Identity(long size, String sha256) {
        static final Identity MISSING = new Identity(-1, "");

        static Identity of(Path file) throws IOException {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long size = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; size += n) md.update(buf, 0, n);
            } catch (NoSuchFileException e) {
                return MISSING;
            }
            return new Identity(size, HexFormat.of().formatHex(md.digest()));
        }
    }

    /** A valid line of the journal: its sequence number (edits; marks carry the snapshot's) and its bytes. */
    private record Line(long seq, byte[] bytes) {}

    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final Path dataset;
    private final Path file;
    /** The dataset file holding every edit up to {@link #savedSeq}; null until needed (computed lazily). */
    private Identity base;

    private long savedSeq;
    /** Sequence number of the last edit appended or replayed. */
    private long seq;
    /** Edits after {@link #savedSeq}, as written (kept for compaction). */
    private final List<Line> unsaved = new ArrayList<>();
    /** Open for appending once the journal file exists and is ours; null otherwise. */
    private FileChannel channel;
    /** A journal file found at open that was not yet replayed, set aside or discarded. */
    private boolean pending;

    private EditJournal(Path dataset, Path file) {
        this.dataset = dataset;
        this.file = file;
        this.pending = Files.exists(file);
    }

    /** {@code NAME.json.journal} beside the real file of {@code dataset} (symbolic links followed). */
    public static Path fileFor(Path dataset) throws IOException {
        Path real = DurableFiles.realTarget(dataset);
        return real.resolveSibling(real.getFileName() + ".journal");
    }

    /** The journal of {@code dataset}; nothing is written until the first {@link #append}. */
    public static EditJournal open(Path dataset) throws IOException {
        return new EditJournal(DurableFiles.realTarget(dataset), fileFor(dataset));
    }

    /** True when a journal of an earlier session was found: edits the file may not hold (see {@link #replayInto}). */
    public boolean pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** Sequence number of the last change appended (0 at the start): take it together with a snapshot to save. */
    public long sequence() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies to {@code ds} — the dataset as just read from its file — the edits of an earlier session that the file
     * does not hold; returns how many. A journal naming no version of the file on disk is set aside as
     * {@code NAME.json.journal.stale} (0 is returned). Appends continue after the replayed edits. Throws a
     * {@link CocoFormatException} naming the journal and line when an edit cannot be applied.
     */
    public int replayInto(CocoDataset ds) throws IOException {
        return replayInto(ds, op -> {});
    }

    /**
     * As {@link #replayInto(CocoDataset)}, handing each replayed review decision ({@link Decide}, {@link Undecide})
     * to {@code decisions} in journal order; they count as edits.
     */
    public int replayInto(CocoDataset ds, Consumer<Op> decisions) throws IOException {
        lock.lock();
        try {
            if (!pending) return 0;
            Identity current = Identity.of(dataset);
            List<Line> lines = new ArrayList<>();
            List<Object> parsed = new ArrayList<>(); // Op or Identity (header/mark), parallel to lines
            long validLength = readLines(lines, parsed);
            int from = -1;
            for (int i = parsed.size() - 1; i >= 0 && from < 0; i--) {
                if (current.equals(parsed.get(i))) from = i;
            }
            if (from < 0) {
                moveAside(".stale");
                base = current;
                return 0;
            }
            long after = lines.get(from).seq();
            int applied = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (!(parsed.get(i) instanceof Op op) || lines.get(i).seq() <= after) continue;
                try {
                    op.applyTo(ds);
                    if (op instanceof Decide || op instanceof Undecide) decisions.accept(op);
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    throw new CocoFormatException(
                            file.toString(),
                            "line " + (i + 1),
                            "edit " + lines.get(i).seq() + " does not apply to " + dataset.getFileName() + ": "
                                    + e.getMessage());
                }
                unsaved.add(lines.get(i));
                applied++;
            }
            for (Line l : lines) seq = Math.max(seq, l.seq());
            base = current;
            savedSeq = after;
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            if (channel.size() > validLength) { // a torn last line: cut it off before appending
                channel.truncate(validLength);
                channel.force(true);
            }
            channel.position(validLength);
            pending = false;
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a change already made (or about to be made) to the dataset; it is on disk when this returns. The first
     * change of a session creates the journal. Throws IllegalStateException while a journal of an earlier session is
     * {@link #pending()}.
     */
    public void append(Op op) throws IOException {
        lock.lock();
        try {
            if (pending) throw new IllegalStateException("replay, set aside or discard the journal " + file + " first");
            if (channel == null) create();
            long n = seq + 1;
            byte[] line = line(json(g -> {
                g.writeNumberField("seq", n);
                switch (op) {
                    case Replace r -> {
                        g.writeStringField("op", "replace");
                        g.writeFieldName("annotation");
                        CocoWriter.writeAnnotation(g, r.annotation());
                    }
                    case Insert ins -> {
                        g.writeStringField("op", "insert");
                        g.writeNumberField("index", ins.index());
                        g.writeFieldName("annotation");
                        CocoWriter.writeAnnotation(g, ins.annotation());
                    }
                    case Remove rm -> {
                        g.writeStringField("op", "remove");
                        g.writeNumberField("id", rm.annotationId());
                    }
                    case ReplaceCategory r -> {
                        g.writeStringField("op", "replace-category");
                        g.writeFieldName("category");
                        CocoWriter.writeCategory(g, r.category());
                    }
                    case InsertCategory ins -> {
                        g.writeStringField("op", "insert-category");
                        g.writeNumberField("index", ins.index());
                        g.writeFieldName("category");
                        CocoWriter.writeCategory(g, ins.category());
                    }
                    case RemoveCategory rm -> {
                        g.writeStringField("op", "remove-category");
                        g.writeNumberField("id", rm.categoryId());
                    }
                    case Decide d -> {
                        g.writeStringField("op", "decide");
                        g.writeStringField("key", d.key());
                        g.writeNumberField("image_id", d.imageId());
                        g.writeNumberField("category_id", d.categoryId());
                        g.writeNumberField("score", d.score());
                        g.writeStringField("status", d.accepted() ? "accepted" : "rejected");
                        g.writeNumberField("annotation_id", d.annotationId());
                    }
                    case Undecide u -> {
                        g.writeStringField("op", "undecide");
                        g.writeStringField("key", u.key());
                    }
                }
            }));
            writeFully(line);
            channel.force(false);
            seq = n;
            unsaved.add(new Line(n, line));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Saves {@code snapshot} — the dataset as it was at {@link #sequence()} {@code snapshotSeq} — to the dataset file
     * durably (its formatting style kept, {@code backup} as {@link CocoWriter#write(CocoDataset, Path, Backup)}), then
     * compacts the journal; see the class comment for why a crash at any point loses nothing. Edits appended while
     * the file is written stay in the journal.
     */
    public void save(CocoDataset snapshot, long snapshotSeq, Backup backup) throws IOException {
        lock.lock();
        try {
            if (pending) throw new IllegalStateException("replay, set aside or discard the journal " + file + " first");
        } finally {
            lock.unlock();
        }
        Identity[] written = new Identity[1];
        try {
            DurableFiles.write(dataset, out -> CocoWriter.write(snapshot, out), backup, complete -> {
                written[0] = Identity.of(complete);
                // held until the journal is compacted: no edit can start a journal naming the old file meanwhile
                lock.lock();
                if (channel != null) {
                    writeFully(line(json(g -> {
                        writeIdentity(g, "saved", written[0]);
                        g.writeNumberField("seq", snapshotSeq);
                    })));
                    channel.force(false);
                }
            });
            compact(written[0], snapshotSeq);
        } finally {
            if (lock.isHeldByCurrentThread()) lock.unlock();
        }
    }

    /** Deletes the journal durably: its edits are abandoned (the user quit without saving). */
    public void discard() throws IOException {
        lock.lock();
        try {
            closeChannel();
            DurableFiles.delete(file);
            reset();
        } finally {
            lock.unlock();
        }
    }

    /** Keeps the journal as {@code NAME.json.journal.old} (recovery declined) and starts afresh; returns that file. */
    public Path setAside() throws IOException {
        lock.lock();
        try {
            closeChannel();
            Path old = moveAside(".old");
            reset();
            return old;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the journal file; the journal stays on disk (it is removed by {@link #save} or {@link #discard}). */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closeChannel();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Fields fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = CocoReader.FACTORY.createGenerator(out)) {
            g.setCodec(CocoReader.MAPPER);
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeIdentity(JsonGenerator g, String field, Identity id) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("size", id.size());
        g.writeStringField("sha256", id.sha256());
        g.writeEndObject();
    }

    /** {@code CRC32C-HEX SP JSON LF}. */
    private static byte[] line(byte[] json) {
        CRC32C crc = new CRC32C();
        crc.update(json);
        byte[] head = (String.format("%08x", crc.getValue()) + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 1] = '\n';
        return out;
    }

    private byte[] header(Identity id, long at) throws IOException {
        return line(json(g -> {
            g.writeStringField("journal", MAGIC);
            g.writeNumberField("version", VERSION);
            writeIdentity(g, "file", id);
            g.writeNumberField("seq", at);
        }));
    }

    /** Creates the journal (header only) atomically and opens it for appending. */
    private void create() throws IOException {
        if (base == null) base = Identity.of(dataset);
        byte[] header = header(base, savedSeq);
        DurableFiles.write(file, out -> out.write(header));
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void writeFully(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) channel.write(b);
    }

    /** After a save of the state at {@code at} as file {@code id}: header + the edits after {@code at}, or nothing. */
    private void compact(Identity id, long at) throws IOException {
        base = id;
        savedSeq = at;
        unsaved.removeIf(l -> l.seq() <= at);
        if (channel == null) return; // no journal: nothing was edited since the last save
        closeChannel();
        if (unsaved.isEmpty()) {
            DurableFiles.delete(file);
            return;
        }
        byte[] header = header(id, at);
        List<Line> rest = List.copyOf(unsaved);
        DurableFiles.write(file, out -> {
            out.write(header);
            for (Line l : rest) out.write(l.bytes());
        });
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private Path moveAside(String suffix) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(file)) {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.syncDirectory(file.getParent());
        }
        pending = false;
        return aside;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void reset() {
        pending = false;
        unsaved.clear();
        base = null;
        savedSeq = seq;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads the valid lines (checksum right, LF-terminated) up to the first torn or corrupt one; fills {@code lines}
     * and {@code parsed} (an {@link Op}, or the {@link Identity} of a header or save mark); returns the valid length.
     */
    private long readLines(List<Line> lines, List<Object> parsed) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int start = 0;
        while (start < all.length) {
            int end = start;
            while (end < all.length && all[end] != '\n') end++;
            if (end == all.length) break; // no LF: torn
            byte[] bytes = java.util.Arrays.copyOfRange(all, start, end + 1);
            Object item = parse(bytes, lines.size() + 1);
            if (item == null) break;
            long n = item instanceof Numbered num ? num.seq : 0;
            lines.add(new Line(n, bytes));
            parsed.add(item instanceof Numbered num ? num.item : item);
            start = end + 1;
        }
        if (lines.isEmpty() || !(parsed.getFirst() instanceof Identity)) {
            // no valid header: the journal was never complete (it is created atomically) or is not ours
            throw new CocoFormatException(file.toString(), "line 1", "not a MaskLab edit journal");
        }
        return start;
    }

    private record Numbered(long seq, Object item) {}

    /** A line's content as {@link Numbered}, or null when its checksum is wrong or it cannot be read. */
    private Object parse(byte[] bytes, int lineNo) throws IOException {
        int sp = 8;
        if (bytes.length < 10 || bytes[sp] != ' ') return null;
        long expected;
        try {
            expected = Long.parseLong(new String(bytes, 0, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, sp + 1, bytes.length - sp - 2);
        if (crc.getValue() != expected) return null;
        String name = file + " line " + lineNo;
        try (JsonParser p = CocoReader.MAPPER.createParser(bytes, sp + 1, bytes.length - sp - 2)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            Long n = null;
            String op = null;
            Integer index = null;
            Long id = null;
            CocoAnnotation annotation = null;
            CocoCategory category = null;
            Identity identity = null;
            boolean header = false;
            String key = null;
            String status = null;
            Long imageId = null;
            Long categoryId = null;
            Double score = null;
            Long annotationId = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "seq" -> n = p.getLongValue();
                    case "op" -> op = p.getText();
                    case "index" -> index = p.getIntValue();
                    case "id" -> id = p.getLongValue();
                    case "annotation" -> annotation = CocoReader.readAnnotation(p, name);
                    case "category" -> category = CocoReader.readCategory(p, name);
                    case "journal" -> header = MAGIC.equals(p.getText());
                    case "file", "saved" -> identity = readIdentity(p);
                    case "key" -> key = p.getText();
                    case "status" -> status = p.getText();
                    case "image_id" -> imageId = p.getLongValue();
                    case "category_id" -> categoryId = p.getLongValue();
                    case "score" -> score = p.getDoubleValue();
                    case "annotation_id" -> annotationId = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            if (n == null) return null;
            if (identity != null) return new Numbered(n, identity);
            if (header) return null;
            Op o = switch (op == null ? "" : op) {
                case "replace" -> annotation == null ? null : new Replace(annotation);
                case "insert" -> annotation == null || index == null ? null : new Insert(index, annotation);
                case "remove" -> id == null ? null : new Remove(id);
                case "replace-category" -> category == null ? null : new ReplaceCategory(category);
                case "insert-category" ->
                    category == null || index == null ? null : new InsertCategory(index, category);
                case "remove-category" -> id == null ? null : new RemoveCategory(id);
                case "decide" ->
                    key == null
                                    || imageId == null
                                    || categoryId == null
                                    || score == null
                                    || annotationId == null
                                    || !("accepted".equals(status) || "rejected".equals(status))
                            ? null
                            : new Decide(key, imageId, categoryId, score, "accepted".equals(status), annotationId);
                case "undecide" -> key == null ? null : new Undecide(key);
                default -> null;
            };
            return o == null ? null : new Numbered(n, o);
        } catch (IOException e) {
            // a checksummed line this program cannot read: a newer journal version, or corruption
            throw new CocoFormatException(file.toString(), "line " + lineNo, "unreadable edit: " + e.getMessage());
        }
    }

    private static Identity readIdentity(JsonParser p) throws IOException {
        long size = -1;
        String sha = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (key.equals("size")) {
                size = p.getLongValue();
            } else if (key.equals("sha256")) {
                sha = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return new Identity(size, sha);
    }
}
