package dev.masklab.review;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The review decisions on a dataset's predictions, kept beside the dataset ({@code NAME.review.json}) so that a
 * review lasts: accepted predictions (with the id of the annotation each became) are not offered again, rejected
 * ones stay hidden, everything else is pending. Decisions are keyed by {@link PredictionKey}, so they follow a
 * prediction through re-reads and merged results files.
 *
 * <p>The file is small (one line per decision, in the order they were made), written durably with
 * {@link DurableFiles}, and read as untrusted input: any defect is a {@link ReviewFormatException} naming the file.
 * {@link #reconcile} squares it with a dataset edited since (annotations deleted, images removed), saying what it
 * did instead of failing. Not thread-safe: use it from one thread; {@link #copy()} gives a snapshot to write
 * elsewhere.
 *
 * <p>It also keeps which images the user marked done ({@link #setDone}): their annotations are complete whatever
 * predictions they have, so "fine-tune on what is labelled" trains on them and "run on the images not yet reviewed"
 * leaves them alone. The file lists them as {@code "done_images": [ids]} (an older reader skips the field).
 */
public final class ReviewState {
    /** Largest review file read (a decision is ~120 bytes: millions of decisions fit). */
    static final long MAX_FILE_BYTES = 512L << 20;

    static final String FORMAT = "masklab-review";
    static final int VERSION = 1;

    /** What the user decided about one prediction. */
    public enum Status {
        ACCEPTED,
        REJECTED
    }

    /**
     * One decision.
     *
     * @param key          the prediction's identity
     * @param imageId      its image
     * @param categoryId   its predicted category
     * @param score        its score (to show and sort a review without the results file)
     * @param status       accepted or rejected
     * @param annotationId the annotation an accepted prediction became (0 when rejected, or unknown)
     */
    public record Decision(
            PredictionKey key, long imageId, long categoryId, double score, Status status, long annotationId) {}

    /** How far a review has come over a set of predictions. */
    public record Progress(int reviewed, int total) {
        /** "312 of 1,240 reviewed". */
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%,d of %,d reviewed", reviewed, total);
        }
    }

    private final LinkedHashMap<PredictionKey, Decision> decisions = new LinkedHashMap<>();
    /** Images marked done, in id order (the file lists them so). */
    private final TreeSet<Long> doneImages = new TreeSet<>();

    /** No decision yet. */
    public static ReviewState empty() {
        return new ReviewState();
    }

    /** {@code NAME.review.json} beside {@code NAME.json} (any other name: the name plus {@code .review.json}). */
    public static Path fileFor(Path dataset) {
        String name = dataset.getFileName().toString();
        String base =
                name.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return dataset.resolveSibling(base + ".review.json");
    }

    /** The decision on {@code r}, if any (none: pending). */
    public Optional<Decision> decision(CocoResult r) {
        return Optional.ofNullable(decisions.get(PredictionKey.of(r)));
    }

    /** The decision under {@code key}, if any. */
    public Optional<Decision> decision(PredictionKey key) {
        return Optional.ofNullable(decisions.get(key));
    }

    /** Whether {@code r} is still to be reviewed. */
    public boolean isPending(CocoResult r) {
        return !decisions.containsKey(PredictionKey.of(r));
    }

    /** Records that {@code r} was accepted as annotation {@code annotationId}; returns the decision it replaced. */
    public Optional<Decision> accept(CocoResult r, long annotationId) {
        return put(new Decision(
                PredictionKey.of(r), r.imageId(), r.categoryId(), r.score(), Status.ACCEPTED, annotationId));
    }

    /** Records that {@code r} was rejected; returns the decision it replaced. */
    public Optional<Decision> reject(CocoResult r) {
        return put(new Decision(PredictionKey.of(r), r.imageId(), r.categoryId(), r.score(), Status.REJECTED, 0));
    }

    /** Sets a decision (for undo: put back what {@link #accept}, {@link #reject} or {@link #clear} returned). */
    public Optional<Decision> put(Decision d) {
        return Optional.ofNullable(decisions.put(d.key(), d));
    }

    /** Makes {@code r} pending again; returns the decision removed. */
    public Optional<Decision> clear(CocoResult r) {
        return clear(PredictionKey.of(r));
    }

    /** Makes the prediction under {@code key} pending again; returns the decision removed. */
    public Optional<Decision> clear(PredictionKey key) {
        return Optional.ofNullable(decisions.remove(key));
    }

    /** All decisions, in the order they were first made. */
    public List<Decision> decisions() {
        return List.copyOf(decisions.values());
    }

    /** Number of decisions. */
    public int size() {
        return decisions.size();
    }

    /** Whether there is nothing to keep: no decision and no image marked done. */
    public boolean isEmpty() {
        return decisions.isEmpty() && doneImages.isEmpty();
    }

    /** Marks image {@code imageId} done (its annotations complete) or not; returns whether it was done before. */
    public boolean setDone(long imageId, boolean done) {
        return done ? !doneImages.add(imageId) : doneImages.remove(imageId);
    }

    /** Whether image {@code imageId} is marked done. */
    public boolean isDone(long imageId) {
        return doneImages.contains(imageId);
    }

    /** The images marked done, ascending. */
    public Set<Long> doneImages() {
        return Collections.unmodifiableSet(new TreeSet<>(doneImages));
    }

    /** How many of {@code predictions} have a decision. */
    public Progress progress(Collection<CocoResult> predictions) {
        int reviewed = 0;
        for (CocoResult r : predictions) if (decisions.containsKey(PredictionKey.of(r))) reviewed++;
        return new Progress(reviewed, predictions.size());
    }

    /** An independent copy (to write off the thread that changes this one). */
    public ReviewState copy() {
        ReviewState c = new ReviewState();
        c.decisions.putAll(decisions);
        c.doneImages.addAll(doneImages);
        return c;
    }

    /**
     * Squares the decisions with {@code dataset} as it is now: decisions on images the dataset no longer has are
     * dropped; an accepted prediction whose annotation was deleted since stays accepted (the user saw it: it is not
     * offered again) with its annotation id cleared. Returns one line per kind of change made (empty: nothing to say).
     */
    public List<String> reconcile(CocoDataset dataset) {
        int droppedImages = 0;
        int deletedAnnotations = 0;
        var it = decisions.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PredictionKey, Decision> e = it.next();
            Decision d = e.getValue();
            if (dataset.image(d.imageId()) == null) {
                it.remove();
                droppedImages++;
            } else if (d.status() == Status.ACCEPTED
                    && d.annotationId() != 0
                    && dataset.annotation(d.annotationId()) == null) {
                e.setValue(new Decision(d.key(), d.imageId(), d.categoryId(), d.score(), d.status(), 0));
                deletedAnnotations++;
            }
        }
        int droppedDone = 0;
        for (var d = doneImages.iterator(); d.hasNext(); ) {
            if (dataset.image(d.next()) == null) {
                d.remove();
                droppedDone++;
            }
        }
        List<String> notes = new ArrayList<>();
        if (droppedImages > 0) {
            notes.add(droppedImages + (droppedImages == 1 ? " review decision was" : " review decisions were")
                    + " on images no longer in the dataset and were dropped");
        }
        if (deletedAnnotations > 0) {
            notes.add(deletedAnnotations
                    + (deletedAnnotations == 1
                            ? " accepted prediction's annotation was"
                            : " accepted predictions' annotations were")
                    + " deleted since; the predictions stay reviewed");
        }
        if (droppedDone > 0) {
            notes.add(droppedDone + (droppedDone == 1 ? " image marked done is" : " images marked done are")
                    + " no longer in the dataset and " + (droppedDone == 1 ? "was" : "were") + " dropped");
        }
        return notes;
    }

    /** Writes the decisions durably to {@code file} (temporary file, force, atomic rename, folder synced). */
    public void write(Path file) throws IOException {
        JsonFactory f = new JsonFactory();
        DurableFiles.write(file, out -> {
            try (JsonGenerator g = f.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("format", FORMAT);
                g.writeNumberField("version", VERSION);
                g.writeFieldName("decisions");
                g.writeStartArray();
                for (Decision d : decisions.values()) {
                    g.writeRaw("\n  ");
                    g.writeStartObject();
                    g.writeStringField("key", d.key().value());
                    g.writeNumberField("image_id", d.imageId());
                    g.writeNumberField("category_id", d.categoryId());
                    g.writeNumberField("score", d.score());
                    g.writeStringField("decision", d.status() == Status.ACCEPTED ? "accepted" : "rejected");
                    if (d.annotationId() != 0) g.writeNumberField("annotation_id", d.annotationId());
                    g.writeEndObject();
                }
                g.writeRaw("\n");
                g.writeEndArray();
                if (!doneImages.isEmpty()) {
                    g.writeFieldName("done_images");
                    g.writeStartArray();
                    for (long id : doneImages) g.writeNumber(id);
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeRaw("\n");
            }
        });
    }

    /**
     * Reads a review file written by {@link #write}; a missing file is an empty review. Anything else that is not
     * such a file (wrong format or version, wrong types, NaN scores, duplicate keys, over 512 MiB) is a
     * {@link ReviewFormatException} naming the file and the place.
     */
    public static ReviewState read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return empty();
        }
        String name = file.toString();
        if (size > MAX_FILE_BYTES) {
            throw new ReviewFormatException(
                    name, "is " + size + " bytes, more than a review file can be (" + MAX_FILE_BYTES + ")");
        }
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(8)
                        .maxStringLength(1 << 16)
                        .build())
                .build();
        ReviewState state = new ReviewState();
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = f.createParser(in)) {
            expect(p, p.nextToken() == JsonToken.START_OBJECT, name, "is not a JSON object");
            boolean formatSeen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "format" -> {
                        expect(
                                p,
                                t == JsonToken.VALUE_STRING && FORMAT.equals(p.getText()),
                                name,
                                "is not a MaskLab review file (format)");
                        formatSeen = true;
                    }
                    case "version" ->
                        expect(
                                p,
                                t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() == VERSION,
                                name,
                                "has review format version " + p.getText() + ", this MaskLab reads version " + VERSION);
                    case "decisions" -> {
                        expect(p, t == JsonToken.START_ARRAY, name, "\"decisions\" is not a list");
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            Decision d = readDecision(p, name, i);
                            expect(
                                    p,
                                    state.decisions.putIfAbsent(d.key(), d) == null,
                                    name,
                                    "decision " + i + " repeats key " + d.key());
                            i++;
                        }
                    }
                    case "done_images" -> {
                        expect(p, t == JsonToken.START_ARRAY, name, "\"done_images\" is not a list");
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            long id = integer(p, p.currentToken(), name, "done_images[" + i + "]");
                            expect(p, state.doneImages.add(id), name, "done_images repeats image " + id);
                            i++;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            expect(p, formatSeen, name, "is not a MaskLab review file (no \"format\")");
        } catch (ReviewFormatException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ReviewFormatException(name, "is not valid JSON: " + e.getOriginalMessage());
        }
        return state;
    }

    private static Decision readDecision(JsonParser p, String name, int i) throws IOException {
        String where = "decision " + i;
        expect(p, p.currentToken() == JsonToken.START_OBJECT, name, where + " is not an object");
        String key = null;
        String status = null;
        Long imageId = null;
        Long categoryId = null;
        double score = Double.NaN;
        long annotationId = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "key" -> {
                    expect(p, t == JsonToken.VALUE_STRING, name, where + ": key is not a string");
                    key = p.getText();
                }
                case "decision" -> {
                    expect(p, t == JsonToken.VALUE_STRING, name, where + ": decision is not a string");
                    status = p.getText();
                }
                case "image_id" -> imageId = integer(p, t, name, where + ": image_id");
                case "category_id" -> categoryId = integer(p, t, name, where + ": category_id");
                case "annotation_id" -> annotationId = integer(p, t, name, where + ": annotation_id");
                case "score" -> {
                    expect(
                            p,
                            t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT,
                            name,
                            where + ": score is not a number");
                    score = p.getDoubleValue();
                    expect(p, Double.isFinite(score), name, where + ": score is not finite");
                }
                default -> p.skipChildren();
            }
        }
        expect(
                p,
                key != null && imageId != null && categoryId != null && status != null && !Double.isNaN(score),
                name,
                where + " lacks one of key, image_id, category_id, score, decision");
        PredictionKey k;
        try {
            k = new PredictionKey(key);
        } catch (IllegalArgumentException e) {
            throw new ReviewFormatException(name, where + ": " + e.getMessage());
        }
        Status s = switch (status) {
            case "accepted" -> Status.ACCEPTED;
            case "rejected" -> Status.REJECTED;
            default -> throw new ReviewFormatException(name, where + ": decision must be accepted or rejected");
        };
        return new Decision(k, imageId, categoryId, score, s, s == Status.ACCEPTED ? annotationId : 0);
    }

    private static long integer(JsonParser p, JsonToken t, String name, String what) throws IOException {
        expect(
                p,
                t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER,
                name,
                what + " is not an integer that fits");
        long v = p.getLongValue();
        expect(p, v >= 0, name, what + " is negative");
        return v;
    }

    private static void expect(JsonParser p, boolean ok, String name, String what) throws ReviewFormatException {
        if (!ok) {
            var loc = p.currentLocation();
            throw new ReviewFormatException(name, what + " (line " + loc.getLineNr() + ")");
        }
    }
}
