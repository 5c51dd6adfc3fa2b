package dev.masklab.eval;

/**
 * Progress of an evaluation, image by image (called from the evaluating worker threads, in no particular order of
 * images). Throwing {@link java.util.concurrent.CancellationException} from it stops the evaluation: the exception
 * comes out of the evaluating call.
 */
@FunctionalInterface
public interface EvalProgress {
    /**
     * @param done  images evaluated so far (each value is reported once, not necessarily in increasing order)
     * @param total images to evaluate
     */
    void imagesDone(int done, int total);
}
