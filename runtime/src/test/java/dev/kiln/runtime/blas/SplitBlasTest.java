package dev.kiln.runtime.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared products give exactly the inner backend's result, whichever threads compute the blocks; what
 * cannot be shared runs on the caller; a failure on a worker reaches the caller; nothing is allocated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SplitBlasTest {

    /** Splits every product it can (no threshold), over three threads. */
    private static final Counting INNER = new Counting(new JavaBlas());
    private static final SplitBlas SPLIT = new SplitBlas(INNER, 3, 0);

    /** Counts calls per thread, to see that products really were shared. */
    private static final class Counting implements Blas {
        final Blas inner;
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failOnWorkers;
        volatile long workerDelayMillis;

        Counting(Blas inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            throw new AssertionError("SplitBlas hands segments to its inner backend");
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                          long cOffset, int ldc) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (workerDelayMillis > 0 && Thread.currentThread().getName().startsWith("kiln-blas-")) {
                try {
                    Thread.sleep(workerDelayMillis); // a worker that does not get a core for a while
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failOnWorkers && Thread.currentThread().getName().startsWith("kiln-blas-")) {
                throw new IllegalStateException("inner failure on " + Thread.currentThread().getName());
            }
            inner.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    @AfterAll
    static void reset() {
        INNER.failOnWorkers = false;
    }

    @Test
    void sharedProductsEqualTheInnerBackendsBitForBit() {
        Rng rng = new Rng(7);
        JavaBlas reference = new JavaBlas();
        int[][] shapes = {{97, 33, 45}, {33, 97, 45}, {64, 64, 1}, {16, 200, 7}, {200, 16, 7}, {31, 31, 31}};
        for (int[] shape : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0;
                boolean transB = (variant & 2) != 0;
                int m = shape[0];
                int n = shape[1];
                int k = shape[2];
                int lda = (transA ? m : k) + 3;
                int ldb = (transB ? k : n) + 2;
                int ldc = n + 5;
                int aOff = 4;
                int bOff = 1;
                int cOff = 6;
                float[] a = TestArrays.uniform(rng, aOff + (transA ? k : m) * lda, 1);
                float[] b = TestArrays.uniform(rng, bOff + (transB ? n : k) * ldb, 1);
                float[] c = TestArrays.uniform(rng, cOff + m * ldc, 1);
                float[] expected = c.clone();
                reference.sgemm(transA, transB, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, 0.25f, expected, cOff, ldc);
                MemorySegment cs = Arena.ofAuto().allocate(4L * c.length, 4);
                MemorySegment.copy(c, 0, cs, ValueLayout.JAVA_FLOAT, 0, c.length);
                SPLIT.sgemm(transA, transB, m, n, k, 0.5f, segment(a), aOff, lda, segment(b), bOff, ldb, 0.25f,
                        cs, cOff, ldc);
                assertArrayEquals(expected, cs.toArray(ValueLayout.JAVA_FLOAT),
                        m + "x" + n + "x" + k + " transA " + transA + " transB " + transB);
                float[] onHeap = c.clone();
                SPLIT.sgemm(transA, transB, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, 0.25f, onHeap, cOff, ldc);
                assertArrayEquals(expected, onHeap, "arrays, " + m + "x" + n + "x" + k);
            }
        }
        assertTrue(INNER.threads.stream().anyMatch(t -> t.startsWith("kiln-blas-")),
                "some blocks were computed by workers: " + INNER.threads);
    }

    private static MemorySegment segment(float[] values) {
        MemorySegment s = Arena.ofAuto().allocate(4L * values.length, 4);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }

    @Test
    void smallProductsAndConfinedMemoryStayOnTheCallingThread() {
        Counting inner = new Counting(new JavaBlas());
        SplitBlas split = new SplitBlas(inner, 2, 1_000_000);
        float[] a = new float[64 * 64];
        float[] c = new float[64 * 64];
        split.sgemm(false, false, 64, 64, 64, 1, a, 0, 64, a, 0, 64, 0, c, 0, 64); // 524,288 operations
        assertEquals(1, inner.calls.get(), "below the threshold: one call");
        SplitBlas always = new SplitBlas(inner, 2, 0);
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment m = confined.allocate(4L * 64 * 64, 4);
            always.sgemm(false, false, 64, 64, 64, 1, m, 0, 64, m.asReadOnly(), 0, 64, 0,
                    confined.allocate(4L * 64 * 64, 4), 0, 64);
        }
        assertEquals(2, inner.calls.get(), "memory only this thread may touch is not shared");
        assertEquals(Set.of(Thread.currentThread().getName()), inner.threads);
    }

    @Test
    void aFailureOnAWorkerReachesTheCaller() {
        Counting inner = new Counting(new JavaBlas());
        SplitBlas split = new SplitBlas(inner, 2, 0);
        inner.failOnWorkers = true;
        float[] a = new float[256 * 256];
        float[] c = new float[256 * 256];
        // a worker that wakes only after the caller took every block fails nothing: try until one fails
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 200 && failure == null; attempt++) {
            try {
                split.sgemm(false, false, 256, 256, 256, 1, a, 0, 256, a, 0, 256, 0, c, 0, 256);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        assertTrue(failure != null && failure.getMessage().startsWith("inner failure on kiln-blas-"),
                String.valueOf(failure));
        inner.failOnWorkers = false;
        split.sgemm(false, false, 256, 256, 256, 1, a, 0, 256, a, 0, 256, 0, c, 0, 256); // still usable
    }

    @Test
    void afterAStalledWorkerTheNextProductsRunAlone() {
        Counting inner = new Counting(new JavaBlas());
        SplitBlas split = new SplitBlas(inner, 2, 0);
        inner.workerDelayMillis = 20;
        float[] a = new float[256 * 256];
        float[] c = new float[256 * 256];
        for (int attempt = 0; attempt < 200 && split.stalls() == 0; attempt++) {
            split.sgemm(false, false, 256, 256, 256, 1, a, 0, 256, a, 0, 256, 0, c, 0, 256);
        }
        assertEquals(1, split.stalls(), "a worker that took a block and slept stalled the product");
        inner.threads.clear();
        split.sgemm(false, false, 256, 256, 256, 1, a, 0, 256, a, 0, 256, 0, c, 0, 256);
        assertEquals(Set.of(Thread.currentThread().getName()), inner.threads, "the next product ran alone");
    }

    @Test
    void productsFromManyThreadsAtOnceAreAllRight() throws InterruptedException {
        Rng rng = new Rng(3);
        int n = 96;
        float[] a = TestArrays.uniform(rng, n * n, 1);
        float[] b = TestArrays.uniform(rng, n * n, 1);
        float[] expected = new float[n * n];
        new JavaBlas().sgemm(false, true, n, n, n, 1, a, 0, n, b, 0, n, 0, expected, 0, n);
        int callers = 4;
        CountDownLatch finished = new CountDownLatch(callers);
        Set<String> wrong = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < callers; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        float[] c = new float[n * n];
                        SPLIT.sgemm(false, true, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);
                        if (!java.util.Arrays.equals(expected, c)) {
                            wrong.add(Thread.currentThread().getName() + " product " + i);
                        }
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        assertTrue(finished.await(50, TimeUnit.SECONDS));
        assertEquals(Set.of(), wrong);
    }

    /**
     * Checked in a JVM of its own ({@link AllocationCheck}), where these products are the hot code: after the
     * thousands of other tests of this JVM the JIT may inline the Vector API kernels otherwise and leave
     * their boxes (see {@link JavaBlasKernelsTest#aProductAllocatesNothingOnceWarm()}).
     */
    @Test
    void sharingAProductAllocatesNothing() throws Exception {
        assertEquals("split: none allocate", JavaBlasKernelsTest.runElsewhere(AllocationCheck.class,
                List.of("--add-modules", "jdk.incubator.vector"), "split"));
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyBlockIsComputed() {
        Counting inner = new Counting(new JavaBlas());
        SplitBlas split = new SplitBlas(inner, 2, 0);
        float[] small = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> split.sgemm(false, false, 64, 64, 64, 1, small, 0, 64, small, 0, 64, 0, small, 0, 64));
        assertTrue(e.getMessage().contains("sgemm"), e.getMessage());
        assertEquals(0, inner.calls.get());
        assertThrows(IllegalArgumentException.class, () -> new SplitBlas(inner, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitBlas(inner, 2, -1));
    }

    @Test
    void itNamesItsInnerBackendAndThreads() {
        assertEquals("counting, 3 threads", SPLIT.name());
        assertSame(INNER, SPLIT.inner());
    }
}
