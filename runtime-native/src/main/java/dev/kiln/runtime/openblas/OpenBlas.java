package dev.kiln.runtime.openblas;

import static dev.kiln.runtime.openblas.OpenBlasBindings.CblasNoTrans;
import static dev.kiln.runtime.openblas.OpenBlasBindings.CblasTrans;

import com.google.auto.service.AutoService;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.SgemmArguments;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * {@link Blas} on OpenBLAS, called through {@code java.lang.foreign}. Registered for
 * {@link java.util.ServiceLoader}, so {@link dev.kiln.runtime.blas.Blases#get()} picks it when this jar is
 * on the class path and a library is found; force it or the Java kernels with {@code -Dkiln.blas=openblas}
 * or {@code -Dkiln.blas=java}.
 *
 * <p><b>Loading.</b> The first {@code new OpenBlas()} of a process finds the library (see
 * {@link OpenBlasLibrary#discover()}), applies {@value #THREADS_PROPERTY} when set, and runs a self-test:
 * a few products (every transpose combination, odd sizes, offsets, padded rows, several alpha and beta,
 * each through every path below) compared with {@link dev.kiln.runtime.blas.JavaBlas}. If the library
 * is missing, or disagrees with the Java kernel beyond float rounding, the constructor throws (and
 * {@code Blases} falls back to the Java kernels); a disagreement, or an explicit library path or a
 * thread count that does not work, is also logged as a WARNING. The library loaded is logged once at
 * INFO. The outcome is remembered: later constructors reuse the library, or throw again without a new
 * attempt.
 *
 * <p><b>Memory.</b> Native segments go straight to {@code cblas_sgemm}. Native code cannot read the
 * Java heap in an ordinary downcall, so {@code float[]} arrays and heap segments are copied into a
 * per-thread native scratch area (grown when needed, never shrunk), and C is copied back; once a thread
 * is warm, this allocates nothing, on the Java heap or natively (each new thread, virtual ones included,
 * allocates its own scratch on its first such product; native segments need none). (A critical downcall, which can read the heap
 * directly, was measured and is not used: see {@link #CRITICAL_MAX_WORK}.)
 *
 * <p><b>Pieces.</b> On the cores whose kernels include OpenBLAS's small-matrix ones (the AVX-512 cores), a
 * product on native segments, of neither operand transposed, that is too large for those kernels is sent
 * as pieces they take, when the pieces can keep at least 16 rows or columns: see {@link #pieceSize}.
 *
 * <p><b>Safety.</b> Every call is checked by {@link SgemmArguments} and then for what native code needs
 * in addition (offsets whose end overflows, segments that are closed, owned by another thread, or not
 * aligned to 4 bytes) before any downcall: a bad argument is an exception naming it, never a crashed JVM.
 * C must not overlap A or B (as in BLAS).
 *
 * <p><b>Threads.</b> OpenBLAS runs each product on one thread ({@link #DEFAULT_THREADS}), whatever
 * {@code OPENBLAS_NUM_THREADS} or {@code OMP_NUM_THREADS} say: those say how many threads Kiln's products
 * may use, and Kiln shares large products between threads itself, above this backend
 * ({@code dev.kiln.runtime.blas.SplitBlas}, configured by {@code dev.kiln.runtime.blas.Blases}).
 * {@value #THREADS_PROPERTY} sets OpenBLAS's own thread count instead, for comparisons;
 * {@link #setThreads(int)} changes it for the whole process. Products may be called from several threads
 * at once.
 */
@AutoService(Blas.class)
public final class OpenBlas implements Blas {

    /** The name this backend is known by, in logs and for {@code -Dkiln.blas=openblas}. */
    public static final String NAME = "openblas";

    /**
     * OpenBLAS's own thread count unless {@value #THREADS_PROPERTY} says otherwise: one. Kiln shares
     * products between threads above the backend, only those large enough to gain from it; measured on
     * this project's 2-core machine in docs/decisions.md, "Threads".
     */
    public static final int DEFAULT_THREADS = 1;

    /** The system property that sets OpenBLAS's thread count when the library is loaded, e.g. {@code -Dkiln.openblas.threads=1}. */
    public static final String THREADS_PROPERTY = "kiln.openblas.threads";

    /**
     * The largest product, in multiply-adds ({@code m * n * k}), on heap memory that takes a critical
     * downcall (no copies, no thread-state transition) instead of the copies: 0, so none does. Measured
     * with {@code CallOverheadBench}, the critical path saves 25 to 55 ns a call on products up to 16^3
     * (about a third of their cost), 15 % at 32^3 and 17 % at 64^3, but the heap segments it needs are
     * not removed by escape analysis, so each call allocates 200 to 340 bytes, where the copied path
     * allocates nothing; and no safepoint can happen while it runs. Kiln sends tiny products to Java
     * loops, not to {@link Blas}, so the copies win. Tests and the benchmark set other values through the
     * package-private constructor.
     */
    static final long CRITICAL_MAX_WORK = 0;

    /**
     * The most multiply-adds ({@code m * n * k}) that OpenBLAS's small-matrix kernels take: those kernels
     * compute straight from the operands, where larger products first copy both into a packed layout.
     */
    static final long SMALL_KERNEL_MAX_WORK = 1_000_000;

    /** The multiply-adds of each piece when a product is cut for the small-matrix kernels. */
    static final long PIECE_WORK = 1L << 19;

    /** The fewest rows (or columns) of {@code C} in a piece: a product that needs thinner pieces stays whole. */
    static final int MIN_PIECE = 16;

    private static final System.Logger LOG = System.getLogger(OpenBlas.class.getName());
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The outcome of this process's first load: an {@link OpenBlasLibrary} or the exception that stopped it. */
    private static Object processLibrary;

    private final OpenBlasLibrary library;
    private final Kernel kernel;
    private final long criticalMaxWork;
    private final boolean cutForSmallKernels;

    /**
     * The backend on this process's OpenBLAS, loaded and self-tested on the first call.
     *
     * @throws IllegalStateException if no OpenBLAS is found, the explicit library path does not load, the
     *     thread setting is invalid, or the library fails its self-test (the message says which)
     */
    public OpenBlas() {
        this(processLibrary());
    }

    private OpenBlas(OpenBlasLibrary library) {
        this(library, Kernel.of(library.bindings()), CRITICAL_MAX_WORK, hasSmallKernels(library.coreName()));
    }

    /**
     * A backend on the given kernel, with no self-test, that sends every product whole.
     *
     * @param library         the library whose threads {@link #threads()} reads, or null for a test kernel
     * @param kernel          where products go once checked
     * @param criticalMaxWork the largest {@code m * n * k} on heap memory that takes the critical path (0: none)
     */
    OpenBlas(OpenBlasLibrary library, Kernel kernel, long criticalMaxWork) {
        this(library, kernel, criticalMaxWork, false);
    }

    /**
     * A backend on the given kernel, with no self-test.
     *
     * @param cutForSmallKernels whether products above {@link #SMALL_KERNEL_MAX_WORK} go in pieces that the
     *                           small-matrix kernels take, where {@link #pieceSize} says so
     */
    OpenBlas(OpenBlasLibrary library, Kernel kernel, long criticalMaxWork, boolean cutForSmallKernels) {
        this.library = library;
        this.kernel = kernel;
        this.criticalMaxWork = criticalMaxWork;
        this.cutForSmallKernels = cutForSmallKernels;
    }

    /**
     * Whether the library's kernels for this core include the small-matrix ones that {@link #pieceSize}
     * counts on: those of the AVX-512 cores (OpenBLAS 0.3.21 names them SkylakeX, Cooperlake and
     * SapphireRapids; an AMD Zen 4 runs the Cooperlake kernels).
     */
    static boolean hasSmallKernels(String coreName) {
        String core = coreName.strip().toLowerCase(java.util.Locale.ROOT);
        return core.equals("skylakex") || core.equals("cooperlake") || core.equals("sapphirerapids");
    }

    /**
     * The rows (when {@code m >= n}) or columns of {@code C} in each piece of a product of neither operand
     * transposed that is worth cutting for the small-matrix kernels, or 0 when it goes whole. Such a product
     * is cut when it is above {@link #SMALL_KERNEL_MAX_WORK} and pieces of about {@link #PIECE_WORK}
     * keep at least {@link #MIN_PIECE} rows (or columns), a multiple of 16. On this project's machine
     * (Debian's OpenBLAS 0.3.21, Cooperlake kernels, one thread; docs/decisions.md, "Products for
     * OpenBLAS's small-matrix kernels"), pieces ran at 100-117 GFLOP/s where the whole products ran at 77-104:
     * 32 x 512 x 128 (an LSTM step's product) 77 -> 101, 32 x 128 x 512 83 -> 100, 128 x 400 x 120
     * 94 -> 107, 2048 x 128 x 114 97 -> 104; 512^3, whose pieces would be 2 rows, ran at 71 cut, and
     * stays whole. Products with a transposed operand gained in some shapes and lost in others, and go
     * whole.
     */
    static int pieceSize(int m, int n, int k) {
        long work = (long) m * n * k;
        if (work <= SMALL_KERNEL_MAX_WORK) {
            return 0;
        }
        int side = Math.max(m, n);
        long perLine = work / side; // the multiply-adds of one row (or column) of C
        long lines = PIECE_WORK / perLine / 16 * 16;
        if (lines < MIN_PIECE) {
            return 0;
        }
        int pieces = (int) ((side + lines - 1) / lines);
        int size = (side + pieces - 1) / pieces; // as even as the pieces can be, then up to a multiple of 16
        return (size + 15) / 16 * 16;
    }

    private static synchronized OpenBlasLibrary processLibrary() {
        if (processLibrary == null) {
            try {
                processLibrary = load();
            } catch (LinkageError e) {
                // remembered like any other failure, so that a later constructor does not try again
                processLibrary = new IllegalStateException("OpenBLAS could not be bound: " + e, e);
            }
        }
        if (processLibrary instanceof RuntimeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return (OpenBlasLibrary) processLibrary;
    }

    /** Finds, configures and self-tests the library; returns it, or the exception that stopped it. */
    private static Object load() {
        OpenBlasLibrary library;
        try {
            library = OpenBlasLibrary.discover();
        } catch (RuntimeException e) {
            if (OpenBlasLibrary.explicitSetting() != null) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            } else {
                LOG.log(System.Logger.Level.DEBUG, e.getMessage(), e);
            }
            return e;
        }
        try {
            applyThreads(library, threadSetting(System.getProperty(THREADS_PROPERTY)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            return e;
        }
        try {
            SelfTest.run(new OpenBlas(library), library.location());
        } catch (RuntimeException e) {
            return e; // the self-test has logged it
        }
        LOG.log(System.Logger.Level.INFO, "Kiln OpenBLAS: " + library + ", "
                + threadCount(library.bindings().openblas_get_num_threads()));
        return library;
    }

    private static String threadCount(int threads) {
        return threads == 1 ? "1 thread" : threads + " threads";
    }

    /**
     * The thread count to apply when the library loads: {@value #THREADS_PROPERTY} when set, else
     * {@value #DEFAULT_THREADS} (see {@link #DEFAULT_THREADS}).
     */
    static String threadSetting(String property) {
        return property != null && !property.isBlank() ? property : String.valueOf(DEFAULT_THREADS);
    }

    /**
     * Sets the library's thread count from the value of {@value #THREADS_PROPERTY} (null or blank: leaves it).
     *
     * @throws IllegalStateException naming the property and the value when it is not a positive integer
     */
    static void applyThreads(OpenBlasLibrary library, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        int threads;
        try {
            threads = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            threads = 0;
        }
        if (threads < 1) {
            throw new IllegalStateException(THREADS_PROPERTY + " = '" + value
                    + "' is not a positive whole number of threads; OpenBLAS at " + library.location() + " is not used");
        }
        library.bindings().openblas_set_num_threads(threads);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The library this backend calls. */
    public OpenBlasLibrary library() {
        if (library == null) {
            throw new IllegalStateException("this OpenBlas runs on a test kernel and has no library");
        }
        return library;
    }

    /** OpenBLAS's current thread count ({@code openblas_get_num_threads}). */
    public int threads() {
        return library().bindings().openblas_get_num_threads();
    }

    /**
     * Sets OpenBLAS's thread count for the whole process ({@code openblas_set_num_threads}); OpenBLAS caps
     * it at the count it was built for. Call it between products, not while another thread is in one.
     *
     * @param threads the number of threads OpenBLAS may use for one product, at least 1
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("OpenBLAS threads = " + threads + " must be at least 1");
        }
        library().bindings().openblas_set_num_threads(threads);
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
        if (k == 0 || alpha == 0) {
            // as BLAS defines it: A and B are not read (NaN in them does not reach C)
            scale(beta, MemorySegment.ofArray(c), cOffset, m, n, ldc);
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if ((long) m * n * k <= criticalMaxWork && aOffset == 0 && bOffset == 0 && cOffset == 0) {
            kernel.sgemmCritical(ta, tb, m, n, k, alpha, MemorySegment.ofArray(a), lda, MemorySegment.ofArray(b), ldb,
                    beta, MemorySegment.ofArray(c), ldc);
            return;
        }
        // copied through this thread's scratch; no segment is made for the arrays, so nothing is allocated
        Scratch scratch = SCRATCH.get();
        int aRows = transA ? k : m;
        int aWidth = transA ? m : k;
        MemorySegment na = scratch.reserve(Scratch.A, (long) aRows * aWidth * Float.BYTES);
        pack(a, aOffset, aRows, aWidth, lda, na);
        int bRows = transB ? n : k;
        int bWidth = transB ? k : n;
        MemorySegment nb = scratch.reserve(Scratch.B, (long) bRows * bWidth * Float.BYTES);
        pack(b, bOffset, bRows, bWidth, ldb, nb);
        MemorySegment nc = scratch.reserve(Scratch.C, (long) m * n * Float.BYTES);
        if (beta != 0) {
            pack(c, cOffset, m, n, ldc, nc);
        }
        kernel.sgemm(ta, tb, m, n, k, alpha, na, aWidth, nb, bWidth, beta, nc, n);
        unpack(nc, c, cOffset, m, n, ldc);
    }

    /** Copies {@code rows} rows of {@code width} floats, {@code ld} apart, to {@code to} with no gaps. */
    private static void pack(float[] from, int offset, int rows, int width, int ld, MemorySegment to) {
        if (ld == width || rows == 1) {
            MemorySegment.copy(from, offset, to, ValueLayout.JAVA_FLOAT, 0, rows * width);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(from, offset + r * ld, to, ValueLayout.JAVA_FLOAT, (long) r * width * Float.BYTES, width);
        }
    }

    /** The reverse of {@link #pack(float[], int, int, int, int, MemorySegment)}, leaving the gaps alone. */
    private static void unpack(MemorySegment from, float[] to, int offset, int rows, int width, int ld) {
        if (ld == width || rows == 1) {
            MemorySegment.copy(from, ValueLayout.JAVA_FLOAT, 0, to, offset, rows * width);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(from, ValueLayout.JAVA_FLOAT, (long) r * width * Float.BYTES, to, offset + r * ld, width);
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, MemorySegment a, long aOffset, int lda,
                      MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        requireUsable("a", "A", a, aOffset, transA ? k : m, transA ? m : k, lda);
        requireUsable("b", "B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
        requireUsable("c", "C", c, cOffset, m, n, ldc);
        product(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /**
     * What native code needs beyond {@link SgemmArguments}: a live segment this thread may use, an end
     * that is inside the segment even where {@code offset + span} would overflow, and float alignment.
     */
    private static void requireUsable(String name, String matrix, MemorySegment segment, long offset,
                                      int rows, int width, int ld) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("sgemm: " + name + " is not alive: the arena that allocated it is closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("sgemm: " + name + " belongs to a confined arena of another thread");
        }
        if (rows == 0 || width == 0) {
            return;
        }
        long floats = segment.byteSize() / Float.BYTES;
        long span = (long) (rows - 1) * ld + width;
        if (offset > floats - span) {
            throw new IllegalArgumentException("sgemm: " + name + "Offset = " + offset + " puts the end of " + matrix
                    + " (" + rows + " rows of " + width + " values, ld = " + ld + ") past the end of " + name
                    + " (" + floats + " elements)");
        }
        if (segment.isNative() && segment.address() % Float.BYTES != 0) {
            throw new IllegalArgumentException("sgemm: " + name + " is not aligned to " + Float.BYTES
                    + " bytes (address 0x" + Long.toHexString(segment.address()) + ")");
        }
    }

    /** The product once checked: dispatch to the critical, direct or staged path. */
    private void product(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                         float beta, MemorySegment c, long cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(beta, c, cOffset, m, n, ldc);
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (a.isNative() && b.isNative() && c.isNative()) {
            int piece = cutForSmallKernels && !transA && !transB ? pieceSize(m, n, k) : 0;
            if (piece > 0) {
                pieces(piece, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
                return;
            }
            Slices slices = SLICES.get();
            kernel.sgemm(ta, tb, m, n, k, alpha, slices.at(a, aOffset), lda, slices.at(b, bOffset), ldb,
                    beta, slices.at(c, cOffset), ldc);
        } else if ((long) m * n * k <= criticalMaxWork && (a.isNative() || aOffset == 0)
                && (b.isNative() || bOffset == 0) && (c.isNative() || cOffset == 0)) {
            Slices slices = SLICES.get();
            kernel.sgemmCritical(ta, tb, m, n, k, alpha, slices.at(a, aOffset), lda, slices.at(b, bOffset), ldb,
                    beta, slices.at(c, cOffset), ldc);
        } else {
            staged(ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    /**
     * A product of neither operand transposed, on native segments, in pieces of {@code piece} rows of
     * {@code C} (and of A) when {@code m >= n}, else of {@code piece} columns (of C and B). Each element of
     * {@code C} is computed by exactly one piece, over the whole of {@code k}.
     */
    private void pieces(int piece, int m, int n, int k, float alpha, MemorySegment a, long aOffset, int lda,
                        MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c, long cOffset,
                        int ldc) {
        Slices slices = SLICES.get();
        if (m >= n) {
            MemorySegment nb = slices.at(b, bOffset);
            for (int row = 0; row < m; row += piece) {
                kernel.sgemm(CblasNoTrans, CblasNoTrans, Math.min(piece, m - row), n, k, alpha,
                        slices.at(a, aOffset + (long) row * lda), lda, nb, ldb, beta,
                        slices.at(c, cOffset + (long) row * ldc), ldc);
            }
        } else {
            MemorySegment na = slices.at(a, aOffset);
            for (int column = 0; column < n; column += piece) {
                kernel.sgemm(CblasNoTrans, CblasNoTrans, m, Math.min(piece, n - column), k, alpha, na, lda,
                        slices.at(b, bOffset + column), ldb, beta, slices.at(c, cOffset + column), ldc);
            }
        }
    }

    /** The product with every heap operand copied to this thread's scratch, and C copied back. */
    private void staged(int ta, int tb, int m, int n, int k, float alpha,
                        MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                        float beta, MemorySegment c, long cOffset, int ldc) {
        Scratch scratch = SCRATCH.get();
        int aRows = ta == CblasTrans ? k : m;
        int aWidth = ta == CblasTrans ? m : k;
        Slices slices = SLICES.get();
        MemorySegment na = a.isNative() ? slices.at(a, aOffset)
                : stage(scratch, Scratch.A, a, aOffset, aRows, aWidth, lda);
        int nlda = a.isNative() ? lda : aWidth;
        int bRows = tb == CblasTrans ? n : k;
        int bWidth = tb == CblasTrans ? k : n;
        MemorySegment nb = b.isNative() ? slices.at(b, bOffset)
                : stage(scratch, Scratch.B, b, bOffset, bRows, bWidth, ldb);
        int nldb = b.isNative() ? ldb : bWidth;
        MemorySegment nc;
        if (c.isNative()) {
            nc = slices.at(c, cOffset);
        } else if (beta != 0) {
            nc = stage(scratch, Scratch.C, c, cOffset, m, n, ldc);
        } else {
            nc = scratch.reserve(Scratch.C, (long) m * n * Float.BYTES); // overwritten: nothing to copy in
        }
        kernel.sgemm(ta, tb, m, n, k, alpha, na, nlda, nb, nldb, beta, nc, c.isNative() ? ldc : n);
        if (!c.isNative()) {
            unpack(nc, c, cOffset, m, n, ldc);
        }
    }

    /** {@code rows} rows of {@code width} floats of {@code from}, packed into a region of the scratch. */
    private static MemorySegment stage(Scratch scratch, int region, MemorySegment from, long offset,
                                       int rows, int width, int ld) {
        MemorySegment to = scratch.reserve(region, (long) rows * width * Float.BYTES);
        pack(from, offset, rows, width, ld, to);
        return to;
    }

    private static final ThreadLocal<Slices> SLICES = ThreadLocal.withInitial(Slices::new);

    /**
     * The operands' slices a thread has passed to the library, by segment and offset, so that the same
     * operand is the same slice every time. A downcall takes a segment that starts at the matrix, and a slice
     * per product was allocated whenever the JIT did not remove it (120 bytes a product, at the offsets a
     * model's one allocation has: 7.7 KB per step of the char-LSTM, in some JVMs for good). A model's
     * products repeat their operands every step, so a table keeps them all: open addressing with linear
     * probing, at most half full, so that every operand of a working set of up to {@value #CAPACITY} keeps
     * its slice whatever the segments' identity hashes (a direct-mapped table lost the operands whose
     * hashes collided: 80-240 bytes per step of the char-LSTM in some JVMs). Past the capacity the table
     * starts over. It holds on to at most that many segments (a closed arena's are refused by the checks
     * before they are looked up).
     */
    static final class Slices {
        /** The most slices kept; the table starts over when one more is needed. */
        static final int CAPACITY = 4096;
        /** Twice the capacity, a power of two: the probes stay short. */
        private static final int SIZE = 2 * CAPACITY;
        private static final int HASH_BITS = Integer.numberOfTrailingZeros(SIZE);
        private final MemorySegment[] bases = new MemorySegment[SIZE];
        private final long[] offsets = new long[SIZE];
        private final MemorySegment[] slices = new MemorySegment[SIZE];
        private int count;

        /** The segment from element {@code offset} on (the segment itself at 0). */
        MemorySegment at(MemorySegment segment, long offset) {
            if (offset == 0) {
                return segment;
            }
            long mixed = (System.identityHashCode(segment) * 0x9E37_79B9L + offset) * 0x9E37_79B9_7F4A_7C15L;
            int home = (int) (mixed >>> (Long.SIZE - HASH_BITS)); // the top bits of a multiplicative hash
            int i = home;
            for (MemorySegment base = bases[i]; base != null; base = bases[i]) {
                if (base == segment && offsets[i] == offset) {
                    return slices[i];
                }
                i = (i + 1) & (SIZE - 1);
            }
            if (count == CAPACITY) {
                Arrays.fill(bases, null);
                Arrays.fill(slices, null);
                count = 0;
                i = home;
            }
            MemorySegment slice = segment.asSlice(offset * Float.BYTES);
            bases[i] = segment;
            offsets[i] = offset;
            slices[i] = slice;
            count++;
            return slice;
        }
    }

    /** Copies {@code rows} rows of {@code width} floats, {@code ld} apart, to {@code to} with no gaps. */
    private static void pack(MemorySegment from, long offset, int rows, int width, int ld, MemorySegment to) {
        long rowBytes = (long) width * Float.BYTES;
        if (ld == width || rows == 1) {
            MemorySegment.copy(from, offset * Float.BYTES, to, 0, rows * rowBytes);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(from, (offset + (long) r * ld) * Float.BYTES, to, r * rowBytes, rowBytes);
        }
    }

    /** The reverse of {@link #pack(MemorySegment, long, int, int, int, MemorySegment)}: gap-free rows back to rows {@code ld} apart, leaving the gaps alone. */
    private static void unpack(MemorySegment from, MemorySegment to, long offset, int rows, int width, int ld) {
        long rowBytes = (long) width * Float.BYTES;
        if (ld == width || rows == 1) {
            MemorySegment.copy(from, 0, to, offset * Float.BYTES, rows * rowBytes);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(from, r * rowBytes, to, (offset + (long) r * ld) * Float.BYTES, rowBytes);
        }
    }

    /**
     * {@code C = beta * C} when there is nothing to multiply ({@code k == 0} or {@code alpha == 0}, when BLAS
     * does not read A and B); {@code beta == 0} clears C, NaN included.
     */
    private static void scale(float beta, MemorySegment c, long offset, int m, int n, int ldc) {
        if (beta == 1) {
            return;
        }
        for (int i = 0; i < m; i++) {
            long row = offset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                c.setAtIndex(FLOAT, row + j, beta == 0 ? 0 : beta * c.getAtIndex(FLOAT, row + j));
            }
        }
    }
}
