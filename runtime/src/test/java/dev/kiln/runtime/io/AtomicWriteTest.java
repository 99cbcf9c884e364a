package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writing replaces a file atomically: a failure at any byte, of the disk or of the caller's data,
 * leaves the previous file exactly as it was and no temporary file behind.
 */
class AtomicWriteTest {

    /** The new content: a header of 120 bytes (8 + 112) and 18 floats, 192 bytes in all. */
    private static final List<Tensor> NEW = List.of(Tensor.of("w", new float[16], 4, 4), Tensor.of("b", new float[2], 2));

    @TempDir
    Path directory;

    @Test
    void replacesAnExistingFileAndLeavesNothingElse() throws IOException {
        Path path = directory.resolve("weights.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("old", new float[] {1f}, 1)), Map.of());

        SafeTensors.write(path, NEW, Map.of());

        assertEquals(NEW, SafeTensors.read(path).tensors());
        assertEquals(List.of(path), list());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 119, 120, 150, 191})
    void aDiskThatFailsPartWayLeavesTheOldFileIntact(int failAfter) throws IOException {
        Path path = directory.resolve("weights.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("old", new float[] {1f, 2f}, 2)), Map.of("v", "1"));
        byte[] old = Files.readAllBytes(path);
        List<List<Path>> seen = new ArrayList<>();

        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(path, NEW, Map.of(),
                failingAfter(failAfter, () -> seen.add(list()))));

        assertEquals("No space left on device", e.getMessage());
        assertArrayEquals(old, Files.readAllBytes(path));
        assertEquals(List.of(path), list());
        // the new content was going to a temporary file beside the target, not to the target
        assertEquals(2, seen.getFirst().size(), seen.toString());
        assertTrue(seen.getFirst().get(0).getFileName().toString().matches("\\.weights\\.safetensors\\.[0-9a-f]+\\.tmp"),
                seen.toString());
    }

    @Test
    void aFailureOfTheCallersDataLeavesTheOldFileIntact() throws IOException {
        Path path = directory.resolve("weights.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("old", new float[] {1f}, 1)), Map.of());
        byte[] old = Files.readAllBytes(path);

        assertThrows(IllegalStateException.class, () -> SafeTensors.write(path, NEW, Map.of(), channel -> {
            throw new IllegalStateException("the data went away");
        }));

        assertArrayEquals(old, Files.readAllBytes(path));
        assertEquals(List.of(path), list());
    }

    @Test
    void aFailedFirstWriteCreatesNoFile() {
        Path path = directory.resolve("new.safetensors");

        assertThrows(IOException.class, () -> SafeTensors.write(path, NEW, Map.of(), failingAfter(70, () -> { })));

        assertFalse(Files.exists(path));
        assertEquals(List.of(), list());
    }

    @Test
    void aTargetThatCannotBeReplacedIsLeftAlone() throws IOException {
        Path target = Files.createDirectory(directory.resolve("taken.safetensors"));
        Files.writeString(target.resolve("inside"), "kept");

        assertThrows(IOException.class, () -> SafeTensors.write(target, NEW, Map.of()));

        assertTrue(Files.isDirectory(target));
        assertEquals("kept", Files.readString(target.resolve("inside")));
        assertEquals(List.of(target), list());
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path path = directory.resolve("nowhere").resolve("w.safetensors");

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SafeTensors.write(path, NEW, Map.of()));

        assertEquals(directory.resolve("nowhere") + ": the directory to write w.safetensors in does not exist",
                e.getMessage());
    }

    @Test
    void theFileGetsTheUsualPermissionsNotThoseOfATemporaryFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path path = directory.resolve("weights.safetensors");
        Path plain = Files.createFile(directory.resolve("plain"));

        SafeTensors.write(path, NEW, Map.of());

        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(path));
    }

    /** A channel wrapper that passes {@code limit} bytes through, then runs {@code atFailure} and fails as a full disk. */
    private static UnaryOperator<WritableByteChannel> failingAfter(long limit, Runnable atFailure) {
        return channel -> new WritableByteChannel() {
            private long written;

            @Override
            public int write(ByteBuffer source) throws IOException {
                if (written >= limit) {
                    atFailure.run();
                    throw new IOException("No space left on device");
                }
                int length = (int) Math.min(source.remaining(), limit - written);
                int done = channel.write(source.slice().limit(length));
                source.position(source.position() + done);
                written += done;
                return done;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private List<Path> list() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> !p.getFileName().toString().equals("plain")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
