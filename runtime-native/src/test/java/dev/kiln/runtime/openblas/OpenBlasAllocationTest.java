package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Once warm, products on {@code float[]} (copied through the scratch) and on native segments at offset 0
 * allocate nothing on the Java heap, counted by the JVM's per-thread
 * allocation counter (the JIT needs a few thousand calls first, so the count is the least of a few tries).
 */
class OpenBlasAllocationTest {

    private static long allocatedBy(Runnable product) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 8 && least > 0; attempt++) {
            for (int i = 0; i < 20_000; i++) {
                product.run();
            }
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 1_000; i++) {
                product.run();
            }
            least = Math.min(least, threads.getThreadAllocatedBytes(id) - before);
        }
        return least;
    }

    @Test
    void warmProductsAllocateNothing() {
        OpenBlasLibrary library = TestLibraries.any().orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        OpenBlas blas = new OpenBlas(library, Kernel.of(library.bindings()), OpenBlas.CRITICAL_MAX_WORK);
        int n = 40;
        float[] a = new float[n * n + 7];
        float[] b = new float[n * n + 7];
        float[] c = new float[n * n + 7];
        assertEquals(0, allocatedBy(() -> blas.sgemm(false, true, n, n, n, 1, a, 3, n, b, 5, n, 0.5f, c, 7, n)),
                "copied float[] product");
        int small = 8;
        assertEquals(0, allocatedBy(() -> blas.sgemm(false, false, small, small, small, 1, a, 0, small, b, 0, small,
                0, c, 0, small)), "small float[] product");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(4L * n * n);
            MemorySegment sb = arena.allocate(4L * n * n);
            MemorySegment sc = arena.allocate(4L * n * n);
            assertEquals(0, allocatedBy(() -> blas.sgemm(true, false, n, n, n, 1, sa, 0, n, sb, 0, n, 0, sc, 0, n)),
                    "native segment product");
        }
    }

    /**
     * A recurrent layer's products in one segment, as a model holds its memory: every step of a sequence
     * reads and writes rows at an offset of their own, 3 x 64 operands, the same every batch.
     */
    @Test
    void productsAtManyOffsetsOfOneSegmentAllocateNothing() {
        OpenBlasLibrary library = TestLibraries.any().orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        OpenBlas blas = new OpenBlas(library, Kernel.of(library.bindings()), OpenBlas.CRITICAL_MAX_WORK);
        int batch = 4;
        int hidden = 8;
        int steps = 64;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4L * (3 * steps * batch * hidden + 1000));
            long weights = 1;
            long states = weights + (long) hidden * hidden;
            long gates = states + (long) steps * batch * hidden;
            assertEquals(0, allocatedBy(() -> {
                for (int t = 0; t < steps; t++) {
                    blas.sgemm(false, true, batch, hidden, hidden, 1, memory, states + (long) t * batch * hidden, hidden,
                            memory, weights, hidden, 1, memory, gates + (long) t * batch * hidden, hidden);
                }
            }), "64 steps' products");
        }
    }
}
