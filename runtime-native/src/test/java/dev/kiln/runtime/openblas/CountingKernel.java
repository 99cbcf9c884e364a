package dev.kiln.runtime.openblas;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Kernel} that counts the products that reach it, then passes them on. */
final class CountingKernel implements Kernel {

    private final Kernel delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger criticalCalls = new AtomicInteger();

    CountingKernel(Kernel delegate) {
        this.delegate = delegate;
    }

    /** Products that reached the kernel, critical or not. */
    int calls() {
        return calls.get();
    }

    /** Of those, the critical downcalls. */
    int criticalCalls() {
        return criticalCalls.get();
    }

    @Override
    public void sgemm(int transA, int transB, int m, int n, int k, float alpha,
                      MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        calls.incrementAndGet();
        delegate.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void sgemmCritical(int transA, int transB, int m, int n, int k, float alpha,
                              MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        calls.incrementAndGet();
        criticalCalls.incrementAndGet();
        delegate.sgemmCritical(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
