package dev.masklab.predict;

/** Thrown by a batch prediction when its cancel flag was set; carries the results of the images already done. */
public final class PredictionCancelledException extends RuntimeException {
    private final transient java.util.List<java.util.List<Instance>> partial;

    public PredictionCancelledException(java.util.List<java.util.List<Instance>> partial) {
        super("prediction cancelled after " + partial.size() + " images");
        this.partial = java.util.List.copyOf(partial);
    }

    /** Results of the images finished before the cancellation, in input order. */
    public java.util.List<java.util.List<Instance>> partial() {
        return partial;
    }
}
