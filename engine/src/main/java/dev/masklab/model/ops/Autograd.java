package dev.masklab.model.ops;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Whether an NDArray may take part in autograd, for ops that have a fast plain-Java path and a differentiable one.
 *
 * <p>DJL's {@code NDArray.hasGradient()} cannot decide this: for an intermediate result inside a GradientCollector
 * (a backbone feature map, say) it answers false although PyTorch records the operation and back-propagates through
 * it (measured in {@code AutogradTest}), and DJL's grad-function query crashes the JVM on tensors without one. So the
 * rule is PyTorch's grad mode, which DJL switches on for the lifetime of a GradientCollector: inside a collector the
 * differentiable path is taken (always correct, slower), outside it the plain-Java one.
 */
public final class Autograd {
    private Autograd() {}

    /** True inside a GradientCollector (PyTorch grad mode on), or for a leaf with an attached gradient. */
    public static boolean requiresGrad(NDArray a) {
        if (!(a instanceof PtNDArray)) {
            return a.hasGradient();
        }
        return JniUtils.isGradMode() || a.hasGradient();
    }

    /**
     * Turns PyTorch's grad mode off for the calling thread. Grad mode is thread-local in libtorch and on by default:
     * DJL switches it off only on the thread that first starts the engine (and a GradientCollector switches it off
     * when closed). On any other thread (a UI's worker, a second training run) inference would record autograd graphs
     * and take the slow differentiable paths, and an optimizer's in-place update of a weight that requires grad fails
     * ("a leaf Variable that requires grad is being used in an in-place operation"). Entry points that may run on any
     * thread (prediction, training) call this first.
     */
    public static void noGradOnThisThread() {
        Engine.getEngine("PyTorch"); // loads the native library when this is the first call into DJL
        NativeHeap.keepFreedMemory(); // once per process: libtorch's arrays reuse freed memory (see NativeHeap)
        JniUtils.setGradMode(false);
    }

    /**
     * A copy of {@code fromJava} whose memory PyTorch owns; {@code fromJava} is closed. Needed for every array made
     * from Java data (index, weight, mask arrays) that an autograd operation may save for backward: DJL's
     * {@code NDManager.create(...)} wraps a direct buffer with {@code torch::from_blob}, so the tensor's memory is the
     * Java buffer, freed once the NDArray is closed (or its manager is) and the buffer collected, while the graph
     * still reads it in backward (a use-after-free: garbage indices, "index ... out of bounds"). A clone inside torch
     * is reference-counted by torch and lives as long as the graph needs it.
     */
    public static NDArray torchOwned(NDArray fromJava) {
        try (fromJava) {
            return fromJava.duplicate();
        }
    }

    /**
     * {@code x * v} safe for autograd. DJL's {@code mul(Number)} / {@code div(Number)} create the scalar from Java
     * memory and close it at once, but torch's mul/div save the scalar for backward: the gradient then reads freed
     * memory (measured in {@code BackwardAfterFreeTest}). Here the scalar is a torch-owned copy.
     */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.mul(s);
        }
    }

    /** {@code x / v} safe for autograd, see {@link #mul(NDArray, float)}. */
    public static NDArray div(NDArray x, float v) {
        try (NDArray s = scalar(x, v)) {
            return x.div(s);
        }
    }

    private static NDArray scalar(NDArray x, float v) {
        NDArray s = torchOwned(x.getManager().create(v));
        if (s.getDataType() == x.getDataType()) {
            return s;
        }
        try (s) {
            return s.toType(x.getDataType(), true);
        }
    }
}
