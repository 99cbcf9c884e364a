package dev.kiln.runtime.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link Blases} chooses a backend. */
class BlasesTest {

    /** A stand-in for a native backend; it computes nothing. */
    private record Named(String name) implements Blas {
        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta,
                          MemorySegment c, long cOffset, int ldc) {
            throw new UnsupportedOperationException();
        }
    }

    private static final Blas OPENBLAS = new Named("openblas");
    private static final Blas CUBLAS = new Named("cublas");

    @Test
    void withNothingDiscoveredTheJavaBackendIsChosen() {
        assertInstanceOf(JavaBlas.class, Blases.select(null, List.of()));
    }

    @Test
    void theFirstDiscoveredBackendOtherThanJavaIsChosen() {
        assertSame(OPENBLAS, Blases.select(null, List.of(new JavaBlas(), OPENBLAS, CUBLAS)));
    }

    @Test
    void aRequestedBackendIsChosenByName() {
        assertSame(CUBLAS, Blases.select("cublas", List.of(OPENBLAS, CUBLAS)));
        assertInstanceOf(JavaBlas.class, Blases.select(" java ", List.of(OPENBLAS)));
    }

    @Test
    void aBlankRequestIsNoRequest() {
        assertSame(OPENBLAS, Blases.select("  ", List.of(OPENBLAS)));
    }

    @Test
    void anUnknownRequestListsTheAvailableBackends() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Blases.select("mkl", List.of(OPENBLAS)));

        assertEquals("Kiln BLAS backend 'mkl' (from kiln.blas or KILN_BLAS) is not available; available: java,"
                + " openblas", e.getMessage());
    }

    @Test
    void theLogNamesTheJavaKernel() {
        assertEquals("openblas", Blases.describe(OPENBLAS));
        assertEquals("java (vector kernel)", Blases.describe(new JavaBlas())); // tests run with the module
        assertEquals("java (scalar kernel)", Blases.describe(
                new JavaBlas(JavaBlas.scalarKernel(), JavaBlas.TINY, JavaBlas.KERNEL_ROW_PATH)));
    }

    @Test
    void theProcessWideChoiceIsMadeOnce() {
        assertSame(Blases.get(), Blases.get());
    }

    @Test
    void aRequestThatCannotBeMetSaysWhyTheBackendsFailed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Blases.select("openblas", List.of(), List.of("libopenblas.so.0: cannot open shared object file")));
        assertEquals("Kiln BLAS backend 'openblas' (from kiln.blas or KILN_BLAS) is not available; available: java;"
                + " backends that failed to load: libopenblas.so.0: cannot open shared object file", e.getMessage());
    }

    @Test
    void theThreadCountComesFromThePropertyThenTheEnvironmentThenIsOne() {
        assertEquals(1, Blases.threads(null, java.util.Arrays.asList(null, null, null)));
        assertEquals(2, Blases.threads(" 2 ", java.util.Arrays.asList("3", "4", "5")));
        assertEquals(3, Blases.threads("", java.util.Arrays.asList("3", "4", "5")));
        assertEquals(4, Blases.threads(null, java.util.Arrays.asList(null, "4", "5")));
        assertEquals(5, Blases.threads(null, java.util.Arrays.asList(null, " ", "5")));
    }

    @Test
    void aThreadCountThatIsNotAPositiveNumberIsAnErrorNamingTheSetting() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Blases.threads(null, java.util.Arrays.asList(null, "two", null)));
        assertEquals("OPENBLAS_NUM_THREADS = 'two' is not a positive whole number of threads; "
                + "e.g. OPENBLAS_NUM_THREADS=2", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Blases.threads("0", java.util.Arrays.asList(null, null, null)));
    }

    @Test
    void theLogNamesTheSplittingAndItsInnerBackend() {
        SplitBlas split = new SplitBlas(OPENBLAS, 2, 2_000_000);
        assertEquals("openblas, 2 threads (products of at least 2.0 MFLOP shared)", Blases.describe(split));
    }
}
