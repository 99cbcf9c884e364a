package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Idx}: small IDX files written here, raw and gzip-compressed, read back exactly; one test per
 * malformed input, asserting the whole message; and, when the Fashion-MNIST files are installed, the real
 * data set.
 */
class IdxTest {

    /** Three images of 2 rows x 2 columns. */
    private static final byte[] PIXELS = bytes(0, 255, 128, 1, 10, 20, 30, 40, 250, 251, 252, 253);
    private static final byte[] LABELS = bytes(2, 0, 1);

    @TempDir
    Path directory;

    @Test
    void readsRawFilesBack() throws IOException {
        Path images = write("images", images(3, 2, 2, PIXELS), false);
        Path labels = write("labels", labels(3, LABELS), false);

        Dataset data = Idx.readClassification(images, labels, 3, "tiny");

        assertEquals(3, data.size());
        assertEquals(4, data.featureSize());
        assertEquals(3, data.classes());
        float[] expected = new float[PIXELS.length];
        for (int j = 0; j < expected.length; j++) {
            expected[j] = (PIXELS[j] & 0xFF) / 255f;
        }
        assertArrayEquals(expected, data.features());
        assertArrayEquals(new int[] {2, 0, 1}, data.labels());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, data.targets());
        assertEquals(0f, data.features()[0]);
        assertEquals(1f, data.features()[1]);
    }

    @Test
    void readsGzipFilesBackWhateverTheirNames() throws IOException {
        Path images = write("images.idx3", images(3, 2, 2, PIXELS), true);
        Path labels = write("labels.idx1", labels(3, LABELS), true);

        Idx.Images read = Idx.readImages(images);

        assertEquals(3, read.count());
        assertEquals(2, read.rows());
        assertEquals(2, read.columns());
        assertEquals(4, read.pixelsPerImage());
        assertEquals(128 / 255f, read.pixels()[2]);
        assertEquals(253 / 255f, read.pixels()[11]);
        assertArrayEquals(new int[] {2, 0, 1}, Idx.readLabels(labels, 3));
        assertArrayEquals(Idx.readImages(write("raw", images(3, 2, 2, PIXELS), false)).pixels(), read.pixels());
    }

    @Test
    void readsMoreThanOneChunk() throws IOException {
        // 70,000 pixels: more than one 64 KiB read, with a partial last chunk
        byte[] pixels = new byte[70_000];
        for (int j = 0; j < pixels.length; j++) {
            pixels[j] = (byte) (j * 31);
        }

        float[] read = Idx.readImages(new ByteArrayInputStream(gzip(images(7, 100, 100, pixels))), "big").pixels();

        for (int j = 0; j < pixels.length; j++) {
            assertEquals((pixels[j] & 0xFF) / 255f, read[j], "pixel " + j);
        }
    }

    @Test
    void rejectsABadMagicNumber() {
        byte[] file = images(3, 2, 2, PIXELS);
        file[1] = 0x01;

        assertEquals("bad: bytes 0-1 (magic number): expected 0x0000, found 0x0001; this is not an IDX file,"
                + " whose magic number here would be 0x00000803 (unsigned bytes, 3 dimensions: images, rows,"
                + " columns)", imageError(file));
    }

    @Test
    void rejectsAGzipFileThatIsNotIdx() {
        assertEquals("bad: bytes 0-1 (magic number): expected 0x0000, found 0x6869; this is not an IDX file,"
                + " whose magic number here would be 0x00000801 (unsigned bytes, 1 dimension: labels)",
                labelError(gzip(bytes('h', 'i', ',', '1', '\n')), 10));
    }

    @Test
    void rejectsAnotherDataType() {
        byte[] file = images(3, 2, 2, PIXELS);
        file[2] = 0x0D;

        assertEquals("bad: byte 2 (data type): expected 0x08 (unsigned byte), found 0x0D (float); only"
                + " unsigned-byte IDX files are supported", imageError(file));
    }

    @Test
    void rejectsALabelFileGivenAsImages() {
        assertEquals("bad: byte 3 (number of dimensions): expected 3 (images, rows, columns), found 1; this looks"
                + " like a label file (idx1), not an image file (idx3)", imageError(labels(3, LABELS)));
    }

    @Test
    void rejectsAnImageFileGivenAsLabels() {
        assertEquals("bad: byte 3 (number of dimensions): expected 1 (labels), found 3; this looks like an image"
                + " file (idx3), not a label file (idx1)", labelError(images(3, 2, 2, PIXELS), 10));
    }

    @Test
    void rejectsAZeroDimension() {
        assertEquals("bad: bytes 8-11 (number of rows): expected a positive count, found 0",
                imageError(images(3, 0, 2, new byte[0])));
    }

    @Test
    void rejectsANegativeDimension() {
        assertEquals("bad: bytes 4-7 (number of labels): expected a positive count, found 4294967295 (above"
                + " 2^31 - 1)", labelError(labels(-1, LABELS), 10));
    }

    @Test
    void rejectsAnEmptyFile() {
        assertEquals("bad: the file is empty; expected an IDX header starting with the magic number 0x00000803"
                + " (unsigned bytes, 3 dimensions: images, rows, columns)", imageError(new byte[0]));
    }

    @Test
    void rejectsATruncatedHeader() {
        assertEquals("bad: truncated at byte 10, inside the header's number of rows (bytes 8-11)",
                imageError(Arrays.copyOf(images(3, 2, 2, PIXELS), 10)));
        assertEquals("bad: truncated at byte 2, inside the 4-byte magic number; expected 0x00000801 (unsigned"
                + " bytes, 1 dimension: labels)", labelError(bytes(0, 0), 10));
    }

    @Test
    void rejectsTruncatedData() {
        byte[] file = images(3, 2, 2, PIXELS);

        assertEquals("bad: truncated at byte 25: the header (bytes 0-15) promises 3 images x 2 rows x 2 columns,"
                + " 12 data bytes, so 28 bytes in all, but the data ends after 9 of them",
                imageError(Arrays.copyOf(file, file.length - 3)));
    }

    @Test
    void aHeaderPromisingBillionsOfPixelsFailsAsTruncatedWithoutAllocatingThem() {
        // 1 x 46340 x 46340 fits a Java array (2,147,395,600 values, 8.6 GB as floats); the file holds 12
        byte[] file = images(1, 46340, 46340, PIXELS);

        assertEquals("bad: truncated at byte 28: the header (bytes 0-15) promises 1 images x 46340 rows x 46340"
                + " columns, 2147395600 data bytes, so 2147395616 bytes in all, but the data ends after 12 of them",
                imageError(file));
    }

    @Test
    void rejectsACorruptGzipHeader() {
        String message = imageError(bytes(0x1f, 0x8b, 0x01, 0x02));

        assertTrue(message.startsWith("bad: the gzip header is corrupt or truncated ("), message);
    }

    @Test
    void rejectsTruncatedGzipData() {
        byte[] compressed = gzip(images(3, 2, 2, PIXELS));

        String message = imageError(Arrays.copyOf(compressed, compressed.length - 12));

        // how many bytes come out before the cut depends on the compressor
        assertTrue(message.matches("bad: the gzip data is corrupt or truncated after \\d+ decompressed bytes \\(.+\\)"),
                message);
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] file = Arrays.copyOf(labels(3, LABELS), 8 + 3 + 2);

        assertEquals("bad: 2 unexpected bytes from byte 11 on: the header promises 3 labels, so the data ends at"
                + " byte 11; expected the end of the file", labelError(file, 10));
    }

    @Test
    void rejectsALabelOutOfRange() {
        assertEquals("bad: byte 9 (the label of item 1, counted from 0): expected a class in [0, 2), found 3",
                labelError(labels(3, bytes(1, 3, 0)), 2));
        assertEquals("bad: byte 10 (the label of item 2, counted from 0): expected a class in [0, 10), found 10",
                labelError(labels(3, bytes(9, 0, 10)), 10));
        assertEquals("bad: byte 8 (the label of item 0, counted from 0): expected a class in [0, 10), found 255",
                labelError(labels(1, bytes(255)), 10));
    }

    @Test
    void rejectsImagesAndLabelsOfDifferentCounts() throws IOException {
        Path images = write("images", images(3, 2, 2, PIXELS), false);
        Path labels = write("labels", labels(2, bytes(1, 0)), true);

        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> Idx.readClassification(images, labels, 3, "tiny"));

        assertEquals("tiny: images holds 3 images but labels holds 2 labels; expected one label per image",
                e.getMessage());
    }

    @Test
    void messagesNameTheFile() throws IOException {
        Path images = write("train-images-idx3-ubyte.gz", labels(3, LABELS), true);

        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(images));

        assertEquals("train-images-idx3-ubyte.gz: byte 3 (number of dimensions): expected 3 (images, rows,"
                + " columns), found 1; this looks like a label file (idx1), not an image file (idx3)",
                e.getMessage());
    }

    @Test
    void rejectsBadClassCounts() throws IOException {
        Path images = write("images", images(3, 2, 2, PIXELS), false);
        Path labels = write("labels", labels(3, LABELS), false);

        assertEquals("tiny: classes = 1: a classification needs at least 2", assertThrows(
                IllegalArgumentException.class, () -> Idx.readClassification(images, labels, 1, "tiny")).getMessage());
        assertEquals("classes = 0 must be positive", assertThrows(IllegalArgumentException.class,
                () -> Idx.readLabels(labels, 0)).getMessage());
    }

    @Test
    void readsTheRealFashionMnistFilesWhenInstalled() throws IOException {
        Path dir = fashionMnistDirectory();
        assumeTrue(Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed in " + dir + " (apt-get install -y dataset-fashion-mnist)");

        Dataset train = Idx.readClassification(dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("train-labels-idx1-ubyte.gz"), 10, "Fashion-MNIST train");
        Dataset test = Idx.readClassification(dir.resolve("t10k-images-idx3-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"), 10, "Fashion-MNIST test");

        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(784, train.featureSize());
        assertEquals(10, train.classes());
        assertEquals(9, train.labels()[0]); // an ankle boot
        assertEquals(9, test.labels()[0]);
        int[] counts = new int[10];
        for (int label : train.labels()) {
            counts[label]++;
        }
        int[] sixThousandEach = new int[10];
        Arrays.fill(sixThousandEach, 6000);
        assertArrayEquals(sixThousandEach, counts);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float pixel : train.features()) {
            min = Math.min(min, pixel);
            max = Math.max(max, pixel);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    /** Where the tests look for Fashion-MNIST: {@code -Dkiln.fashionMnist}, {@code KILN_FASHION_MNIST}, the Debian directory. */
    private static Path fashionMnistDirectory() {
        String dir = System.getProperty("kiln.fashionMnist");
        if (dir == null) {
            dir = System.getenv("KILN_FASHION_MNIST");
        }
        return Path.of(dir != null ? dir : "/usr/share/datasets/fashion-mnist");
    }

    private static String imageError(byte[] file) {
        return assertThrows(IdxFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(file), "bad")).getMessage();
    }

    private static String labelError(byte[] file, int classes) {
        return assertThrows(IdxFormatException.class,
                () -> Idx.readLabels(new ByteArrayInputStream(file), "bad", classes)).getMessage();
    }

    private Path write(String name, byte[] content, boolean compressed) throws IOException {
        Path file = directory.resolve(name);
        Files.write(file, compressed ? gzip(content) : content);
        return file;
    }

    private static byte[] images(int count, int rows, int columns, byte[] pixels) {
        return idx(Idx.IMAGES_MAGIC, new int[] {count, rows, columns}, pixels);
    }

    private static byte[] labels(int count, byte[] labels) {
        return idx(Idx.LABELS_MAGIC, new int[] {count}, labels);
    }

    private static byte[] idx(int magic, int[] sizes, byte[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int size : sizes) {
                out.writeInt(size);
            }
            out.write(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int j = 0; j < values.length; j++) {
            bytes[j] = (byte) values[j];
        }
        return bytes;
    }
}
