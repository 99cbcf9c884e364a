package dev.kiln.runtime.openblas;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One loaded OpenBLAS library and where it came from. {@link #discover()} finds it, in this order:
 * <ol>
 *   <li>{@linkplain Source#EXPLICIT_PATH an explicit path}: the system property {@value #LIBRARY_PROPERTY}
 *       or, when that is unset, the environment variable {@value #LIBRARY_ENVIRONMENT_VARIABLE}. When one
 *       is set, it is the only source tried: a path that does not load is an error naming it;</li>
 *   <li>{@linkplain Source#SYSTEM the system library} {@value #SYSTEM_LIBRARY}, found by the dynamic
 *       loader (on Debian and Ubuntu, package {@code libopenblas0-pthread});</li>
 *   <li>{@linkplain Source#BYTEDECO_JAR the copy inside} {@code org.bytedeco:openblas:<version>:jar:linux-x86_64}
 *       when that jar is on the class path, extracted once to a per-user cache directory: the system
 *       property {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/kiln/native}, else
 *       {@code ~/.cache/kiln/native}, in a folder named after the jar's version. A file already there is
 *       reused when its size and CRC-32 match the jar's; otherwise it is rewritten (to a temporary file,
 *       then renamed);</li>
 *   <li>otherwise none: {@link #discover()} throws, listing why each source failed.</li>
 * </ol>
 * Nothing is ever downloaded. A library, once loaded, stays loaded until the process exits (its worker
 * threads must never outlive its code).
 */
@SuppressWarnings("restricted") // loading native libraries is what this class is for
public final class OpenBlasLibrary {

    /** The system property naming the OpenBLAS shared library to load, e.g. {@code /opt/openblas/lib/libopenblas.so.0}. */
    public static final String LIBRARY_PROPERTY = "kiln.openblas.library";

    /** The environment variable naming the library when {@value #LIBRARY_PROPERTY} is unset. */
    public static final String LIBRARY_ENVIRONMENT_VARIABLE = "KILN_OPENBLAS_LIBRARY";

    /** The system property that replaces the cache root where the bytedeco jar's libraries are extracted. */
    public static final String CACHE_PROPERTY = "kiln.native.cache";

    /** The name the dynamic loader is asked for (the library's soname on Linux). */
    static final String SYSTEM_LIBRARY = "libopenblas.so.0";

    /** Where a library came from. */
    public enum Source {
        /** The path given by {@value OpenBlasLibrary#LIBRARY_PROPERTY} or {@value OpenBlasLibrary#LIBRARY_ENVIRONMENT_VARIABLE}. */
        EXPLICIT_PATH,
        /**
         * The library the dynamic loader returned for the name {@value OpenBlasLibrary#SYSTEM_LIBRARY}: the
         * system's, or one with that name already loaded into the process (which is then shared).
         */
        SYSTEM,
        /** The copy shipped in the {@code org.bytedeco:openblas} jar, extracted to the cache directory. */
        BYTEDECO_JAR
    }

    private static final Pattern VERSION = Pattern.compile("OpenBLAS\\s+(\\d+(?:\\.\\d+)*)");

    private final Source source;
    private final String requested;
    private final Path path;
    private final OpenBlasBindings bindings;
    private final String config;
    private final String coreName;

    private OpenBlasLibrary(Source source, String requested, SymbolLookup lookup) {
        this.source = source;
        this.requested = requested;
        this.bindings = new OpenBlasBindings(lookup, requested);
        this.config = bindings.openblas_get_config();
        this.coreName = bindings.openblas_get_corename();
        if (config.contains("USE64BITINT")) {
            throw new IllegalArgumentException(requested + " is an OpenBLAS built with 64-bit integers ("
                    + config + "); Kiln calls the 32-bit integer interface, use a build without INTERFACE64");
        }
        this.path = LoadedFiles.fileContaining(bindings.cblasSgemmAddress()).orElse(null);
    }

    /** Where this library came from. */
    public Source source() {
        return source;
    }

    /**
     * The file the library was loaded from, when the process's memory map tells it (Linux); for a system
     * library this is the file the loader chose, e.g. {@code /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0}.
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The path or name that was asked for: the explicit path, {@value #SYSTEM_LIBRARY}, or the extracted file. */
    public String requested() {
        return requested;
    }

    /** The file when known, else what was asked for: the best name for this library in a message. */
    public String location() {
        return path != null ? path.toString() : requested;
    }

    /** The build configuration reported by {@code openblas_get_config()}, e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64}. */
    public String config() {
        return config;
    }

    /** The library's version from {@link #config()}, e.g. {@code 0.3.21}, or {@code unknown}. */
    public String version() {
        Matcher matcher = VERSION.matcher(config);
        return matcher.find() ? matcher.group(1) : "unknown";
    }

    /** The CPU kernel set the library chose, from {@code openblas_get_corename()}, e.g. {@code Zen}. */
    public String coreName() {
        return coreName;
    }

    OpenBlasBindings bindings() {
        return bindings;
    }

    /** A line for logs: the file, the source and the configuration. */
    @Override
    public String toString() {
        String from = switch (source) {
            case EXPLICIT_PATH -> "explicit path";
            case SYSTEM -> SYSTEM_LIBRARY + " from the dynamic loader";
            case BYTEDECO_JAR -> "extracted from the org.bytedeco:openblas jar";
        };
        return location() + " (" + from + "): " + config + ", core " + coreName;
    }

    // --- discovery -----------------------------------------------------------------------------------

    /**
     * Finds and loads OpenBLAS from the sources above, with this process's system properties and
     * environment.
     *
     * @return the library, loaded
     * @throws IllegalStateException if an explicit path is set and does not load (naming it), or if no
     *     source has the library (listing each source's reason, with their causes as suppressed exceptions)
     */
    public static OpenBlasLibrary discover() {
        return discover(explicitSetting(), SYSTEM_LIBRARY, OpenBlasLibrary.class.getClassLoader(), null);
    }

    /** An explicit library path and the setting it came from. */
    record Explicit(String value, String origin) {
    }

    /** The explicit path setting of this process, or null when neither the property nor the variable is set. */
    static Explicit explicitSetting() {
        String value = System.getProperty(LIBRARY_PROPERTY);
        if (value != null && !value.isBlank()) {
            return new Explicit(value.strip(), "system property " + LIBRARY_PROPERTY);
        }
        value = System.getenv(LIBRARY_ENVIRONMENT_VARIABLE);
        if (value != null && !value.isBlank()) {
            return new Explicit(value.strip(), "environment variable " + LIBRARY_ENVIRONMENT_VARIABLE);
        }
        return null;
    }

    /**
     * Discovery with its inputs given: {@code explicit} (or null), the soname for the system source, the
     * class loader that may hold the bytedeco jar, and the cache root (null: the default one).
     */
    static OpenBlasLibrary discover(Explicit explicit, String systemName, ClassLoader loader, Path cacheRoot) {
        if (explicit != null) {
            return fromPath(explicit.value(), explicit.origin());
        }
        List<String> reasons = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        try {
            return fromSystem(systemName);
        } catch (RuntimeException e) {
            reasons.add("system library " + systemName + ": " + e.getMessage());
            causes.add(e);
        }
        try {
            return fromBytedecoJar(loader, cacheRoot);
        } catch (RuntimeException e) {
            reasons.add("org.bytedeco:openblas jar: " + e.getMessage());
            causes.add(e);
        }
        IllegalStateException unavailable = new IllegalStateException("OpenBLAS is not available: "
                + String.join("; ", reasons) + ". Install it (Debian/Ubuntu: apt-get install libopenblas0-pthread), "
                + "add org.bytedeco:openblas:jar:linux-x86_64 to the class path, or set " + LIBRARY_PROPERTY);
        causes.forEach(unavailable::addSuppressed);
        throw unavailable;
    }

    /**
     * Loads the library at an explicit path.
     *
     * @param value  the path as given
     * @param origin the setting it came from, for the message
     * @throws IllegalStateException naming the path and the setting when it does not load
     */
    static OpenBlasLibrary fromPath(String value, String origin) {
        Path path;
        try {
            path = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalStateException("OpenBLAS library path '" + value + "' (from " + origin
                    + ") is not a valid path: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("OpenBLAS library " + path + " (from " + origin
                    + ") does not exist or is not a file");
        }
        try {
            ElfFile.requireComplete(path, System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"));
            return new OpenBlasLibrary(Source.EXPLICIT_PATH, path.toString(),
                    SymbolLookup.libraryLookup(path, Arena.global()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("OpenBLAS library " + path + " (from " + origin
                    + ") could not be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the library the dynamic loader finds under {@code name}.
     *
     * @throws IllegalArgumentException when it finds none, or the library is not a usable OpenBLAS
     */
    static OpenBlasLibrary fromSystem(String name) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(name, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not found by the dynamic loader (" + e.getMessage() + ")", e);
        }
        return new OpenBlasLibrary(Source.SYSTEM, name, lookup);
    }

    /**
     * Loads the library shipped in the {@code org.bytedeco:openblas} jar visible to {@code loader}, after
     * extracting it, when needed, under {@code cacheRoot} (null: the default cache root).
     *
     * @throws IllegalStateException when the jar is not there, this platform has no copy in it, or the
     *     copy cannot be extracted or loaded (naming the file)
     */
    static OpenBlasLibrary fromBytedecoJar(ClassLoader loader, Path cacheRoot) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("only its linux-x86_64 copy is supported, and this is "
                    + os + "/" + arch);
        }
        Path root = cacheRoot != null ? cacheRoot : BytedecoJar.defaultCacheRoot();
        List<Path> files = BytedecoJar.extract(loader, root);
        SymbolLookup lookup = null;
        for (Path file : files) {
            try {
                lookup = SymbolLookup.libraryLookup(file, Arena.global());
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not load " + file + ": " + e.getMessage(), e);
            }
        }
        Path openblas = files.getLast();
        return new OpenBlasLibrary(Source.BYTEDECO_JAR, openblas.toString(), lookup);
    }

    /** Which mapped file of this process holds a native address (from {@code /proc/self/maps}). */
    static final class LoadedFiles {

        private LoadedFiles() {
        }

        /** The file mapped at {@code address}, if this is Linux and the address is in a mapped file. */
        static Optional<Path> fileContaining(MemorySegment address) {
            Path maps = Path.of("/proc/self/maps");
            if (!Files.isReadable(maps)) {
                return Optional.empty();
            }
            long target = address.address();
            try (var lines = Files.lines(maps)) {
                return lines.map(line -> mappedFile(line, target)).flatMap(Optional::stream).findFirst();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** The path of a {@code /proc/self/maps} line whose range holds {@code target}. */
        static Optional<Path> mappedFile(String line, long target) {
            // 7f3c1a200000-7f3c1a400000 r-xp 00000000 08:01 1234   /usr/lib/.../libopenblas.so.0
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length < 6 || !fields[5].startsWith("/")) {
                return Optional.empty();
            }
            int dash = fields[0].indexOf('-');
            if (dash < 0) {
                return Optional.empty();
            }
            long start = Long.parseUnsignedLong(fields[0], 0, dash, 16);
            long end = Long.parseUnsignedLong(fields[0], dash + 1, fields[0].length(), 16);
            if (Long.compareUnsigned(target, start) < 0 || Long.compareUnsigned(target, end) >= 0) {
                return Optional.empty();
            }
            String file = fields[5].endsWith(" (deleted)")
                    ? fields[5].substring(0, fields[5].length() - " (deleted)".length()) : fields[5];
            return Optional.of(Path.of(file));
        }
    }
}
