package dev.kiln.runtime.openblas;

import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The check a native {@link Blas} passes before it is used: products compared with {@link JavaBlas}.
 *
 * <p>The cases cover the four transpose combinations, odd sizes, offsets, padded leading dimensions,
 * alpha and beta (0 with NaN in C, which must be ignored; 1; others), single rows and columns, and sizes
 * small and large (on both sides of OpenBLAS's own threading threshold, 64^3, which matters when more
 * than one thread is set), each on {@code float[]} arrays and on native segments: the copied and the
 * direct paths of {@link OpenBlas}. (Heap segments, mixed operands and {@code alpha == 0} are covered by
 * the module's tests, not by this check.)
 *
 * <p><b>Tolerance.</b> Both results must lie within float rounding of the exact product: element
 * {@code (i, j)} may differ by at most {@code 2 (k + 4) 2^-24 M[i][j]}, where
 * {@code M = |alpha| |op(A)| |op(B)| + |beta| |C|} is the magnitude bound of the product (the classic
 * {@code k u} error bound, for each of the two results). Elements of C's array outside the product (the
 * padding between rows, and before and after) must be left exactly as they were.
 */
final class SelfTest {

    private static final System.Logger LOG = System.getLogger(OpenBlas.class.getName());
    private static final double UNIT_ROUNDOFF = Math.scalb(1.0, -24);

    /** One product of the self-test; {@code pad} widens every leading dimension, {@code offset} shifts every matrix. */
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

        /** Array length for a matrix of {@code rows} rows {@code ld} apart, with a tail past it. */
        int length(int rows, int ld) {
            return offset + rows * ld + 3;
        }

        @Override
        public String toString() {
            return "sgemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", lda=" + lda() + ", ldb=" + ldb() + ", ldc="
                    + ldc() + ", offsets=" + offset + ")";
        }
    }

    /** The cases, chosen to reach every transpose combination and every path of {@link OpenBlas}. */
    static final List<Case> CASES = List.of(
            // small (critical on arrays at offset 0, when that path is enabled)
            new Case(false, false, 3, 2, 5, 1f, 0f, 0, 0),        // beta 0 over NaN
            new Case(false, true, 7, 5, 3, 0.5f, 1f, 2, 0),
            new Case(true, false, 5, 9, 4, -1.5f, 0.25f, 1, 5),
            new Case(true, true, 6, 3, 7, 2f, -1f, 3, 0),
            new Case(false, true, 31, 1, 45, -0.75f, 0f, 0, 7),   // one column
            new Case(true, false, 1, 33, 40, 1f, 1f, 4, 0),       // one row
            // copied through the scratch on arrays
            new Case(false, false, 37, 29, 41, 1f, 0.5f, 1, 2),
            new Case(true, true, 39, 27, 35, 1.25f, -0.5f, 2, 9),
            // above OpenBLAS's own threading threshold
            new Case(false, true, 67, 71, 69, 1f, 0f, 1, 1),
            new Case(true, false, 65, 66, 70, -1f, 2f, 0, 4),
            // cut into pieces for the small-matrix kernels on native segments, where the core has them
            new Case(false, false, 24, 300, 150, 1f, 1f, 3, 2));

    private SelfTest() {
    }

    /**
     * Runs every case through {@code candidate}, on arrays and on native segments.
     *
     * @param library the library's path, for the message
     * @throws IllegalStateException describing the first disagreement (also logged as a WARNING naming
     *     {@code library}), or any exception the candidate threw
     */
    static void run(Blas candidate, String library) {
        String failure;
        try {
            failure = firstFailure(candidate);
        } catch (RuntimeException e) {
            failure = "it threw " + e;
        }
        if (failure != null) {
            String message = "OpenBLAS " + library + " failed its self-test against the Java kernel, so it is not used: "
                    + failure;
            LOG.log(System.Logger.Level.WARNING, message);
            throw new IllegalStateException(message);
        }
    }

    /** The first disagreement of {@code candidate} with {@link JavaBlas}, or null when there is none. */
    static String firstFailure(Blas candidate) {
        Blas reference = new JavaBlas();
        SplittableRandom random = new SplittableRandom(42);
        for (Case c : CASES) {
            float[] a = values(random, c.length(c.aRows(), c.lda()));
            float[] b = values(random, c.length(c.bRows(), c.ldb()));
            float[] original = values(random, c.length(c.m, c.ldc()));
            if (c.beta == 0) {
                Arrays.fill(original, Float.NaN);
            }

            float[] expected = original.clone();
            reference.sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, c.offset, c.lda(), b, c.offset, c.ldb(),
                    c.beta, expected, c.offset, c.ldc());
            float[] bound = abs(original);
            reference.sgemm(c.transA, c.transB, c.m, c.n, c.k, Math.abs(c.alpha), abs(a), c.offset, c.lda(), abs(b),
                    c.offset, c.ldb(), Math.abs(c.beta), bound, c.offset, c.ldc());

            float[] actual = original.clone();
            candidate.sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, c.offset, c.lda(), b, c.offset,
                    c.ldb(), c.beta, actual, c.offset, c.ldc());
            String failure = compare(c, "float[]", original, expected, bound, actual);
            if (failure != null) {
                return failure;
            }

            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, original);
                candidate.sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, sa, c.offset, c.lda(), sb, c.offset,
                        c.ldb(), c.beta, sc, c.offset, c.ldc());
                failure = compare(c, "native segments", original, expected, bound,
                        sc.toArray(ValueLayout.JAVA_FLOAT));
            }
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /** The first element of {@code actual} that is off, described, or null. */
    static String compare(Case c, String form, float[] original, float[] expected, float[] bound, float[] actual) {
        double factor = 2.0 * (c.k + 4) * UNIT_ROUNDOFF;
        for (int index = 0; index < actual.length; index++) {
            int relative = index - c.offset;
            int ldc = Math.max(1, c.ldc());
            int i = Math.floorDiv(relative, ldc);
            int j = Math.floorMod(relative, ldc);
            boolean inside = relative >= 0 && i < c.m && j < c.n;
            if (!inside) {
                if (Float.floatToRawIntBits(actual[index]) != Float.floatToRawIntBits(original[index])) {
                    return c + " on " + form + " wrote element " + index + " of c, outside C: "
                            + original[index] + " became " + actual[index];
                }
                continue;
            }
            double tolerance = factor * bound[index] + Float.MIN_NORMAL;
            double error = Math.abs((double) actual[index] - expected[index]);
            if (!(error <= tolerance)) {
                return c + " on " + form + ": C[" + i + "][" + j + "] = " + actual[index] + ", the Java kernel gives "
                        + expected[index] + " (tolerance " + (float) tolerance + ")";
            }
        }
        return null;
    }

    private static float[] values(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    private static float[] abs(float[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.abs(values[i]);
        }
        return result;
    }
}
