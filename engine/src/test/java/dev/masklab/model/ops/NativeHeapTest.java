package dev.masklab.model.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * With {@link NativeHeap#keepFreedMemory()}, a large libtorch array comes from malloc's heap (reused when freed), not
 * from a fresh mmap whose pages fault again on every image: read from glibc's own accounting ({@code mallinfo2}).
 */
class NativeHeapTest {
    private static final long MIB = 1 << 20;

    @Test
    void largeArraysComeFromTheHeapNotFreshMappings() throws Throwable {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
        Autograd.noGradOnThisThread(); // the entry points' call, which configures the heap
        assertTrue(NativeHeap.keepFreedMemory(), "glibc's mallopt was not applied");
        long mappedBefore = mallinfo(4); // hblkhd: bytes in mmapped blocks
        try (NDManager m = NDManager.newBaseManager()) {
            // 48 MiB: above glibc's largest mmap threshold (32 MiB), below a thread arena's heap (64 MiB; larger blocks
            // are always mapped on their own)
            NDArray big = m.zeros(new Shape(48 * MIB / 4), DataType.FLOAT32);
            big.addi(1f);
            long mappedWith = mallinfo(4);
            long heapWith = mallinfo(0) + mallinfo(4); // arena + hblkhd
            assertTrue(
                    mappedWith - mappedBefore < 24 * MIB,
                    "a 48 MiB array was mmapped: " + (mappedWith - mappedBefore) / MIB + " MiB mapped");
            assertTrue(heapWith >= 48 * MIB, "malloc's heap holds " + heapWith / MIB + " MiB");
            big.close();
            // freed, the memory stays with malloc (not trimmed below the array's size)
            assertTrue(mallinfo(0) >= 48 * MIB, "the heap was trimmed to " + mallinfo(0) / MIB + " MiB");
        }
    }

    /** Field {@code index} of glibc's {@code struct mallinfo2} (ten size_t: arena, ordblks, ..., hblkhd = 4, ...). */
    private static long mallinfo(int index) throws Throwable {
        StructLayout layout = MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG);
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find("mallinfo2").orElseThrow();
        MethodHandle h = linker.downcallHandle(symbol, FunctionDescriptor.of(layout));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = (MemorySegment) h.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            return s.getAtIndex(ValueLayout.JAVA_LONG, index);
        }
    }
}
