package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The argument checks every {@link Blas#sgemm} implementation runs before touching memory, shared so
 * that the pure-Java and native backends reject the same calls with the same messages. A native backend
 * must call {@link #check} before its downcall: a bad argument is then an exception, never a crashed JVM.
 * A native backend may reject more, and says so: OpenBLAS's rejects native segments whose floats are not
 * 4-byte aligned, which the Java kernels read anyway (every segment Kiln allocates is aligned).
 */
public final class SgemmArguments {

    private SgemmArguments() {
    }

    /**
     * Checks the arguments of {@link Blas#sgemm}: non-negative sizes and offsets, leading dimensions at
     * least as large as the row width of each stored matrix, and arrays long enough for the last element
     * the product reads or writes.
     *
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException naming the first argument at fault and its value
     */
    public static void check(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOffset, int lda,
                             float[] b, int bOffset, int ldb,
                             float[] c, int cOffset, int ldc) {
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        requireNonNegative("m", m);
        requireNonNegative("n", n);
        requireNonNegative("k", k);
        // A is stored m x k, or k x m when transposed; B is stored k x n, or n x k when transposed.
        matrix("A", "a", a, aOffset, "lda", lda, transA ? k : m, transA ? "m" : "k", transA ? m : k);
        matrix("B", "b", b, bOffset, "ldb", ldb, transB ? n : k, transB ? "k" : "n", transB ? k : n);
        matrix("C", "c", c, cOffset, "ldc", ldc, m, "n", n);
    }

    /**
     * The same checks for the {@link MemorySegment} form of {@link Blas#sgemm}, where a segment's length
     * is its byte size divided by {@link Float#BYTES}.
     *
     * @throws NullPointerException     if a segment is null
     * @throws IllegalArgumentException naming the first argument at fault and its value
     */
    public static void check(boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             MemorySegment c, long cOffset, int ldc) {
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        requireNonNegative("m", m);
        requireNonNegative("n", n);
        requireNonNegative("k", k);
        matrix("A", "a", floats(a), aOffset, "lda", lda, transA ? k : m, transA ? "m" : "k", transA ? m : k);
        matrix("B", "b", floats(b), bOffset, "ldb", ldb, transB ? n : k, transB ? "k" : "n", transB ? k : n);
        matrix("C", "c", floats(c), cOffset, "ldc", ldc, m, "n", n);
        if (c.isReadOnly()) {
            throw new IllegalArgumentException("sgemm: c is a read-only segment");
        }
    }

    /** The number of whole floats in a segment. */
    private static long floats(MemorySegment segment) {
        return segment.byteSize() / ValueLayout.JAVA_FLOAT.byteSize();
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("sgemm: " + name + " = " + value + " is negative");
        }
    }

    /** Checks one stored matrix of {@code rows} rows of {@code width} values, {@code ld} apart. */
    private static void matrix(String matrix, String array, float[] values, int offset,
                               String ldName, int ld, int rows, String widthName, int width) {
        matrix(matrix, array, values.length, offset, ldName, ld, rows, widthName, width);
    }

    private static void matrix(String matrix, String array, long length, long offset,
                               String ldName, int ld, int rows, String widthName, int width) {
        if (offset < 0) {
            throw new IllegalArgumentException(
                    "sgemm: " + array + "Offset = " + offset + " is negative");
        }
        if (ld < width) {
            throw new IllegalArgumentException("sgemm: " + ldName + " = " + ld
                    + " is smaller than the row width of " + matrix + " (" + widthName + " = " + width + ")");
        }
        if (rows == 0 || width == 0) {
            return;
        }
        long span = (long) (rows - 1) * ld + width;
        if (offset > Long.MAX_VALUE - span) {
            throw new IllegalArgumentException(describe(matrix, array, offset, ldName, ld, rows, width)
                    + " ends beyond the largest index, but " + array + " has " + length + " elements");
        }
        long end = offset + span;
        if (end > length) {
            throw new IllegalArgumentException(describe(matrix, array, offset, ldName, ld, rows, width)
                    + " ends at index " + (end - 1) + ", but " + array + " has " + length + " elements");
        }
    }

    /** {@code sgemm: A (3 rows of 4 values, lda = 4, aOffset = 0)}, built only for a message. */
    private static String describe(String matrix, String array, long offset, String ldName, int ld, int rows,
                                   int width) {
        return "sgemm: " + matrix + " (" + rows + " rows of " + width + " values, " + ldName + " = " + ld + ", "
                + array + "Offset = " + offset + ")";
    }
}
