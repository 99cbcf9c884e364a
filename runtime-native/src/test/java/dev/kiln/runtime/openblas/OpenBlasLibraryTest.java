package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library discovery: the explicit path wins and fails loudly; the system library comes next; the
 * bytedeco jar's copy is extracted once, reused, repaired when damaged, and loaded; with none of them
 * the error lists every reason.
 */
class OpenBlasLibraryTest {

    private static final OpenBlasLibrary.Explicit NONE = null;
    private static final String NO_SUCH_SYSTEM_LIBRARY = "libkiln-no-such-openblas.so.0";

    @TempDir
    Path temp;

    /** A class loader that sees nothing (in particular no bytedeco jar). */
    private static ClassLoader empty() {
        return new URLClassLoader(new URL[0], null);
    }

    @Test
    void explicitPathThatDoesNotExistIsAnErrorNamingIt() {
        var explicit = new OpenBlasLibrary.Explicit("/no/such/dir/libopenblas.so.0",
                "system property " + OpenBlasLibrary.LIBRARY_PROPERTY);
        // even with the system library and the bytedeco jar available: no silent fallback
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpenBlasLibrary.discover(
                explicit, OpenBlasLibrary.SYSTEM_LIBRARY, getClass().getClassLoader(), temp));
        assertTrue(e.getMessage().contains("/no/such/dir/libopenblas.so.0"), e.getMessage());
        assertTrue(e.getMessage().contains("kiln.openblas.library"), e.getMessage());
    }

    @Test
    void explicitPathThatIsATruncatedLibraryIsAnErrorNotACrash() throws IOException {
        // the dynamic loader maps segments as the headers describe them: a truncated file would crash
        // the JVM with SIGBUS inside dlopen, so it is refused before
        Path libm = libm();
        assumeTrue(libm != null, "no libm.so.6 at a known place");
        Path truncated = temp.resolve("libopenblas.so.0");
        byte[] start = new byte[4096];
        try (var in = Files.newInputStream(libm)) {
            Files.write(truncated, Arrays.copyOf(start, in.readNBytes(start, 0, start.length)));
        }
        var explicit = new OpenBlasLibrary.Explicit(truncated.toString(), "system property kiln.openblas.library");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpenBlasLibrary.discover(
                explicit, OpenBlasLibrary.SYSTEM_LIBRARY, getClass().getClassLoader(), temp));
        assertTrue(e.getMessage().contains(truncated + " is truncated"), e.getMessage());
    }

    @Test
    void explicitPathThatIsNotALibraryIsAnErrorNamingIt() throws IOException {
        Path text = Files.writeString(temp.resolve("libopenblas.so.0"), "not a shared library");
        var explicit = new OpenBlasLibrary.Explicit(text.toString(), "environment variable KILN_OPENBLAS_LIBRARY");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpenBlasLibrary.discover(
                explicit, OpenBlasLibrary.SYSTEM_LIBRARY, getClass().getClassLoader(), temp));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("could not be loaded"), e.getMessage());
        assertTrue(e.getMessage().contains("not an ELF shared library"), e.getMessage());
        assertTrue(e.getMessage().contains("KILN_OPENBLAS_LIBRARY"), e.getMessage());
    }

    /** The C math library, a shared library that is not OpenBLAS, or null where it is not at a usual place. */
    private static Path libm() {
        return Stream.of("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6",
                        "/lib/aarch64-linux-gnu/libm.so.6", "/lib64/libm.so.6")
                .map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    @Test
    void explicitPathToAnotherLibraryNamesTheMissingSymbol() {
        Path libm = libm();
        assumeTrue(libm != null, "no libm.so.6 at a known place");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OpenBlasLibrary.fromPath(libm.toString(), "test"));
        assertTrue(e.getMessage().contains("cblas_sgemm"), e.getMessage());
        assertTrue(e.getMessage().contains(libm.toString()), e.getMessage());
    }

    @Test
    void explicitPathToOpenBlasIsUsed() {
        Path file = TestLibraries.any().flatMap(OpenBlasLibrary::path).orElse(null);
        assumeTrue(file != null, "no OpenBLAS on this machine");
        OpenBlasLibrary library = OpenBlasLibrary.discover(new OpenBlasLibrary.Explicit(file.toString(), "test"),
                NO_SUCH_SYSTEM_LIBRARY, empty(), temp);
        assertEquals(OpenBlasLibrary.Source.EXPLICIT_PATH, library.source());
        assertEquals(Optional.of(file), library.path());
        assertTrue(library.config().startsWith("OpenBLAS"), library.config());
    }

    @Test
    void systemLibraryComesBeforeTheJar() {
        assumeTrue(TestLibraries.system().isPresent(), "no system OpenBLAS");
        OpenBlasLibrary library = OpenBlasLibrary.discover(NONE, OpenBlasLibrary.SYSTEM_LIBRARY,
                getClass().getClassLoader(), temp);
        assertEquals(OpenBlasLibrary.Source.SYSTEM, library.source());
        assertEquals(OpenBlasLibrary.SYSTEM_LIBRARY, library.requested());
        // the file the loader chose, found in the process's memory map
        assertTrue(library.path().orElseThrow().getFileName().toString().startsWith("libopenblas"),
                library.path().toString());
        assertTrue(library.toString().contains("libopenblas.so.0 from the dynamic loader"), library.toString());
        try (var entries = Files.list(temp)) {
            assertEquals(0, entries.count(), "nothing is extracted when the system library is there");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void withoutASystemLibraryTheJarsCopyIsExtractedAndLoaded() throws IOException {
        assumeTrue(TestLibraries.bytedecoJarPresent(), "no org.bytedeco:openblas jar for this platform");
        // the tests' cache, not a fresh folder: a second extraction would load a second copy into this JVM
        OpenBlasLibrary library = OpenBlasLibrary.discover(NONE, NO_SUCH_SYSTEM_LIBRARY,
                getClass().getClassLoader(), TestLibraries.CACHE);
        assertEquals(OpenBlasLibrary.Source.BYTEDECO_JAR, library.source());
        assertEquals("0.3.28", library.version());
        Path folder = TestLibraries.CACHE.resolve("openblas-0.3.28-1.5.11-linux-x86_64");
        assertEquals(folder.resolve("libopenblas.so.0").toString(), library.requested());
        assertEquals(Optional.of(folder.resolve("libopenblas.so.0")), library.path());
        try (var entries = Files.list(folder)) {
            assertEquals(List.of("libgcc_s.so.1", "libgfortran.so.5", "libopenblas.so.0", "libquadmath.so.0"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left");
        }
        // it computes: the self-test passes on it
        SelfTest.run(new OpenBlas(library, Kernel.of(library.bindings()), OpenBlas.CRITICAL_MAX_WORK),
                library.location());
    }

    @Test
    void extractionReusesIntactFilesAndRewritesDamagedOnes() throws IOException {
        assumeTrue(TestLibraries.bytedecoJarPresent(), "no org.bytedeco:openblas jar for this platform");
        List<Path> files = BytedecoJar.extract(getClass().getClassLoader(), temp);
        assertEquals(BytedecoJar.LIBRARIES, files.stream().map(p -> p.getFileName().toString()).toList());
        Path openblas = files.get(3);
        Path gfortran = files.get(2);
        long crc = BytedecoJar.crc32(openblas);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        for (Path file : files) {
            Files.setLastModifiedTime(file, old);
        }

        // intact: reused as they are
        assertEquals(files, BytedecoJar.extract(getClass().getClassLoader(), temp));
        for (Path file : files) {
            assertEquals(old, Files.getLastModifiedTime(file), file + " was rewritten");
        }

        // same size, one byte changed: detected by the CRC and rewritten
        byte[] bytes = Files.readAllBytes(openblas);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(openblas, bytes);
        assertNotEquals(crc, BytedecoJar.crc32(openblas));
        // truncated: detected by the size
        Files.write(gfortran, new byte[10]);
        BytedecoJar.extract(getClass().getClassLoader(), temp);
        assertEquals(crc, BytedecoJar.crc32(openblas));
        assertTrue(Files.size(gfortran) > 1_000_000, "libgfortran.so.5 was not restored");
        assertEquals(old, Files.getLastModifiedTime(files.get(0)), "an intact file was rewritten");
    }

    @Test
    void unwritableCacheIsAnErrorNamingIt() throws IOException {
        assumeTrue(TestLibraries.bytedecoJarPresent(), "no org.bytedeco:openblas jar for this platform");
        Path blocked = Files.writeString(temp.resolve("blocked"), "a file where the cache folder should be");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BytedecoJar.extract(getClass().getClassLoader(), blocked));
        assertTrue(e.getMessage().contains(blocked.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("kiln.native.cache"), e.getMessage());
    }

    @Test
    void withNothingTheErrorListsEveryReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OpenBlasLibrary.discover(NONE, NO_SUCH_SYSTEM_LIBRARY, empty(), temp));
        assertTrue(e.getMessage().contains("system library " + NO_SUCH_SYSTEM_LIBRARY), e.getMessage());
        assertTrue(e.getMessage().contains("org.bytedeco:openblas jar: not on the class path"), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
    }

    @Test
    void defaultCacheRootFollowsThePropertyThenXdgThenHome() {
        String saved = System.getProperty(BytedecoJar.CACHE_PROPERTY);
        try {
            System.setProperty(BytedecoJar.CACHE_PROPERTY, temp.toString());
            assertEquals(temp, BytedecoJar.defaultCacheRoot());
            System.clearProperty(BytedecoJar.CACHE_PROPERTY);
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path expected = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                    ? Path.of(xdg, "kiln", "native")
                    : Path.of(System.getProperty("user.home"), ".cache", "kiln", "native");
            assertEquals(expected, BytedecoJar.defaultCacheRoot());
        } finally {
            if (saved == null) {
                System.clearProperty(BytedecoJar.CACHE_PROPERTY);
            } else {
                System.setProperty(BytedecoJar.CACHE_PROPERTY, saved);
            }
        }
    }

    @Test
    void mappedFileReadsProcMapsLines() {
        String line = "7f3c1a200000-7f3c1a400000 r-xp 00000000 08:01 1234      /usr/lib/libopenblas.so.0";
        assertEquals(Optional.of(Path.of("/usr/lib/libopenblas.so.0")),
                OpenBlasLibrary.LoadedFiles.mappedFile(line, 0x7f3c1a300000L));
        assertEquals(Optional.empty(), OpenBlasLibrary.LoadedFiles.mappedFile(line, 0x7f3c1a400000L));
        assertEquals(Optional.empty(), OpenBlasLibrary.LoadedFiles.mappedFile(
                "7f3c1a200000-7f3c1a400000 rw-p 00000000 00:00 0 ", 0x7f3c1a300000L));
        assertEquals(Optional.of(Path.of("/tmp/x.so")), OpenBlasLibrary.LoadedFiles.mappedFile(
                "1000-2000 r-xp 00000000 08:01 1 /tmp/x.so (deleted)", 0x1800));
        assertFalse(OpenBlasLibrary.LoadedFiles.fileContaining(MemorySegment.ofAddress(0)).isPresent());
    }
}
