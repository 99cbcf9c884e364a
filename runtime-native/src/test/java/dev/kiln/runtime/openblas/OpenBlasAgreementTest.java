package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OpenBlas} on each available library against a naive product in double precision: every
 * transpose combination; sizes from 1 to 129 (odd ones, single rows and columns, on both sides of the
 * critical-path limit and of OpenBLAS's threading threshold); offsets; padded leading dimensions; alpha
 * and beta including 0 (with NaN in C, which beta 0 must clear) and 1; on {@code float[]}, heap segments,
 * native segments and mixes; through each path (the default, copied; critical for small products;
 * critical whenever possible); and from four threads at once.
 *
 * <p>Element {@code (i, j)} passes when it is within {@code 2 (k + 4) 2^-24 M[i][j]} of the exact value,
 * {@code M} being the sum of the magnitudes of the terms (the classic float error bound, doubled); every
 * element of C's storage outside the product must be left bit for bit as it was.
 */
class OpenBlasAgreementTest {

    /** How the operands are passed. */
    enum Form { ARRAYS, HEAP_SEGMENTS, NATIVE_SEGMENTS, HEAP_A_NATIVE_B_C, NATIVE_A_B_HEAP_C }

    /** Which way heap operands reach the library. */
    enum Path {
        DEFAULT(OpenBlas.CRITICAL_MAX_WORK), SMALL_CRITICAL(32 * 32 * 32), ALWAYS_CRITICAL(Long.MAX_VALUE);

        final long criticalMaxWork;

        Path(long criticalMaxWork) {
            this.criticalMaxWork = criticalMaxWork;
        }
    }

    /** One product: sizes, transposes, scalars, padding of each row and offset of each matrix. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int pad, int offset) {

        int aRows() {
            return transA ? k : m;
        }

        int aWidth() {
            return transA ? m : k;
        }

        int bRows() {
            return transB ? n : k;
        }

        int bWidth() {
            return transB ? k : n;
        }

        int lda() {
            return aWidth() + pad;
        }

        int ldb() {
            return bWidth() + pad;
        }

        int ldc() {
            return n + pad;
        }

        int length(int rows, int ld) {
            return offset + rows * ld + 2;
        }
    }

    static List<Case> cases() {
        int[][] shapes = {
            {1, 1, 1}, {2, 3, 4}, {7, 5, 3}, {1, 17, 9}, {13, 1, 21}, {17, 13, 11}, {32, 32, 32},
            {33, 31, 35}, {64, 65, 67}, {100, 37, 129}, {5, 6, 0}, {0, 4, 3}, {4, 0, 3},
        };
        float[][] scalars = {{1, 0}, {0.5f, 1}, {-1.25f, 0.75f}, {0, 2}};
        List<Case> cases = new ArrayList<>();
        int variant = 0;
        for (int[] shape : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] scalar = scalars[variant % scalars.length];
                int pad = variant % 3 == 0 ? 0 : variant % 3 + 1;
                int offset = variant % 5;
                cases.add(new Case((t & 1) != 0, (t & 2) != 0, shape[0], shape[1], shape[2],
                        scalar[0], scalar[1], pad, offset));
                variant++;
            }
        }
        return cases;
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String library : TestLibraries.names()) {
            for (Form form : Form.values()) {
                for (Path path : Path.values()) {
                    runs.add(Arguments.of(library, form, path));
                }
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} library, {1}, {2}")
    @MethodSource("runs")
    void agreesWithTheExactProduct(String libraryName, Form form, Path path) {
        OpenBlasLibrary library = TestLibraries.named(libraryName).orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        CountingKernel kernel = new CountingKernel(Kernel.of(library.bindings()));
        Blas blas = new OpenBlas(library, kernel, path.criticalMaxWork);
        SplittableRandom random = new SplittableRandom(7);
        int expectedCalls = 0;
        int expectedCritical = 0;
        boolean heap = form != Form.NATIVE_SEGMENTS;
        for (Case c : cases()) {
            float[] a = values(random, c.length(c.aRows(), c.lda()));
            float[] b = values(random, c.length(c.bRows(), c.ldb()));
            float[] original = values(random, c.length(c.m(), c.ldc()));
            if (c.beta() == 0) {
                Arrays.fill(original, Float.NaN);
            }
            float[] actual = run(blas, form, c, a, b, original);
            check(c, a, b, original, actual, libraryName + "/" + form + "/" + path);
            long work = (long) c.m() * c.n() * c.k();
            if (work > 0 && c.alpha() != 0) {
                expectedCalls++;
                // critical: heap operands, a small product, and every heap operand at element 0
                if (heap && work <= path.criticalMaxWork && c.offset() == 0) {
                    expectedCritical++;
                }
            }
        }
        // exactly one downcall per product with work to do; none for empty products or alpha 0, where C is
        // only scaled by beta
        assertEquals(expectedCalls, kernel.calls(), "downcalls");
        assertEquals(expectedCritical, kernel.criticalCalls(), "critical downcalls");
        if (path == Path.ALWAYS_CRITICAL && heap) {
            assertTrue(expectedCritical > 5, "too few critical cases: " + expectedCritical);
        }
    }

    /**
     * Products cut into pieces for the small-matrix kernels agree with the exact product, cut by rows and by
     * columns, with padding, offsets and beta; those with a transposed operand, or too small, go whole.
     */
    @ParameterizedTest(name = "{0} library")
    @MethodSource("dev.kiln.runtime.openblas.TestLibraries#names")
    void productsCutForTheSmallKernelsAgree(String libraryName) {
        OpenBlasLibrary library = TestLibraries.named(libraryName).orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        CountingKernel kernel = new CountingKernel(Kernel.of(library.bindings()));
        Blas blas = new OpenBlas(library, kernel, OpenBlas.CRITICAL_MAX_WORK, true);
        int[][] shapes = {{32, 512, 128}, {32, 128, 512}, {130, 70, 120}, {17, 300, 250}, {512, 512, 512},
            {60, 60, 60}};
        float[][] scalars = {{1, 1}, {1, 0}, {-0.5f, 0.25f}};
        SplittableRandom random = new SplittableRandom(11);
        int expectedCalls = 0;
        int cut = 0;
        int variant = 0;
        for (int[] shape : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] scalar = scalars[variant % scalars.length];
                Case c = new Case((t & 1) != 0, (t & 2) != 0, shape[0], shape[1], shape[2], scalar[0], scalar[1],
                        variant % 3, variant % 4);
                variant++;
                float[] a = values(random, c.length(c.aRows(), c.lda()));
                float[] b = values(random, c.length(c.bRows(), c.ldb()));
                float[] original = values(random, c.length(c.m(), c.ldc()));
                if (c.beta() == 0) {
                    Arrays.fill(original, Float.NaN);
                }
                check(c, a, b, original, run(blas, Form.NATIVE_SEGMENTS, c, a, b, original),
                        libraryName + " cut for the small kernels");
                int piece = t == 0 ? OpenBlas.pieceSize(c.m(), c.n(), c.k()) : 0;
                expectedCalls += piece == 0 ? 1 : (Math.max(c.m(), c.n()) + piece - 1) / piece;
                cut += piece == 0 ? 0 : 1;
            }
        }
        assertEquals(expectedCalls, kernel.calls(), "downcalls");
        assertEquals(4, cut, "cut products");
    }

    @ParameterizedTest(name = "{0} library")
    @MethodSource("dev.kiln.runtime.openblas.TestLibraries#names")
    void concurrentCallersAgree(String libraryName) throws Exception {
        OpenBlasLibrary library = TestLibraries.named(libraryName).orElse(null);
        assumeTrue(library != null, "no OpenBLAS on this machine");
        Blas blas = new OpenBlas(library, Kernel.of(library.bindings()), OpenBlas.CRITICAL_MAX_WORK);
        List<Case> cases = cases();
        int threads = 4;
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Form form = Form.values()[t % Form.values().length];
                long seed = t;
                futures.add(executor.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int round = 0; round < 5; round++) {
                        for (Case c : cases) {
                            float[] a = values(random, c.length(c.aRows(), c.lda()));
                            float[] b = values(random, c.length(c.bRows(), c.ldb()));
                            float[] original = values(random, c.length(c.m(), c.ldc()));
                            check(c, a, b, original, run(blas, form, c, a, b, original),
                                    "thread " + seed + "/" + form);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
    }

    /** Runs one product in the given form and returns C's storage afterwards. */
    private static float[] run(Blas blas, Form form, Case c, float[] a, float[] b, float[] original) {
        if (form == Form.ARRAYS) {
            float[] result = original.clone();
            blas.sgemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(), a, c.offset(), c.lda(),
                    b, c.offset(), c.ldb(), c.beta(), result, c.offset(), c.ldc());
            return result;
        }
        try (Arena arena = Arena.ofConfined()) {
            boolean nativeA = form == Form.NATIVE_SEGMENTS || form == Form.NATIVE_A_B_HEAP_C;
            boolean nativeB = form != Form.HEAP_SEGMENTS;
            boolean nativeC = form == Form.NATIVE_SEGMENTS || form == Form.HEAP_A_NATIVE_B_C;
            MemorySegment sa = nativeA ? arena.allocateFrom(ValueLayout.JAVA_FLOAT, a) : MemorySegment.ofArray(a.clone());
            MemorySegment sb = nativeB ? arena.allocateFrom(ValueLayout.JAVA_FLOAT, b) : MemorySegment.ofArray(b.clone());
            MemorySegment sc = nativeC ? arena.allocateFrom(ValueLayout.JAVA_FLOAT, original)
                    : MemorySegment.ofArray(original.clone());
            blas.sgemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(), sa, c.offset(), c.lda(),
                    sb, c.offset(), c.ldb(), c.beta(), sc, c.offset(), c.ldc());
            assertTrue(Arrays.equals(a, sa.toArray(ValueLayout.JAVA_FLOAT)), "A was modified");
            assertTrue(Arrays.equals(b, sb.toArray(ValueLayout.JAVA_FLOAT)), "B was modified");
            return sc.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** Compares C's storage with the exact product, element by element, and the rest with the original. */
    static void check(Case c, float[] a, float[] b, float[] original, float[] actual, String where) {
        double unit = Math.scalb(1.0, -24);
        for (int index = 0; index < actual.length; index++) {
            int relative = index - c.offset();
            int ldc = Math.max(1, c.ldc());
            int i = Math.floorDiv(relative, ldc);
            int j = Math.floorMod(relative, ldc);
            if (relative < 0 || i >= c.m() || j >= c.n()) {
                if (Float.floatToRawIntBits(actual[index]) != Float.floatToRawIntBits(original[index])) {
                    fail(where + " " + c + ": element " + index + " outside C changed from " + original[index]
                            + " to " + actual[index]);
                }
                continue;
            }
            double exact = 0;
            double magnitude = 0;
            for (int p = 0; p < c.k(); p++) {
                double ap = c.transA() ? a[c.offset() + p * c.lda() + i] : a[c.offset() + i * c.lda() + p];
                double bp = c.transB() ? b[c.offset() + j * c.ldb() + p] : b[c.offset() + p * c.ldb() + j];
                exact += ap * bp;
                magnitude += Math.abs(ap * bp);
            }
            exact *= c.alpha();
            magnitude *= Math.abs(c.alpha());
            if (c.beta() != 0) {
                exact += c.beta() * (double) original[index];
                magnitude += Math.abs(c.beta() * (double) original[index]);
            }
            double tolerance = 2 * (c.k() + 4) * unit * magnitude + Float.MIN_NORMAL;
            if (!(Math.abs(actual[index] - exact) <= tolerance)) {
                fail(where + " " + c + ": C[" + i + "][" + j + "] = " + actual[index] + ", exact " + exact
                        + ", tolerance " + tolerance);
            }
        }
    }

    static float[] values(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
