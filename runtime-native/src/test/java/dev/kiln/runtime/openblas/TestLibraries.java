package dev.kiln.runtime.openblas;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The OpenBLAS libraries the tests can use in this process, each loaded once: the system's, when
 * installed, and the copy in the {@code org.bytedeco:openblas} test dependency, extracted under
 * {@code target/}. On a machine with neither, tests that need a library are skipped.
 */
final class TestLibraries {

    /** Where the tests extract the bytedeco jar's libraries (not the user's cache). */
    static final Path CACHE = Path.of("target", "kiln-native-cache").toAbsolutePath();

    private static Optional<OpenBlasLibrary> system;
    private static Optional<OpenBlasLibrary> bytedeco;

    private TestLibraries() {
    }

    /** The system's {@code libopenblas.so.0}, if the dynamic loader finds one. */
    static synchronized Optional<OpenBlasLibrary> system() {
        if (system == null) {
            try {
                system = Optional.of(OpenBlasLibrary.fromSystem(OpenBlasLibrary.SYSTEM_LIBRARY));
            } catch (RuntimeException e) {
                system = Optional.empty();
            }
        }
        return system;
    }

    /** The bytedeco jar's copy, on Linux x86-64 when the jar is on the class path. */
    static synchronized Optional<OpenBlasLibrary> bytedeco() {
        if (bytedeco == null) {
            try {
                bytedeco = Optional.of(OpenBlasLibrary.fromBytedecoJar(TestLibraries.class.getClassLoader(), CACHE));
            } catch (RuntimeException e) {
                bytedeco = Optional.empty(); // another platform, or the jar is left off the class path
            }
        }
        return bytedeco;
    }

    /** Whether the bytedeco jar is on the test class path and this platform is the one it is for. */
    static boolean bytedecoJarPresent() {
        return linuxX64() && TestLibraries.class.getClassLoader()
                .getResource(BytedecoJar.RESOURCES + "libopenblas.so.0") != null;
    }

    static boolean linuxX64() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** A library for a test that needs one: the system's if any, else the bytedeco copy. */
    static Optional<OpenBlasLibrary> any() {
        return system().or(TestLibraries::bytedeco);
    }

    /** The names of the available libraries, for parameterized tests ({@code none} when there is none). */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        if (system().isPresent()) {
            names.add("system");
        }
        if (bytedeco().isPresent()) {
            names.add("bytedeco");
        }
        if (names.isEmpty()) {
            names.add("none");
        }
        return names;
    }

    /** The library of a name from {@link #names()}. */
    static Optional<OpenBlasLibrary> named(String name) {
        return switch (name) {
            case "system" -> system();
            case "bytedeco" -> bytedeco();
            default -> Optional.empty();
        };
    }
}
