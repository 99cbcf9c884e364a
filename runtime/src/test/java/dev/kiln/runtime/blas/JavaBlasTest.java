package dev.kiln.runtime.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JavaBlas#sgemm} against a naive triple loop in double precision, for every transpose
 * combination, odd sizes, offsets, padded leading dimensions and several alpha/beta, and its argument
 * checks. A product of length k in float differs from the double one by at most about
 * {@code k * 2^-24} times the sum of the magnitudes of its terms; the tolerance is a few times that.
 */
class JavaBlasTest {

    private static final Blas BLAS = new JavaBlas();

    /** One sgemm call: sizes, transposes, scalars, and the padding around each matrix. */
    record Call(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int pad) {

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

        int offset() {
            return 2 * pad + 1;
        }

        static int length(int rows, int ld, int offset) {
            return offset + rows * ld + 3;
        }

        void run(float[] a, float[] b, float[] c) {
            BLAS.sgemm(transA, transB, m, n, k, alpha, a, offset(), lda(), b, offset(), ldb(), beta, c, offset(),
                    ldc());
        }

        /** op(A)[i][p], read from the stored A. */
        double a(float[] a, int i, int p) {
            return transA ? a[offset() + p * lda() + i] : a[offset() + i * lda() + p];
        }

        /** op(B)[p][j], read from the stored B. */
        double b(float[] b, int p, int j) {
            return transB ? b[offset() + j * ldb() + p] : b[offset() + p * ldb() + j];
        }
    }

