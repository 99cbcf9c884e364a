package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;

/**
 * The pure-Java {@link Blas}: always present, exact to float rounding, and fast (close to 100 GFLOP/s on
 * one AVX-512 core for large products; see the package documentation for measurements).
 *
 * <p>Products go one of three ways:
 * <ul>
 *   <li>tiny ones ({@code m * n * k} up to {@value #TINY}) through plain loops, one dot product per
 *       element, which cost less than setting anything up;</li>
 *   <li>those with only a few rows of C (a batch of one or a few through a dense layer), row by row
 *       without packing B, where the kernel has such a path and measured it faster: dot products of rows
 *       of op(A) with rows of B when B is transposed, weighted sums of rows of B otherwise;</li>
 *   <li>everything else through a blocked kernel that packs panels of A and B into per-thread buffers and
 *       multiplies them with a register-tiled micro-kernel.</li>
 * </ul>
 * There are two kernels. The Vector API one ({@code jdk.incubator.vector}, {@code FloatVector} of the
 * preferred species, fused multiply-adds on an 8 x 2-vector tile of C) runs when that module is in the
 * boot layer, that is when the JVM was started with {@code --add-modules jdk.incubator.vector}; the
 * class that uses the module is not touched otherwise, so this class loads and works without it. The
 * scalar one, plain loops shaped so that the JIT compiler vectorizes them, runs otherwise.
 * {@link #kernel()} says which runs, and the system property {@value #KERNEL_PROPERTY} ({@code vector} or
 * {@code scalar}, read once per process) overrides the choice; {@code vector} without the module gets
 * {@code scalar}, and any other value is ignored with a warning.
 *
 * <p>Both forms, {@code float[]} and {@link MemorySegment} (native or heap), run the same code: only
 * the packing of A and B and the update of C read and write the segments, in vectors or element by
 * element; the inner loops run on {@code float[]} panels.
 *
 * <p>Packing buffers belong to the calling thread ({@link ThreadLocal}): about 0.6 MiB per thread for
 * either kernel, plus the rows copied by the row path (at most
 * {@value #ROW_PATH_SCRATCH} floats). They grow to the largest product a thread has run and are
 * reused, so once the JIT compiler has compiled the kernels (before that, the Vector API allocates as it
 * boxes its vectors) a call allocates nothing. Many short-lived threads (for example virtual threads)
 * each pay for their own buffers. Instances hold no other state; thread-safe.
 */
public final class JavaBlas implements Blas {

    /** The name this backend is known by, in logs and for {@code -Dkiln.blas}. */
    public static final String NAME = "java";

    /** The system property that forces the kernel: {@code vector} or {@code scalar}. */
    public static final String KERNEL_PROPERTY = "kiln.blas.java.kernel";

    /** Products with {@code m * n * k} up to this run through plain loops (measured: 6 x 6 x 6 is even). */
    static final long TINY = 256;

    /** The most floats the row path copies (4 MiB), so that its scratch space stays bounded. */
    static final int ROW_PATH_SCRATCH = 1 << 20;

    /** For {@link #JavaBlas(GemmKernel, long, int)}: the row path where the kernel finds it faster. */
    static final int KERNEL_ROW_PATH = -1;

    private final GemmKernel kernel;
    private final long tiny;
    private final int rowPathRows;

    /** Creates the backend with the process's kernel (see {@link #kernel()}). */
    public JavaBlas() {
        this(DefaultKernel.INSTANCE, TINY, KERNEL_ROW_PATH);
    }

    /**
     * A backend on a given kernel, with the paths forced (for tests and measurements): products with
     * {@code m * n * k <= tiny} through the plain loops, and those with {@code m <= rowPathRows} through
     * the kernel's row path where it has one ({@link #KERNEL_ROW_PATH}: where the kernel finds it faster).
     */
    JavaBlas(GemmKernel kernel, long tiny, int rowPathRows) {
        this.kernel = kernel;
        this.tiny = tiny;
        this.rowPathRows = rowPathRows;
    }

    /** The kernel this process uses by default: {@code vector} (the Vector API) or {@code scalar}. */
    public static String defaultKernel() {
        return DefaultKernel.INSTANCE.name();
    }

    /** Whether the module {@code jdk.incubator.vector} is in the boot layer, so the Vector API can run. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The Vector API kernel, or null when its module is absent or the platform's vectors are short. */
    static GemmKernel vectorKernel() {
        return vectorModulePresent() ? VectorGemmKernel.create() : null;
    }

    /** The plain-loop kernel. */
    static GemmKernel scalarKernel() {
        return ScalarGemmKernel.create();
    }

    /** The kernel chosen once per process: by {@value #KERNEL_PROPERTY}, else the fastest available. */
    private static final class DefaultKernel {
        static final GemmKernel INSTANCE = choose(System.getProperty(KERNEL_PROPERTY, ""));

        private static GemmKernel choose(String requested) {
            String kernel = requested.strip();
            if (kernel.equals("scalar")) {
                return scalarKernel();
            }
            if (!kernel.isEmpty() && !kernel.equals("vector")) {
                System.getLogger(JavaBlas.class.getName()).log(System.Logger.Level.WARNING,
                        KERNEL_PROPERTY + " = ''{0}'' is not a kernel (vector or scalar); ignored", kernel);
            }
            GemmKernel vector = vectorKernel();
            return vector != null ? vector : scalarKernel();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The kernel this instance runs: {@code vector} (the Vector API) or {@code scalar}. */
    public String kernel() {
        return kernel.name();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, MemorySegment a, long aOffset, int lda,
                      MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** The product on checked arguments; each of a, b, c is a {@code float[]} or a {@link MemorySegment}. */
    private void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
                          float beta, Object c, long cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOffset, ldc);
        } else if ((long) m * n * k <= tiny) {
            tiny(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else if (rowPath(m, k, transB)) {
            kernel.rows(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else {
            kernel.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    /**
     * Whether a product with m rows of C takes the kernel's row path; not when the rows it copies (of
     * op(A), and four of B) would take more than {@value #ROW_PATH_SCRATCH} floats of scratch space.
     */
    private boolean rowPath(int m, int k, boolean transB) {
        int limit = kernel.rowPathRows(transB);
        boolean rows = rowPathRows == KERNEL_ROW_PATH ? m <= limit : limit > 0 && m <= rowPathRows;
        return rows && (m + 4L) * k <= ROW_PATH_SCRATCH;
    }

    /** {@code C = beta * C}; with {@code beta == 0}, C is cleared (so NaN in C does not survive). */
    private static void scale(int m, int n, float beta, Object c, long cOffset, int ldc) {
        if (beta == 1) {
            return;
        }
        for (int i = 0; i < m; i++) {
            long row = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                GemmKernel.set(c, row + j, beta == 0 ? 0 : beta * GemmKernel.get(c, row + j));
            }
        }
    }

    /** Each element of C as one dot product: no setup, for products too small for anything else to pay. */
    private static void tiny(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
                             float beta, Object c, long cOffset, int ldc) {
        long aRowStep = transA ? 1 : lda;
        long aDepthStep = transA ? lda : 1;
        long bDepthStep = transB ? 1 : ldb;
        long bColumnStep = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            long row = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                long ai = aOffset + i * aRowStep;
                long bi = bOffset + j * bColumnStep;
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += GemmKernel.get(a, ai) * GemmKernel.get(b, bi);
                    ai += aDepthStep;
                    bi += bDepthStep;
                }
                float product = alpha * sum;
                GemmKernel.set(c, row + j, beta == 0 ? product : product + beta * GemmKernel.get(c, row + j));
            }
        }
    }
}
