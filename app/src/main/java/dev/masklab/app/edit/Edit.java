package dev.masklab.app.edit;

/**
 * One undoable change to the annotations being edited. {@link #apply()} and {@link #revert()} are exact inverses, so
 * the history can replay them in either direction any number of times.
 */
public interface Edit {
    /** What the change did, as the Edit menu names it ("Accept person 0.93", "Move box"). */
    String label();

    /** The image whose annotations change (the view refreshes that image); -1 when several or none (categories). */
    long imageId();

    /** The annotation the change is about, or -1 (a rejected prediction): selected after apply and undo. */
    long annotationId();

    void apply();

    void revert();
}
