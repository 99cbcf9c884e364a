package dev.kiln.runtime.blas;

import dev.kiln.runtime.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A program, run in a JVM of its own by {@link JavaBlasKernelsTest}, that checks that {@link JavaBlas}'s
 * products allocate nothing once the JIT has compiled them: every transpose, the blocked path (12 rows)
 * and the row path (1 row), on arrays, native segments and heap segments, each run until 100 of them
 * allocate nothing or 300,000 have run. Prints {@code <kernel>: none allocate}, or those that do. With the
 * argument {@code split} it checks instead that a {@link SplitBlas} over it, sharing 128 x 128 products among
 * three threads, allocates nothing, and prints {@code split: none allocate} or the bytes.
 */
final class AllocationCheck {

    private AllocationCheck() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("split")) {
            checkSplit();
            return;
        }
        JavaBlas blas = new JavaBlas();
        float[] a = new float[12 * 16];
        float[] b = new float[16 * 20];
        float[] c = new float[12 * 20];
        List<String> allocating = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] offHeap = {arena.allocate(4L * a.length), arena.allocate(4L * b.length),
                arena.allocate(4L * c.length)};
            MemorySegment[] heap = {MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c)};
            for (int t = 0; t < 4; t++) {
                boolean ta = t >= 2;
                boolean tb = t % 2 == 1;
                for (int m : new int[] {12, 1}) {
                    int lda = ta ? m : 16;
                    int ldb = tb ? 16 : 20;
                    long bytes = allocatedOnceWarm(() -> {
                        blas.sgemm(ta, tb, m, 20, 16, 1, a, 0, lda, b, 0, ldb, 0.5f, c, 0, 20);
                        blas.sgemm(ta, tb, m, 20, 16, 1, offHeap[0], 0, lda, offHeap[1], 0, ldb, 0, offHeap[2], 0, 20);
                        blas.sgemm(ta, tb, m, 20, 16, 1, heap[0], 0, lda, heap[1], 0, ldb, 1, heap[2], 0, 20);
                    });
                    if (bytes != 0) {
                        allocating.add((ta ? "T" : "N") + (tb ? "T" : "N") + " m = " + m + ": " + bytes
                                + " bytes per 100");
                    }
                }
            }
        }
        System.out.println(blas.kernel() + ": " + (allocating.isEmpty() ? "none allocate" : String.join(", ", allocating)));
    }

    private static void checkSplit() {
        SplitBlas split = new SplitBlas(new JavaBlas(), 3, 0);
        MemorySegment a = Arena.ofAuto().allocate(4L * 128 * 128, 4);
        MemorySegment c = Arena.ofAuto().allocate(4L * 128 * 128, 4);
        long bytes = allocatedOnceWarm(() -> split.sgemm(false, false, 128, 128, 128, 1, a, 0, 128, a, 0, 128, 0, c,
                0, 128));
        System.out.println("split: " + (bytes == 0 ? "none allocate" : bytes + " bytes per 100 shared products"));
    }

    /** The bytes allocated by 100 runs of {@code products}, once 100 runs allocate none, or after many. */
    private static long allocatedOnceWarm(Runnable products) {
        long bytes = -1;
        for (int round = 0; round < 300 && bytes != 0; round++) {
            Allocations.bytesAllocatedBy(products, 900);
            bytes = Allocations.bytesAllocatedBy(products, 100);
        }
        return bytes;
    }
}
