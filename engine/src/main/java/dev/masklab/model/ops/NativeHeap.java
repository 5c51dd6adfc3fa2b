package dev.masklab.model.ops;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * How glibc's malloc serves libtorch's CPU tensors. libtorch has no caching allocator on the CPU: every intermediate
 * array is a fresh {@code malloc} and a {@code free}. With glibc's defaults an allocation above the (dynamic, at most
 * 32 MiB) mmap threshold is a new {@code mmap}, and its every 4 KiB page faults and is zeroed by the kernel when the
 * tensor is first written; memory freed at the top of the heap is given back ({@code trim}) and faulted in again by
 * the next image. A Mask R-CNN forward at 800 px makes dozens of such 20-55 MB arrays, and on the project's machines
 * (virtual machines, where a page fault costs several microseconds) the faults took most of the time: the backbone's
 * 5.2 s at 800x1088 was 1.0 s with freed memory kept for reuse (docs/benchmarks.md, "Where predict's time went").
 *
 * <p>{@link #keepFreedMemory()} sets, once per process, {@code M_MMAP_MAX = 0} (large blocks come from the heap, so
 * they are reused once freed) and a high {@code M_TRIM_THRESHOLD} / {@code M_TOP_PAD} (freed memory stays mapped up to
 * {@value #KEEP_MIB} MiB). The resident size then stays near the peak of the largest job instead of falling between
 * images, as with PyTorch's own caching allocator on the GPU; {@link #release()} hands what is free back to the system
 * ({@code malloc_trim}) when a long job ends. It is done in process (the Foreign Function API) rather than with
 * {@code GLIBC_TUNABLES}, which only a launcher could set, and an installed app's launcher cannot. Not glibc (musl,
 * macOS, Windows) or the property {@code masklab.nativeHeap=default}: nothing is changed.
 */
public final class NativeHeap {
    /** Freed memory kept mapped, at most (MiB). */
    static final int KEEP_MIB = 1024;

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;

    private static volatile Boolean configured;

    private NativeHeap() {}

    /**
     * Configures glibc's malloc to keep freed memory (see the class comment); true when it did (now or before), false
     * when this is not glibc, the calls failed, or {@code -Dmasklab.nativeHeap=default} asked for the defaults.
     */
    public static boolean keepFreedMemory() {
        Boolean done = configured;
        if (done != null) {
            return done;
        }
        synchronized (NativeHeap.class) {
            if (configured == null) {
                configured = configure();
            }
            return configured;
        }
    }

    /** Hands free heap memory back to the system ({@code malloc_trim(0)}); true when glibc released some. */
    public static boolean release() {
        if (!Boolean.TRUE.equals(configured)) {
            return false;
        }
        try {
            MethodHandle trim = function(
                            "malloc_trim", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))
                    .orElse(null);
            return trim != null && (int) trim.invokeExact(0L) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    private static boolean configure() {
        if ("default".equals(System.getProperty("masklab.nativeHeap"))
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            // glibc only: musl has a mallopt that does nothing, and no gnu_get_libc_version
            if (function("gnu_get_libc_version", FunctionDescriptor.of(ValueLayout.ADDRESS))
                    .isEmpty()) {
                return false;
            }
            MethodHandle mallopt = function(
                            "mallopt",
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))
                    .orElse(null);
            if (mallopt == null) {
                return false;
            }
            int keep = KEEP_MIB << 20;
            boolean ok = (int) mallopt.invokeExact(M_MMAP_MAX, 0) == 1;
            ok &= (int) mallopt.invokeExact(M_TRIM_THRESHOLD, keep) == 1;
            ok &= (int) mallopt.invokeExact(M_TOP_PAD, 64 << 20) == 1;
            return ok;
        } catch (Throwable t) { // no native access granted, or no such symbol: keep the defaults
            return false;
        }
    }

    private static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> symbol = linker.defaultLookup().find(name);
        return symbol.map(s -> linker.downcallHandle(s, descriptor));
    }
}
