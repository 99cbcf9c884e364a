package dev.kiln.runtime.openblas;

import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.MemorySegment;

/**
 * A {@link Kernel} in Java, for tests that need no library: it computes what {@code cblas_sgemm} would,
 * with {@link JavaBlas}, and refuses a heap segment in an ordinary (non-critical) call, as the native
 * linker does. Tests that fake a broken library override {@link #product}.
 */
class JavaKernel implements Kernel {

    private final JavaBlas blas = new JavaBlas();

    @Override
    public void sgemm(int transA, int transB, int m, int n, int k, float alpha,
                      MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        if (!(a.isNative() && b.isNative() && c.isNative())) {
            throw new IllegalArgumentException("heap segment in an ordinary downcall");
        }
        product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void sgemmCritical(int transA, int transB, int m, int n, int k, float alpha,
                              MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /** The product itself, on segments starting at each matrix. */
    void product(int transA, int transB, int m, int n, int k, float alpha,
                 MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        blas.sgemm(transA == OpenBlasBindings.CblasTrans, transB == OpenBlasBindings.CblasTrans, m, n, k,
                alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
    }
}
