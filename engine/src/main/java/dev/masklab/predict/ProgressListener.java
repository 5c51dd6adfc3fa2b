package dev.masklab.predict;

/** Progress of a batch prediction: called after each image with the number done and the total. */
@FunctionalInterface
public interface ProgressListener {
    void progress(int done, int total);

    ProgressListener NONE = (done, total) -> {};
}
