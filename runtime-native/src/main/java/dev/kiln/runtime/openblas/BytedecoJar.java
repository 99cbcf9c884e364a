package dev.kiln.runtime.openblas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * The OpenBLAS shipped in Maven Central's {@code org.bytedeco:openblas:<version>:jar:linux-x86_64}
 * (resources under {@value #RESOURCES}), and its extraction to a per-user cache directory.
 *
 * <p>The jar's libraries are extracted to {@code <cache root>/openblas-<version>-linux-x86_64/}, where the
 * cache root is the system property {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/kiln/native},
 * else {@code ~/.cache/kiln/native}. A file already there is reused when its size and CRC-32 match the
 * jar entry's; otherwise it is written to a temporary file in the same directory, checked, and renamed
 * over the old one atomically, so that processes extracting at the same time never see a partial file.
 * The libraries are loaded in {@link #LIBRARIES} order: each later one needs the earlier ones, and the
 * dynamic loader resolves those by their names from the libraries already loaded.
 */
final class BytedecoJar {

    /** The system property that replaces the cache root. */
    static final String CACHE_PROPERTY = OpenBlasLibrary.CACHE_PROPERTY;

    /** The folder of the jar that holds the shared libraries. */
    static final String RESOURCES = "org/bytedeco/openblas/linux-x86_64/";

    /** The jar's libraries, in the order they must be loaded: OpenBLAS needs the Fortran runtime, which needs the other two. */
    static final List<String> LIBRARIES =
            List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");

    private static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/openblas/pom.properties";

    private BytedecoJar() {
    }

    /**
     * The cache root of this process: {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/kiln/native},
     * else {@code ~/.cache/kiln/native}.
     */
    static Path defaultCacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "kiln", "native");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            throw new IllegalStateException("no cache directory: user.home is not set; set " + CACHE_PROPERTY);
        }
        return Path.of(home, ".cache", "kiln", "native");
    }

    /**
     * The jar's libraries as files, in loading order: extracted under {@code cacheRoot} (or reused from
     * there) when the resources are in a jar, or in place when they are plain files.
     *
     * @throws IllegalStateException when the resources are missing or a file cannot be written, naming it
     */
    static List<Path> extract(ClassLoader loader, Path cacheRoot) {
        String marker = RESOURCES + LIBRARIES.getLast();
        URL url = resource(loader, marker);
        if (url == null) {
            throw new IllegalStateException("not on the class path (no resource " + marker + ")");
        }
        try {
            return switch (url.getProtocol()) {
                case "file" -> inPlace(Path.of(url.toURI()).getParent());
                case "jar" -> fromJar((JarURLConnection) url.openConnection(), cacheRoot);
                default -> throw new IllegalStateException("resource " + url + " is neither a file nor in a jar");
            };
        } catch (IOException e) {
            throw new IllegalStateException("could not read " + url + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("resource URL " + url + " is not a file path", e);
        }
    }

    private static URL resource(ClassLoader loader, String name) {
        return loader == null ? ClassLoader.getSystemResource(name) : loader.getResource(name);
    }

    private static List<Path> inPlace(Path folder) {
        List<Path> files = new ArrayList<>();
        for (String name : LIBRARIES) {
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is missing next to " + folder.resolve(LIBRARIES.getLast()));
            }
            files.add(file);
        }
        return files;
    }

    private static List<Path> fromJar(JarURLConnection connection, Path cacheRoot) throws IOException {
        connection.setUseCaches(false);
        URL jarUrl = connection.getJarFileURL();
        try (JarFile jar = connection.getJarFile()) {
            Path folder = cacheRoot.resolve("openblas-" + version(jar) + "-linux-x86_64");
            createFolder(folder);
            List<Path> files = new ArrayList<>();
            for (String name : LIBRARIES) {
                JarEntry entry = jar.getJarEntry(RESOURCES + name);
                if (entry == null) {
                    throw new IllegalStateException(jarUrl + " has no " + RESOURCES + name);
                }
                Path file = folder.resolve(name);
                if (!intact(file, entry.getSize(), entry.getCrc())) {
                    write(jar, entry, file, jarUrl);
                }
                files.add(file);
            }
            return files;
        }
    }

    /** The jar's Maven version, e.g. {@code 0.3.28-1.5.11}, as a safe folder name; else the library's CRC. */
    private static String version(JarFile jar) throws IOException {
        JarEntry entry = jar.getJarEntry(POM_PROPERTIES);
        if (entry != null) {
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "");
            if (version.matches("[A-Za-z0-9._-]+") && !version.startsWith(".")) {
                return version;
            }
        }
        JarEntry library = jar.getJarEntry(RESOURCES + LIBRARIES.getLast());
        return "crc" + Long.toHexString(library == null ? 0 : library.getCrc());
    }

    private static void createFolder(Path folder) {
        try {
            if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
                Files.createDirectories(folder, ownerOnly);
            } else {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not create the cache directory " + folder + " ("
                    + e + "); set " + CACHE_PROPERTY + " to a writable directory", e);
        }
    }

    /** Whether {@code file} exists with the given size and CRC-32 (never when either is unknown). */
    static boolean intact(Path file, long size, long crc) {
        if (size < 0 || crc < 0 || !Files.isRegularFile(file)) {
            return false;
        }
        try {
            return Files.size(file) == size && crc32(file) == crc;
        } catch (IOException e) {
            return false;
        }
    }

    static long crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return crc.getValue();
    }

    /** Writes {@code entry} to a temporary file next to {@code file}, checks it, and renames it to {@code file}. */
    private static void write(JarFile jar, JarEntry entry, Path file, URL jarUrl) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
            CRC32 crc = new CRC32();
            long size = 0;
            try (InputStream in = jar.getInputStream(entry); OutputStream out = Files.newOutputStream(temporary)) {
                byte[] buffer = new byte[1 << 16];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    crc.update(buffer, 0, read);
                    size += read;
                }
            }
            if ((entry.getSize() >= 0 && size != entry.getSize()) || (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc())) {
                throw new IOException("the extracted copy does not match the jar entry (size " + size + " vs "
                        + entry.getSize() + ", CRC " + Long.toHexString(crc.getValue()) + " vs "
                        + Long.toHexString(entry.getCrc()) + ")");
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("could not extract " + entry.getName() + " from " + jarUrl + " to "
                    + file + ": " + e.getMessage() + "; set " + CACHE_PROPERTY + " to a writable directory", e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless: the next extraction writes a new one
                }
            }
        }
    }
}
