package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The backend is registered for {@link ServiceLoader} and chosen by {@link Blases} when this process has
 * an OpenBLAS; without one, its constructor throws and the Java kernels are chosen.
 */
class OpenBlasServiceTest {

    /** Whether this process's own discovery (properties, environment, system) finds a library. */
    private static boolean processHasOpenBlas() {
        try {
            new OpenBlas();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Test
    void isRegisteredAsABlasProvider() throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/services/" + Blas.class.getName())) {
            assertTrue(in != null, "no service file");
            String services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(services.lines().anyMatch(line -> line.strip().equals(OpenBlas.class.getName())), services);
        }
    }

    @Test
    void serviceLoaderFindsItWhenALibraryIsThere() {
        if (processHasOpenBlas()) {
            List<Blas> found = ServiceLoader.load(Blas.class).stream().map(ServiceLoader.Provider::get).toList();
            assertTrue(found.stream().anyMatch(blas -> blas instanceof OpenBlas && blas.name().equals("openblas")),
                    found.toString());
        } else {
            // the provider is listed, but instantiating it fails, which Blases skips
            assertThrows(ServiceConfigurationError.class,
                    () -> ServiceLoader.load(Blas.class).stream().map(ServiceLoader.Provider::get).toList());
        }
    }

    @Test
    void blasesChoosesItWhenALibraryIsThereAndJavaOtherwise() {
        assumeTrue(System.getProperty(Blases.PROPERTY) == null && System.getenv(Blases.ENVIRONMENT_VARIABLE) == null,
                "a backend is forced for this run");
        assertEquals(processHasOpenBlas() ? OpenBlas.NAME : "java", Blases.get().name());
    }

    @Test
    void constructingAgainReusesTheOutcome() {
        if (processHasOpenBlas()) {
            assertTrue(new OpenBlas().library() == new OpenBlas().library(), "the library is loaded once");
        } else {
            IllegalStateException first = assertThrows(IllegalStateException.class, OpenBlas::new);
            IllegalStateException second = assertThrows(IllegalStateException.class, OpenBlas::new);
            assertEquals(first.getMessage(), second.getMessage());
        }
    }

    @Test
    void threadsCanBeReadAndSet() {
        assumeTrue(processHasOpenBlas(), "no OpenBLAS on this machine");
        OpenBlas blas = new OpenBlas();
        int before = blas.threads();
        assertTrue(before >= 1, "threads = " + before);
        try {
            blas.setThreads(1);
            assertEquals(1, blas.threads());
        } finally {
            blas.setThreads(before);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> blas.setThreads(0));
        assertTrue(e.getMessage().contains("threads = 0"), e.getMessage());
    }

    @Test
    void threadsPropertyIsAppliedOrRejectedByName() {
        assumeTrue(processHasOpenBlas(), "no OpenBLAS on this machine");
        OpenBlas blas = new OpenBlas();
        int before = blas.threads();
        try {
            OpenBlas.applyThreads(blas.library(), " 1 ");
            assertEquals(1, blas.threads());
            OpenBlas.applyThreads(blas.library(), null);
            assertEquals(1, blas.threads(), "unset leaves it");
            for (String bad : List.of("0", "-2", "two", "1.5")) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> OpenBlas.applyThreads(blas.library(), bad));
                assertTrue(e.getMessage().contains("kiln.openblas.threads = '" + bad + "'"), e.getMessage());
            }
        } finally {
            blas.setThreads(before);
        }
    }

    @Test
    void oneThreadUnlessThePropertySaysOtherwise() {
        assertEquals("1", OpenBlas.threadSetting(null));
        assertEquals("1", OpenBlas.threadSetting(" "));
        assertEquals("2", OpenBlas.threadSetting("2"));
    }

    @Test
    void alphaZeroReadsNeitherAnorB() {
        assumeTrue(processHasOpenBlas(), "no OpenBLAS here");
        float[] a = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        float[] c = {2, 4, 6, 8};
        new OpenBlas().sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
    }
}