    static Stream<Arguments> calls() {
        List<Arguments> calls = new ArrayList<>();
        int[][] sizes = {{1, 1, 1}, {1, 5, 3}, {4, 1, 7}, {3, 6, 1}, {7, 5, 13}, {17, 9, 33}, {2, 37, 8}};
        float[][] scalars = {{1, 0}, {1, 1}, {-0.5f, 2}, {1.5f, -1}, {0, 0.5f}};
        for (int t = 0; t < 4; t++) {
            for (int s = 0; s < sizes.length; s++) {
                float[] scalar = scalars[(s + t) % scalars.length];
                calls.add(Arguments.of(new Call(t >= 2, t % 2 == 1, sizes[s][0], sizes[s][1], sizes[s][2],
                        scalar[0], scalar[1], (s + t) % 3)));
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void matchesDoublePrecisionReference(Call call) {
        Rng rng = new Rng(call.hashCode());
        float[] a = TestArrays.uniform(rng, Call.length(call.aRows(), call.lda(), call.offset()), 1);
        float[] b = TestArrays.uniform(rng, Call.length(call.bRows(), call.ldb(), call.offset()), 1);
        float[] c = TestArrays.uniform(rng, Call.length(call.m(), call.ldc(), call.offset()), 1);
        float[] before = c.clone();

        call.run(a, b, c);

        for (int i = 0; i < call.m(); i++) {
            for (int j = 0; j < call.n(); j++) {
                int index = call.offset() + i * call.ldc() + j;
                double sum = 0;
                double magnitude = Math.abs(call.beta() * before[index]);
                for (int p = 0; p < call.k(); p++) {
                    double term = call.alpha() * call.a(a, i, p) * call.b(b, p, j);
                    sum += term;
                    magnitude += Math.abs(term);
                }
                double expected = sum + call.beta() * before[index];
                double tolerance = 4 * (call.k() + 2) * 0x1p-24 * magnitude + 1e-30;
                if (!(Math.abs(c[index] - expected) <= tolerance)) {
                    fail("C[" + i + "][" + j + "] = " + c[index] + ", expected " + expected);
                }
                before[index] = c[index];
            }
        }
        assertArrayEquals(before, c, "elements outside the m x n window of C must stay untouched");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void segmentFormAgreesWithArrayForm(Call call) {
        Rng rng = new Rng(call.hashCode());
        float[] a = TestArrays.uniform(rng, Call.length(call.aRows(), call.lda(), call.offset()), 1);
        float[] b = TestArrays.uniform(rng, Call.length(call.bRows(), call.ldb(), call.offset()), 1);
        float[] c = TestArrays.uniform(rng, Call.length(call.m(), call.ldc(), call.offset()), 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
            call.run(a, b, c);
            BLAS.sgemm(call.transA(), call.transB(), call.m(), call.n(), call.k(), call.alpha(),
                    sa, call.offset(), call.lda(), sb, call.offset(), call.ldb(),
                    call.beta(), sc, call.offset(), call.ldc());
            float[] fromSegment = sc.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < c.length; i++) {
                double tolerance = 1e-5 * (call.k() + 2) * (1 + Math.abs(c[i]));
                if (!(Math.abs(fromSegment[i] - c[i]) <= tolerance)) {
                    fail("C element " + i + ": segment form " + fromSegment[i] + ", array form " + c[i]);
                }
            }
        }
    }

    @Test
    void segmentTooShortIsRejected() {
        MemorySegment small = MemorySegment.ofArray(new float[5]);
        MemorySegment big = MemorySegment.ofArray(new float[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BLAS.sgemm(false, false, 3, 3, 3, 1, small, 0, 3, big, 0, 3, 0, big, 0, 3));
        assertEquals("sgemm: A (3 rows of 3 values, lda = 3, aOffset = 0) ends at index 8, but a has 5 elements",
                e.getMessage());
    }

    @Test
    void anOffsetNearTheLargestLongIsRejected() {
        MemorySegment big = MemorySegment.ofArray(new float[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BLAS.sgemm(false, false, 3, 3, 3, 1, big, Long.MAX_VALUE - 2, 3, big, 0, 3, 0, big, 0, 3));
        assertEquals("sgemm: A (3 rows of 3 values, lda = 3, aOffset = 9223372036854775805) ends beyond the "
                + "largest index, but a has 100 elements", e.getMessage());
    }

    @Test
    void betaZeroOverwritesNaN() {
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};

        BLAS.sgemm(false, false, 2, 2, 1, 1, new float[] {1, 2}, 0, 1, new float[] {3, 4}, 0, 2, 0, c, 0, 2);

        assertArrayEquals(new float[] {3, 4, 6, 8}, c);
    }

    @Test
    void zeroInnerDimensionScalesC() {
        float[] c = {1, 2, 3, 4, 5, 6};

        BLAS.sgemm(false, true, 2, 3, 0, 1, new float[0], 0, 0, new float[0], 0, 0, 2, c, 0, 3);

        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, c);
    }

    @Test
    void emptyOutputTouchesNothing() {
        float[] c = {Float.NaN};

        BLAS.sgemm(true, false, 0, 5, 3, 1, new float[0], 0, 0, new float[15], 0, 5, 0, c, 0, 5);
        BLAS.sgemm(false, false, 3, 0, 2, 1, new float[6], 0, 2, new float[0], 0, 0, 0, c, 0, 0);

        assertEquals(Float.NaN, c[0]);
    }

    /** An sgemm call on a given C. */
    @FunctionalInterface
    interface OnC {
        void call(float[] c);
    }

    /** A call with one bad argument, and the message it must produce. */
    record BadCall(String message, OnC call) {
        @Override
        public String toString() {
            return message;
        }
    }

    /** Each call is a valid (3 x 2) (2 x 4) product, C of 12 values, but for one argument. */
    static Stream<BadCall> badCalls() {
        float[] a = new float[6];
        float[] b = new float[8];
        return Stream.of(
                new BadCall("sgemm: m = -1 is negative",
                        c -> BLAS.sgemm(false, false, -1, 4, 2, 1, a, 0, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: n = -2 is negative",
                        c -> BLAS.sgemm(false, false, 3, -2, 2, 1, a, 0, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: k = -3 is negative",
                        c -> BLAS.sgemm(false, false, 3, 4, -3, 1, a, 0, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: lda = 1 is smaller than the row width of A (k = 2)",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 1, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: lda = 2 is smaller than the row width of A (m = 3)",
                        c -> BLAS.sgemm(true, false, 3, 4, 2, 1, a, 0, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: ldb = 3 is smaller than the row width of B (n = 4)",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 2, b, 0, 3, 0, c, 0, 4)),
                new BadCall("sgemm: ldb = 1 is smaller than the row width of B (k = 2)",
                        c -> BLAS.sgemm(false, true, 3, 4, 2, 1, a, 0, 2, b, 0, 1, 0, c, 0, 4)),
                new BadCall("sgemm: ldc = 3 is smaller than the row width of C (n = 4)",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 2, b, 0, 4, 0, c, 0, 3)),
                new BadCall("sgemm: aOffset = -1 is negative",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, -1, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: bOffset = -1 is negative",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 2, b, -1, 4, 0, c, 0, 4)),
                new BadCall("sgemm: cOffset = -1 is negative",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 2, b, 0, 4, 0, c, -1, 4)),
                new BadCall("sgemm: A (3 rows of 2 values, lda = 2, aOffset = 1) ends at index 6, but a has 6"
                        + " elements",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 1, 2, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: A (3 rows of 2 values, lda = 3, aOffset = 0) ends at index 7, but a has 6"
                        + " elements",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 3, b, 0, 4, 0, c, 0, 4)),
                new BadCall("sgemm: B (4 rows of 2 values, ldb = 2, bOffset = 1) ends at index 8, but b has 8"
                        + " elements",
                        c -> BLAS.sgemm(false, true, 3, 4, 2, 1, a, 0, 2, b, 1, 2, 0, c, 0, 4)),
                new BadCall("sgemm: C (3 rows of 4 values, ldc = 5, cOffset = 0) ends at index 13, but c has 12"
                        + " elements",
                        c -> BLAS.sgemm(false, false, 3, 4, 2, 1, a, 0, 2, b, 0, 4, 0, c, 0, 5)));
    }

    @ParameterizedTest
    @MethodSource("badCalls")
    void badArgumentIsRejectedBeforeCIsTouched(BadCall bad) {
        float[] c = TestArrays.filled(12, 7f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.call().call(c));

        assertEquals(bad.message(), e.getMessage());
        assertArrayEquals(TestArrays.filled(12, 7f), c);
    }

    @Test
    void nullArrayIsRejected() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> BLAS.sgemm(false, false, 1, 1, 1, 1, new float[1], 0, 1, null, 0, 1, 0, new float[1], 0, 1));

        assertEquals("sgemm: b is null", e.getMessage());
    }
}
