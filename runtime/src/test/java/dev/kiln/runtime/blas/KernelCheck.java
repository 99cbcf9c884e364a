package dev.kiln.runtime.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A program, run in a JVM of its own by {@link JavaBlasKernelsTest}, that checks {@link JavaBlas} under
 * that JVM's options (with or without the Vector API module): it runs products of every transpose on
 * arrays and on native segments, compares them with a triple loop, and prints the kernel's name and
 * {@code ok}, or exits with status 1.
 */
final class KernelCheck {

    private KernelCheck() {
    }

    public static void main(String[] args) {
        JavaBlas blas = new JavaBlas();
        int m = 37;
        int n = 45;
        int k = 53;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 13) * 0.125f - 0.75f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 7) * 0.25f - 0.5f;
        }
        for (int t = 0; t < 4; t++) {
            boolean transA = t >= 2;
            boolean transB = t % 2 == 1;
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            for (int rows : new int[] {m, 1}) {
                float[] c = new float[rows * n];
                blas.sgemm(transA, transB, rows, n, k, 1, a, 0, lda, b, 0, ldb, 0, c, 0, n);
                float[] fromSegment;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment sc = arena.allocate((long) c.length * Float.BYTES);
                    blas.sgemm(transA, transB, rows, n, k, 1, arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), 0, lda,
                            arena.allocateFrom(ValueLayout.JAVA_FLOAT, b), 0, ldb, 0, sc, 0, n);
                    fromSegment = sc.toArray(ValueLayout.JAVA_FLOAT);
                }
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += (double) (transA ? a[p * lda + i] : a[i * lda + p])
                                    * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                        }
                        if (Math.abs(c[i * n + j] - sum) > 1e-3 || Math.abs(fromSegment[i * n + j] - sum) > 1e-3) {
                            System.out.println("wrong: transA " + transA + ", transB " + transB + ", C[" + i + "]["
                                    + j + "] = " + c[i * n + j] + " / " + fromSegment[i * n + j] + ", expected " + sum);
                            System.exit(1);
                        }
                    }
                }
            }
        }
        System.out.println(blas.kernel() + " ok");
    }
}
