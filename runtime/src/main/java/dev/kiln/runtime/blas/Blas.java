package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;

/**
 * The matrix products the runtime needs, as in BLAS but row-major, on {@code float[]} arrays or on
 * {@link MemorySegment}s of floats, with offsets counted in elements. {@link JavaBlas} is always present; native implementations register through
 * {@link java.util.ServiceLoader} and are chosen by {@link Blases#get()}.
 *
 * <p>Implementations must check every size, leading dimension and offset against the arrays before
 * touching them, and throw {@link IllegalArgumentException} naming the argument at fault.
 */
public interface Blas {

    /** A short name for logs, e.g. {@code java}. */
    String name();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(X)} is {@code X} or its transpose,
     * {@code op(A)} is m x k, {@code op(B)} is k x n and {@code C} is m x n, all row-major with leading
     * dimensions (row strides) {@code lda}, {@code ldb}, {@code ldc}. With {@code beta == 0}, {@code C}
     * is overwritten and its old contents (even NaN) are ignored.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOffset, int lda,
               float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * The same product on memory segments holding native-order floats; offsets are in elements, not
     * bytes. Native backends call the library directly on native segments (no copy); heap segments are
     * accepted too, at the cost of a copy in native backends.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, MemorySegment a, long aOffset, int lda,
               MemorySegment b, long bOffset, int ldb,
               float beta, MemorySegment c, long cOffset, int ldc);
}
