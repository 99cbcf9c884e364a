package dev.kiln.runtime.openblas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into OpenBLAS, written in the style of jextract's output: one nested holder class per C
 * function with its {@code DESC}riptor and downcall {@code HANDLE}, created when the function is first
 * called, and a wrapper whose Javadoc quotes the C prototype from OpenBLAS's {@code cblas.h}.
 *
 * <p>Unlike jextract's output, the library is chosen at run time (see {@link OpenBlasLibrary}), and two
 * copies may be loaded in one process, so the function addresses belong to an instance, resolved once
 * from one {@link SymbolLookup}; the handles are address-less and shared, taking the address as their
 * first argument (which the JIT inlines as well as a constant one). Only the 32-bit integer interface
 * ({@code blasint} = {@code int}) is described; {@link OpenBlasLibrary} refuses a 64-bit-integer build.
 *
 * <p>These wrappers do no checking: every caller must have checked sizes, offsets and segments first
 * (see {@link OpenBlas}).
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
final class OpenBlasBindings {

    /** {@code CblasRowMajor} of {@code enum CBLAS_ORDER}. */
    static final int CblasRowMajor = 101;
    /** {@code CblasNoTrans} of {@code enum CBLAS_TRANSPOSE}. */
    static final int CblasNoTrans = 111;
    /** {@code CblasTrans} of {@code enum CBLAS_TRANSPOSE}. */
    static final int CblasTrans = 112;

    /** A {@code char*} result, readable as a NUL-terminated string of any length. */
    private static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    private final MemorySegment cblas_sgemm$address;
    private final MemorySegment openblas_set_num_threads$address;
    private final MemorySegment openblas_get_num_threads$address;
    private final MemorySegment openblas_get_num_procs$address;
    private final MemorySegment openblas_get_config$address;
    private final MemorySegment openblas_get_corename$address;
    private final MemorySegment openblas_get_parallel$address;

    /**
     * Resolves every function this class binds in {@code lookup}.
     *
     * @param lookup  the symbols of one loaded OpenBLAS
     * @param library the library's path or name, for the error message
     * @throws IllegalArgumentException naming the symbol and the library when a function is missing
     *     (the library is then not OpenBLAS, or too old)
     */
    OpenBlasBindings(SymbolLookup lookup, String library) {
        cblas_sgemm$address = findOrThrow(lookup, "cblas_sgemm", library);
        openblas_set_num_threads$address = findOrThrow(lookup, "openblas_set_num_threads", library);
        openblas_get_num_threads$address = findOrThrow(lookup, "openblas_get_num_threads", library);
        openblas_get_num_procs$address = findOrThrow(lookup, "openblas_get_num_procs", library);
        openblas_get_config$address = findOrThrow(lookup, "openblas_get_config", library);
        openblas_get_corename$address = findOrThrow(lookup, "openblas_get_corename", library);
        openblas_get_parallel$address = findOrThrow(lookup, "openblas_get_parallel", library);
    }

    private static MemorySegment findOrThrow(SymbolLookup lookup, String symbol, String library) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalArgumentException(
                "symbol " + symbol + " not found in " + library + ": is it an OpenBLAS library?"));
    }

    /** The address of {@code cblas_sgemm}, to tell which loaded file it lives in. */
    MemorySegment cblasSgemmAddress() {
        return cblas_sgemm$address;
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("a downcall threw a checked exception", t);
    }

    // --- cblas_sgemm ---------------------------------------------------------------------------------

    private static final class cblas_sgemm {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * The same function through a critical downcall that may take heap segments: no thread-state
     * transition, but the garbage collector waits for it, so it is only for very small products.
     */
    private static final class cblas_sgemm$critical {
        static final MethodHandle HANDLE = Linker.nativeLinker()
                .downcallHandle(cblas_sgemm.DESC, Linker.Option.critical(true));
    }

    /**
     * {@snippet lang=c :
     * void cblas_sgemm(OPENBLAS_CONST enum CBLAS_ORDER Order, OPENBLAS_CONST enum CBLAS_TRANSPOSE TransA,
     *                  OPENBLAS_CONST enum CBLAS_TRANSPOSE TransB, OPENBLAS_CONST blasint M,
     *                  OPENBLAS_CONST blasint N, OPENBLAS_CONST blasint K, OPENBLAS_CONST float alpha,
     *                  OPENBLAS_CONST float *A, OPENBLAS_CONST blasint lda, OPENBLAS_CONST float *B,
     *                  OPENBLAS_CONST blasint ldb, OPENBLAS_CONST float beta, float *C,
     *                  OPENBLAS_CONST blasint ldc);
     * }
     * {@code A}, {@code B} and {@code C} must be native segments.
     */
    void cblas_sgemm(int Order, int TransA, int TransB, int M, int N, int K,
                     float alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                     float beta, MemorySegment C, int ldc) {
        try {
            cblas_sgemm.HANDLE.invokeExact(cblas_sgemm$address, Order, TransA, TransB, M, N, K,
                    alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code cblas_sgemm} as a critical downcall: {@code A}, {@code B} and {@code C} may be heap
     * segments. Only for products that take a few microseconds at most.
     */
    void cblas_sgemm$critical(int Order, int TransA, int TransB, int M, int N, int K,
                              float alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                              float beta, MemorySegment C, int ldc) {
        try {
            cblas_sgemm$critical.HANDLE.invokeExact(cblas_sgemm$address, Order, TransA, TransB, M, N, K,
                    alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_set_num_threads ----------------------------------------------------------------------

    private static final class openblas_set_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(JAVA_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * void openblas_set_num_threads(int num_threads);
     * }
     */
    void openblas_set_num_threads(int num_threads) {
        try {
            openblas_set_num_threads.HANDLE.invokeExact(openblas_set_num_threads$address, num_threads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_get_num_threads ----------------------------------------------------------------------

    private static final class openblas_get_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * int openblas_get_num_threads(void);
     * }
     */
    int openblas_get_num_threads() {
        try {
            return (int) openblas_get_num_threads.HANDLE.invokeExact(openblas_get_num_threads$address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_get_num_procs ------------------------------------------------------------------------

    private static final class openblas_get_num_procs {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * int openblas_get_num_procs(void);
     * }
     */
    int openblas_get_num_procs() {
        try {
            return (int) openblas_get_num_procs.HANDLE.invokeExact(openblas_get_num_procs$address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_get_parallel -------------------------------------------------------------------------

    private static final class openblas_get_parallel {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * int openblas_get_parallel(void);
     * }
     * 0: sequential build, 1: POSIX threads, 2: OpenMP.
     */
    int openblas_get_parallel() {
        try {
            return (int) openblas_get_parallel.HANDLE.invokeExact(openblas_get_parallel$address);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_get_config ---------------------------------------------------------------------------

    private static final class openblas_get_config {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_STRING);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * char* openblas_get_config(void);
     * }
     * The build's configuration, e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64},
     * read from the library's static buffer.
     */
    String openblas_get_config() {
        try {
            return string((MemorySegment) openblas_get_config.HANDLE.invokeExact(openblas_get_config$address));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // --- openblas_get_corename -------------------------------------------------------------------------

    private static final class openblas_get_corename {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_STRING);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(DESC);
    }

    /**
     * {@snippet lang=c :
     * char* openblas_get_corename(void);
     * }
     * The name of the CPU kernel set in use, e.g. {@code Zen} or {@code SkylakeX}.
     */
    String openblas_get_corename() {
        try {
            return string((MemorySegment) openblas_get_corename.HANDLE.invokeExact(openblas_get_corename$address));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static String string(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.getString(0).strip();
    }
}
