package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.blas.SgemmArguments;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments never reach native code: each is an exception naming the argument at fault, and the
 * kernel's downcall counter does not move. Run on a Java stand-in for the library (always) and on each
 * available OpenBLAS, where several of these calls (huge offsets, short or closed segments) would crash
 * the JVM if they got through.
 */
class OpenBlasArgumentTest {

    /** A 4 x 4 product whose arrays are exactly long enough; each bad call spoils one thing. */
    private static final int N = 4;

    private Arena arena;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        a = arena.allocate(ValueLayout.JAVA_FLOAT, N * N);
        b = arena.allocate(ValueLayout.JAVA_FLOAT, N * N);
        c = arena.allocate(ValueLayout.JAVA_FLOAT, N * N);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    /** A bad call: what it does, the exception it must throw and a fragment of its message. */
    record Bad(String description, Class<? extends RuntimeException> type, String message, BadCall call) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** A call on an {@link OpenBlas} with the test's segments. */
    @FunctionalInterface
    interface BadCall {
        void run(OpenBlas blas, MemorySegment a, MemorySegment b, MemorySegment c) throws Exception;
    }

    static List<Bad> badCalls() {
        float[] x = new float[N * N];
        float[] shortArray = new float[N * N - 1];
        List<Bad> bad = new ArrayList<>();
        // float[] form
        bad.add(new Bad("negative m", IllegalArgumentException.class, "m = -1",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, -1, N, N, 1, x, 0, N, x, 0, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("negative k", IllegalArgumentException.class, "k = -3",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, -3, 1, x, 0, N, x, 0, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("lda below the row width", IllegalArgumentException.class, "lda = 3",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, 3, x, 0, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("ldb below the row width of a transposed B", IllegalArgumentException.class, "ldb = 2",
                (blas, sa, sb, sc) -> blas.sgemm(false, true, N, N, N, 1, x, 0, N, x, 0, 2, 0, x.clone(), 0, N)));
        bad.add(new Bad("ldc below n", IllegalArgumentException.class, "ldc = 1",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, N, x, 0, N, 0, x.clone(), 0, 1)));
        bad.add(new Bad("a one element short", IllegalArgumentException.class, "a has 15 elements",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, shortArray, 0, N, x, 0, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("c one element short", IllegalArgumentException.class, "c has 15 elements",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, N, x, 0, N, 0, shortArray.clone(), 0, N)));
        bad.add(new Bad("bOffset pushes B past the end", IllegalArgumentException.class, "bOffset = 1",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, N, x, 1, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("negative cOffset", IllegalArgumentException.class, "cOffset = -1",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, N, x, 0, N, 0, x.clone(), -1, N)));
        bad.add(new Bad("huge int aOffset", IllegalArgumentException.class, "aOffset = 2147483647",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, Integer.MAX_VALUE, N, x, 0, N, 0, x.clone(), 0, N)));
        bad.add(new Bad("null b", NullPointerException.class, "b is null",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, x, 0, N, null, 0, N, 0, x.clone(), 0, N)));
        // segment form
        bad.add(new Bad("segment a one element short", IllegalArgumentException.class, "a has 15 elements",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa.asSlice(4), 0, N, sb, 0, N, 0, sc, 0, N)));
        bad.add(new Bad("segment c one element short", IllegalArgumentException.class, "c has 15 elements",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, N, sb, 0, N, 0, sc.asSlice(0, 60), 0, N)));
        bad.add(new Bad("aOffset near Long.MAX_VALUE, where offset + span overflows", IllegalArgumentException.class,
                "aOffset = 9223372036854775805",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, Long.MAX_VALUE - 2, N, sb, 0, N, 0, sc, 0, N)));
        bad.add(new Bad("cOffset near Long.MAX_VALUE", IllegalArgumentException.class, "cOffset = 9223372036854775807",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, N, sb, 0, N, 0, sc, Long.MAX_VALUE, N)));
        bad.add(new Bad("bOffset of a billion", IllegalArgumentException.class, "bOffset = 1000000000",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, N, sb, 1_000_000_000L, N, 0, sc, 0, N)));
        bad.add(new Bad("lda of Integer.MAX_VALUE", IllegalArgumentException.class, "a has 16 elements",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, Integer.MAX_VALUE, sb, 0, N, 0, sc, 0, N)));
        bad.add(new Bad("read-only c", IllegalArgumentException.class, "c is a read-only segment",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, N, sb, 0, N, 0, sc.asReadOnly(), 0, N)));
        bad.add(new Bad("a misaligned by one byte", IllegalArgumentException.class, "a is not aligned to 4 bytes",
                (blas, sa, sb, sc) -> {
                    try (Arena bytes = Arena.ofConfined()) {
                        MemorySegment odd = bytes.allocate(N * N * 4 + 4, 8).asSlice(1, N * N * 4);
                        blas.sgemm(false, false, N, N, N, 1, odd, 0, N, sb, 0, N, 0, sc, 0, N);
                    }
                }));
        bad.add(new Bad("closed a", IllegalStateException.class, "a is not alive",
                (blas, sa, sb, sc) -> {
                    MemorySegment closed;
                    try (Arena gone = Arena.ofConfined()) {
                        closed = gone.allocate(ValueLayout.JAVA_FLOAT, N * N);
                    }
                    blas.sgemm(false, false, N, N, N, 1, closed, 0, N, sb, 0, N, 0, sc, 0, N);
                }));
        bad.add(new Bad("c of another thread's confined arena", WrongThreadException.class,
                "c belongs to a confined arena of another thread",
                (blas, sa, sb, sc) -> {
                    try {
                        // sc belongs to the test thread; call from another one
                        CompletableFuture.runAsync(() -> blas.sgemm(false, false, N, N, N, 1,
                                MemorySegment.ofArray(new float[N * N]), 0, N, MemorySegment.ofArray(new float[N * N]), 0, N,
                                0, sc, 0, N)).get();
                    } catch (ExecutionException e) {
                        throw (RuntimeException) e.getCause();
                    }
                }));
        bad.add(new Bad("null c segment", NullPointerException.class, "c is null",
                (blas, sa, sb, sc) -> blas.sgemm(false, false, N, N, N, 1, sa, 0, N, sb, 0, N, 0, null, 0, N)));
        return bad;
    }

    static Stream<Arguments> badCallsOnEachKernel() {
        List<Arguments> arguments = new ArrayList<>();
        for (String kernel : kernels()) {
            for (Bad bad : badCalls()) {
                arguments.add(Arguments.of(kernel, bad));
            }
        }
        return arguments.stream();
    }

    /** "java" (the stand-in) and the names of the available libraries. */
    static List<String> kernels() {
        List<String> kernels = new ArrayList<>();
        kernels.add("java");
        kernels.addAll(TestLibraries.names());
        return kernels;
    }

    /** The backend for a kernel name, counting its downcalls. */
    private static OpenBlas backend(String kernel, CountingKernel[] counter) {
        if (kernel.equals("java")) {
            counter[0] = new CountingKernel(new JavaKernel());
            return new OpenBlas(null, counter[0], OpenBlas.CRITICAL_MAX_WORK);
        }
        OpenBlasLibrary library = TestLibraries.named(kernel).orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        counter[0] = new CountingKernel(Kernel.of(library.bindings()));
        return new OpenBlas(library, counter[0], OpenBlas.CRITICAL_MAX_WORK);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badCallsOnEachKernel")
    void badCallIsRejectedBeforeNativeCode(String kernel, Bad bad) {
        CountingKernel[] counter = new CountingKernel[1];
        OpenBlas blas = backend(kernel, counter);
        RuntimeException thrown = assertThrows(bad.type(), () -> bad.call().run(blas, a, b, c));
        assertTrue(thrown.getMessage().contains(bad.message()),
                "expected the message to name '" + bad.message() + "', got: " + thrown.getMessage());
        assertTrue(thrown.getMessage().startsWith("sgemm: "), thrown.getMessage());
        assertEquals(0, counter[0].calls(), "the bad call reached the kernel");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void goodCallsReachTheKernelOnceEach(String kernel) {
        CountingKernel[] counter = new CountingKernel[1];
        OpenBlas blas = backend(kernel, counter);
        float[] x = new float[N * N];
        x[0] = 2;
        float[] y = x.clone();
        blas.sgemm(false, false, N, N, N, 1, x, 0, N, x, 0, N, 0, y, 0, N);
        assertEquals(1, counter[0].calls());
        assertEquals(4f, y[0]);
        a.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 3);
        b.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 5);
        blas.sgemm(false, false, N, N, N, 1, a, 0, N, b, 0, N, 0, c, 0, N);
        assertEquals(2, counter[0].calls());
        assertEquals(15f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void emptyProductsStayInJava(String kernel) {
        CountingKernel[] counter = new CountingKernel[1];
        OpenBlas blas = backend(kernel, counter);
        float[] cValues = {Float.NaN, 2, 3, 4};
        // k = 0: C = beta C, computed in Java; beta 0 clears NaN
        blas.sgemm(false, false, 2, 2, 0, 1, new float[0], 0, 0, new float[0], 0, 2, 0, cValues, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, cValues);
        float[] scaled = {1, 2, 3, 4};
        blas.sgemm(true, true, 2, 2, 0, 1, new float[0], 0, 2, new float[0], 0, 0, 0.5f, scaled, 0, 2);
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, scaled);
        // m = 0 or n = 0: nothing at all, even with a huge (unused) offset on an empty matrix
        blas.sgemm(false, false, 0, N, N, 1, a, 0, N, b, 0, N, 0, c, 0, N);
        blas.sgemm(false, false, N, 0, N, 1, a, 0, N, b, 0, 0, 0, c, 0, 0);
        blas.sgemm(false, false, N, N, 0, 1, a, Long.MAX_VALUE, 0, b, Long.MAX_VALUE, N, 1, c, 0, N);
        assertEquals(0, counter[0].calls());
    }

    @Test
    void theSharedChecksCatchAnOverflowingOffsetToo() {
        MemorySegment segment = MemorySegment.ofArray(new float[N * N]);
        assertThrows(IllegalArgumentException.class, () -> SgemmArguments.check(false, false, N, N, N, segment,
                Long.MAX_VALUE - 2, N, segment, 0, N, segment, 0, N));
    }
}
