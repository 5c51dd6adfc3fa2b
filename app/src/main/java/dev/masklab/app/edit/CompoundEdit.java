package dev.masklab.app.edit;

import java.util.List;

/**
 * Several edits as one step of the history (accept all, merge categories): applied in order, reverted in reverse
 * order, so each part sees the state it was made in.
 */
final class CompoundEdit implements Edit {
    private final String label;
    private final List<Edit> parts;

    CompoundEdit(String label, List<Edit> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("a compound edit needs parts");
        this.label = label;
        this.parts = List.copyOf(parts);
    }

    @Override
    public String label() {
        return label;
    }

    /** The parts' image when they all change the same one, else -1. */
    @Override
    public long imageId() {
        long id = parts.getFirst().imageId();
        for (Edit e : parts) if (e.imageId() != id) return -1;
        return id;
    }

    /** The last part's annotation (the last accepted prediction, say), or -1. */
    @Override
    public long annotationId() {
        for (Edit e : parts.reversed()) if (e.annotationId() >= 0) return e.annotationId();
        return -1;
    }

    @Override
    public void apply() {
        for (Edit e : parts) e.apply();
    }

    @Override
    public void revert() {
        for (Edit e : parts.reversed()) e.revert();
    }

    /** Number of parts. */
    int size() {
        return parts.size();
    }
}
