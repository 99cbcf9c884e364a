package dev.kiln.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Idx;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FashionMnist}: where it looks, what it says when the data is missing, and loading small files written here. */
class FashionMnistTest {

    @TempDir
    Path directory;

    @Test
    void theArgumentWinsOverThePropertyWhichWinsOverTheDefault() {
        String saved = System.getProperty(FashionMnist.PROPERTY);
        try {
            System.setProperty(FashionMnist.PROPERTY, "/from/property");
            assertEquals(new FashionMnist.Location(Path.of("/from/argument"), "the argument"),
                    FashionMnist.locate("/from/argument"));
            assertEquals(new FashionMnist.Location(Path.of("/from/property"),
                    "the system property kiln.fashionMnist"), FashionMnist.locate(null));
            assertEquals(Path.of("/from/property"), FashionMnist.locate("  ").directory());
            System.clearProperty(FashionMnist.PROPERTY);
            if (System.getenv(FashionMnist.ENVIRONMENT_VARIABLE) == null) {
                assertEquals(new FashionMnist.Location(FashionMnist.DEBIAN_DIRECTORY, "the default"),
                        FashionMnist.locate(null));
            }
        } finally {
            if (saved == null) {
                System.clearProperty(FashionMnist.PROPERTY);
            } else {
                System.setProperty(FashionMnist.PROPERTY, saved);
            }
        }
    }

    @Test
    void aMissingDirectoryIsExplainedWithTheFix() {
        Path nowhere = directory.resolve("nowhere");

        String message = assertThrows(IllegalStateException.class,
                () -> FashionMnist.directory(nowhere.toString())).getMessage();

        assertTrue(message.startsWith("Fashion-MNIST was not found at " + nowhere
                + " (named by the argument): there is no such directory.\n"), message);
        assertTrue(message.contains("apt-get install -y dataset-fashion-mnist"), message);
        assertTrue(message.contains("-Dkiln.fashionMnist=DIR"), message);
        assertTrue(message.contains("KILN_FASHION_MNIST"), message);
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        write("train-images-idx3-ubyte.gz", images(3), true);
        write("t10k-images-idx3-ubyte", images(2), false);

        String message = assertThrows(IllegalStateException.class,
                () -> FashionMnist.directory(directory.toString())).getMessage();

        assertTrue(message.startsWith("Fashion-MNIST was not found in " + directory + " (named by the argument):"
                + " missing train-labels-idx1-ubyte.gz, t10k-labels-idx1-ubyte.gz.\n"), message);
    }

    @Test
    void loadsCompressedAndUncompressedFiles() throws IOException {
        write("train-images-idx3-ubyte.gz", images(3), true);
        write("train-labels-idx1-ubyte.gz", labels(9, 0, 4), true);
        write("t10k-images-idx3-ubyte", images(2), false);
        write("t10k-labels-idx1-ubyte", labels(1, 2), false);

        FashionMnist.Data data = FashionMnist.load(FashionMnist.directory(directory.toString()));

        Dataset train = data.train();
        assertEquals(3, train.size());
        assertEquals(FashionMnist.IMAGE_SIZE, train.featureSize());
        assertEquals(FashionMnist.CLASSES, train.classes());
        assertArrayEquals(new int[] {9, 0, 4}, train.labels());
        assertEquals(1f, train.targets()[9]);
        // pixel j of image s is (s + j) % 256, divided by 255
        assertEquals(1 / 255f, train.features()[1]);
        assertEquals((1 + 783) % 256 / 255f, train.features()[2 * 784 - 1]);
        assertArrayEquals(new int[] {1, 2}, data.test().labels());
    }

    @Test
    void theClassNamesAreTheTen() {
        assertEquals(FashionMnist.CLASSES, FashionMnist.CLASS_NAMES.size());
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }

    private void write(String name, byte[] content, boolean compressed) throws IOException {
        try (OutputStream out = compressed ? new GZIPOutputStream(Files.newOutputStream(directory.resolve(name)))
                : Files.newOutputStream(directory.resolve(name))) {
            out.write(content);
        }
    }

    private static byte[] images(int count) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(Idx.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            for (int s = 0; s < count; s++) {
                for (int j = 0; j < 784; j++) {
                    out.write((s + j) % 256);
                }
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] labels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(Idx.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.write(label);
            }
        }
        return bytes.toByteArray();
    }
}
