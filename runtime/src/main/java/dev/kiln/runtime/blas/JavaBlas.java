package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The pure-Java {@link Blas}: always present, exact to float rounding, and fast enough for small and
 * medium networks. Each transpose case has its own loop nest, ordered so that the innermost loop walks
 * contiguous memory (which the JIT vectorizes) or, where the product is a dot product of two contiguous
 * rows, keeps four independent sums. Stateless and thread-safe.
 */
public final class JavaBlas implements Blas {

    /** The name this backend is known by, in logs and for {@code -Dkiln.blas}. */
    public static final String NAME = "java";

    /** Creates the backend; it holds no state. */
    public JavaBlas() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        scale(m, n, beta, c, cOffset, ldc);
        if (k == 0 || alpha == 0) {
            return;
        }
        if (!transA && !transB) {
            productNN(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        } else if (!transA) {
            productNT(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        } else if (!transB) {
            productTN(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        } else {
            productTT(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        }
    }

    /** {@code C = beta * C}; with {@code beta == 0}, C is cleared (so NaN in C does not survive). */
    private static void scale(int m, int n, float beta, float[] c, int cOffset, int ldc) {
        if (beta == 1) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0 ? 0 : beta * c[row + j];
            }
        }
    }

    /** {@code C += alpha * A B}: for each row of C, add multiples of the rows of B (i-k-j order). */
    private static void productNN(int m, int n, int k, float alpha,
                                  float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                  float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            int aRow = aOffset + i * lda;
            for (int p = 0; p < k; p++) {
                axpy(n, alpha * a[aRow + p], b, bOffset + p * ldb, c, cRow);
            }
        }
    }

    /** {@code C += alpha * A B^T}: each element is a dot product of a row of A and a row of B. */
    private static void productNT(int m, int n, int k, float alpha,
                                  float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                  float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            int aRow = aOffset + i * lda;
            for (int j = 0; j < n; j++) {
                c[cRow + j] += alpha * dot(k, a, aRow, b, bOffset + j * ldb);
            }
        }
    }

    /** {@code C += alpha * A^T B}: for each row p of A and B, add {@code A[p][i] * B[p]} to row i of C. */
    private static void productTN(int m, int n, int k, float alpha,
                                  float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                  float[] c, int cOffset, int ldc) {
        for (int p = 0; p < k; p++) {
            int aRow = aOffset + p * lda;
            int bRow = bOffset + p * ldb;
            for (int i = 0; i < m; i++) {
                axpy(n, alpha * a[aRow + i], b, bRow, c, cOffset + i * ldc);
            }
        }
    }

    /**
     * {@code C += alpha * A^T B^T}: each element is a dot product of a column of A (strided) and a row of
     * B. Rare in practice, so kept simple.
     */
    private static void productTT(int m, int n, int k, float alpha,
                                  float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                  float[] c, int cOffset, int ldc) {
        for (int j = 0; j < n; j++) {
            int bRow = bOffset + j * ldb;
            for (int i = 0; i < m; i++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[aOffset + p * lda + i] * b[bRow + p];
                }
                c[cOffset + i * ldc + j] += alpha * sum;
            }
        }
    }

    /** {@code y[yOffset + j] += scale * x[xOffset + j]} for {@code j < n}: contiguous, vectorizable. */
    private static void axpy(int n, float scale, float[] x, int xOffset, float[] y, int yOffset) {
        for (int j = 0; j < n; j++) {
            y[yOffset + j] += scale * x[xOffset + j];
        }
    }

    /** The dot product of two contiguous runs of {@code n} values, with four independent partial sums. */
    private static float dot(int n, float[] x, int xOffset, float[] y, int yOffset) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += x[xOffset + j] * y[yOffset + j];
            s1 += x[xOffset + j + 1] * y[yOffset + j + 1];
            s2 += x[xOffset + j + 2] * y[yOffset + j + 2];
            s3 += x[xOffset + j + 3] * y[yOffset + j + 3];
        }
        for (; j < n; j++) {
            s0 += x[xOffset + j] * y[yOffset + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, MemorySegment a, long aOffset, int lda,
                      MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    long ai = aOffset + (transA ? (long) p * lda + i : (long) i * lda + p);
                    long bi = bOffset + (transB ? (long) j * ldb + p : (long) p * ldb + j);
                    sum += a.getAtIndex(f, ai) * b.getAtIndex(f, bi);
                }
                long ci = cOffset + (long) i * ldc + j;
                float old = beta == 0 ? 0 : beta * c.getAtIndex(f, ci);
                c.setAtIndex(f, ci, old + alpha * sum);
            }
        }
    }
}
