package dev.kiln.runtime.openblas;

import java.lang.foreign.MemorySegment;

/**
 * The one way from {@link OpenBlas} into native code: every product it hands to OpenBLAS goes through
 * {@link #sgemm} or {@link #sgemmCritical}, row-major, after all checks. Tests replace it to count
 * downcalls, or to fake a broken library.
 */
interface Kernel {

    /**
     * {@code cblas_sgemm} in row-major order on native segments that start at the first element of each
     * matrix.
     *
     * @param transA {@link OpenBlasBindings#CblasNoTrans} or {@link OpenBlasBindings#CblasTrans}
     * @param transB likewise for B
     */
    void sgemm(int transA, int transB, int m, int n, int k,
               float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
               float beta, MemorySegment c, int ldc);

    /**
     * The same as a critical downcall, which also accepts heap segments; only for products of about a
     * microsecond.
     */
    void sgemmCritical(int transA, int transB, int m, int n, int k,
                       float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                       float beta, MemorySegment c, int ldc);

    /** The kernel that calls {@code cblas_sgemm} of a loaded library. */
    static Kernel of(OpenBlasBindings bindings) {
        return new Native(bindings);
    }

    /** {@code cblas_sgemm} of a loaded library. */
    final class Native implements Kernel {

        private final OpenBlasBindings bindings;

        Native(OpenBlasBindings bindings) {
            this.bindings = bindings;
        }

        @Override
        public void sgemm(int transA, int transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                          MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
            bindings.cblas_sgemm(OpenBlasBindings.CblasRowMajor, transA, transB, m, n, k,
                    alpha, a, lda, b, ldb, beta, c, ldc);
        }

        @Override
        public void sgemmCritical(int transA, int transB, int m, int n, int k, float alpha, MemorySegment a,
                                  int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
            bindings.cblas_sgemm$critical(OpenBlasBindings.CblasRowMajor, transA, transB, m, n, k,
                    alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
