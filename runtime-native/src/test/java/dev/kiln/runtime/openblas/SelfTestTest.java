package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The self-test passes a correct kernel and the real libraries, and rejects, with a WARNING naming the
 * library, kernels that are wrong in the ways a broken build or a bad binding would be.
 */
class SelfTestTest {

    private static final String LIBRARY = "/opt/broken/libopenblas.so.0";

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(OpenBlas.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(handler);
    }

    private static OpenBlas on(Kernel kernel) {
        return new OpenBlas(null, kernel, OpenBlas.CRITICAL_MAX_WORK);
    }

    @Test
    void correctKernelPasses() {
        assertDoesNotThrow(() -> SelfTest.run(on(new JavaKernel()), LIBRARY));
        assertEquals(List.of(), records);
    }

    @Test
    void realLibrariesPass() {
        List<String> names = TestLibraries.names();
        assumeTrue(!names.equals(List.of("none")), "no OpenBLAS on this machine");
        for (String name : names) {
            OpenBlasLibrary library = TestLibraries.named(name).orElseThrow();
            assertDoesNotThrow(() -> SelfTest.run(new OpenBlas(library, Kernel.of(library.bindings()),
                    OpenBlas.CRITICAL_MAX_WORK), library.location()), name);
        }
    }

    @Test
    void wrongValueIsRejectedWithAWarningNamingTheLibrary() {
        Kernel offByALittle = new JavaKernel() {
            @Override
            void product(int ta, int tb, int m, int n, int k, float alpha, MemorySegment a, int lda,
                         MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
                super.product(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (m * n * k > 10_000) { // only the larger products: the first cases pass
                    c.setAtIndex(ValueLayout.JAVA_FLOAT, 1, c.getAtIndex(ValueLayout.JAVA_FLOAT, 1) + 1e-3f);
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SelfTest.run(on(offByALittle), LIBRARY));
        assertTrue(e.getMessage().contains(LIBRARY), e.getMessage());
        assertTrue(e.getMessage().contains("C[0][1]"), e.getMessage());
        assertEquals(1, records.size());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertTrue(records.get(0).getMessage().contains(LIBRARY), records.get(0).getMessage());
    }

    @Test
    void ignoredTransposeIsRejected() {
        Kernel noTranspose = new JavaKernel() {
            @Override
            void product(int ta, int tb, int m, int n, int k, float alpha, MemorySegment a, int lda,
                         MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
                if (ta == OpenBlasBindings.CblasTrans && m == k) {
                    super.product(OpenBlasBindings.CblasNoTrans, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                } else if (ta == OpenBlasBindings.CblasTrans) {
                    c.fill((byte) 0);
                } else {
                    super.product(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SelfTest.run(on(noTranspose), LIBRARY));
        assertTrue(e.getMessage().contains("transA=true"), e.getMessage());
    }

    @Test
    void writingOutsideCIsRejected() {
        Kernel spills = new JavaKernel() {
            @Override
            void product(int ta, int tb, int m, int n, int k, float alpha, MemorySegment a, int lda,
                         MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
                super.product(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (ldc > n) {
                    c.setAtIndex(ValueLayout.JAVA_FLOAT, n, 0f); // the first padding element
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SelfTest.run(on(spills), LIBRARY));
        assertTrue(e.getMessage().contains("outside C"), e.getMessage());
    }

    @Test
    void keepingNaNWhenBetaIsZeroIsRejected() {
        Kernel scalesOldC = new JavaKernel() {
            @Override
            void product(int ta, int tb, int m, int n, int k, float alpha, MemorySegment a, int lda,
                         MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
                boolean hadNaN = Float.isNaN(c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
                super.product(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (beta == 0 && hadNaN) { // as if C were computed as 0 * C + alpha A B
                    c.setAtIndex(ValueLayout.JAVA_FLOAT, 0, Float.NaN);
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SelfTest.run(on(scalesOldC), LIBRARY));
        assertTrue(e.getMessage().contains("beta=0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("C[0][0] = NaN"), e.getMessage());
    }

    @Test
    void throwingKernelIsRejected() {
        Kernel throwing = new JavaKernel() {
            @Override
            void product(int ta, int tb, int m, int n, int k, float alpha, MemorySegment a, int lda,
                         MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
                throw new IllegalArgumentException("Heap segment not allowed: " + MemorySegment.NULL);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SelfTest.run(on(throwing), LIBRARY));
        assertTrue(e.getMessage().contains("Heap segment not allowed"), e.getMessage());
    }
}
