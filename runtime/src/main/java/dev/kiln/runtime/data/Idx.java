package dev.kiln.runtime.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads data sets stored in the IDX format of MNIST and Fashion-MNIST: unsigned-byte images (idx3 files,
 * magic number {@code 0x00000803}) and their labels (idx1 files, {@code 0x00000801}), raw or
 * gzip-compressed. A gzip file is recognized by its first two bytes, whatever its name, and decompressed
 * on the fly.
 *
 * <p>An IDX file is a header, then the values. The header is the magic number, four bytes
 * {@code 0x00 0x00 type dimensions}, where {@code type 0x08} means unsigned bytes and {@code dimensions}
 * counts the dimensions; then each dimension's size as a big-endian 32-bit integer. The values follow,
 * one byte each, the last dimension varying fastest. An image file has three dimensions (images, rows,
 * columns), a label file one (labels).
 *
 * <p>Pixels become floats {@code pixel / 255f}, in {@code [0, 1]}, each image flattened row by row into
 * {@code rows * columns} consecutive values. Everything is checked: the magic number (its zero bytes,
 * the data type and the number of dimensions), that every size is positive, that the file holds exactly
 * the bytes its header promises (neither fewer nor more), that labels are valid classes and that an image
 * file and its label file describe as many samples. A violation is an {@link IdxFormatException} naming
 * the source, the byte offset or header field, what was expected and what was found; offsets count bytes
 * of the IDX data, after decompression.
 *
 * <pre>{@code
 * Dataset train = Idx.readClassification(dir.resolve("train-images-idx3-ubyte.gz"),
 *         dir.resolve("train-labels-idx1-ubyte.gz"), 10, "Fashion-MNIST train");
 * }</pre>
 */
public final class Idx {

    /** The magic number of an image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic number of a label file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final int CHUNK = 1 << 16;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final String[] IMAGE_DIMENSIONS = {"images", "rows", "columns"};
    private static final String[] LABEL_DIMENSIONS = {"labels"};
    private static final float[] PIXEL_VALUES = new float[256];

    static {
        for (int p = 0; p < PIXEL_VALUES.length; p++) {
            PIXEL_VALUES[p] = p / 255f;
        }
    }

    private Idx() {
    }

    /**
     * The images of an idx3 file.
     *
     * @param count   the number of images, at least 1
     * @param rows    the rows of each image, at least 1
     * @param columns the columns of each image, at least 1
     * @param pixels  every pixel as {@code value / 255f}, image {@code i} at
     *                {@code [i * rows * columns, (i + 1) * rows * columns)}, row by row; this array is
     *                shared, not copied
     */
    public record Images(int count, int rows, int columns, float[] pixels) {

        /**
         * Checks the shape against the pixels.
         *
         * @throws IllegalArgumentException if a size is not positive or {@code pixels} does not hold
         *     {@code count * rows * columns} values
         */
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (count < 1 || rows < 1 || columns < 1) {
                throw new IllegalArgumentException("images of " + count + " x " + rows + " x " + columns
                        + ": every size must be positive");
            }
            if ((long) count * rows * columns != pixels.length) {
                throw new IllegalArgumentException(count + " images of " + rows + " x " + columns + " need "
                        + (long) count * rows * columns + " pixels, found " + pixels.length);
            }
        }

        /** The values per image, {@code rows * columns}. */
        public int pixelsPerImage() {
            return rows * columns;
        }
    }

    /**
     * Reads the image file at {@code path}, compressed or not; messages name it by its file name.
     *
     * @throws IdxFormatException if it is not a well-formed unsigned-byte idx3 file
     * @throws IOException        if it cannot be read
     */
    public static Images readImages(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return readImages(in, fileName(path));
        }
    }

    /**
     * Reads an image file from {@code in} to its end, compressed or not, and closes it.
     *
     * @param sourceName what messages call the data, e.g. its file name
     * @throws IdxFormatException if it is not a well-formed unsigned-byte idx3 file
     * @throws IOException        if it cannot be read
     */
    public static Images readImages(InputStream in, String sourceName) throws IOException {
        try (Reader reader = new Reader(in, sourceName)) {
            int[] sizes = reader.header(IMAGES_MAGIC, IMAGE_DIMENSIONS);
            // the bytes first: a header that promises more than the file holds fails before the large array
            byte[] data = reader.readValues(reader.valueCount(sizes));
            reader.expectEnd();
            float[] pixels = new float[data.length];
            for (int j = 0; j < data.length; j++) {
                pixels[j] = PIXEL_VALUES[data[j] & 0xFF];
            }
            return new Images(sizes[0], sizes[1], sizes[2], pixels);
        }
    }

    /**
     * Reads the label file at {@code path}, compressed or not; messages name it by its file name.
     *
     * @param classes the number of classes: every label must be in {@code [0, classes)}
     * @throws IdxFormatException       if it is not a well-formed unsigned-byte idx1 file, or a label is
     *                                  out of range
     * @throws IllegalArgumentException if {@code classes} is not positive
     * @throws IOException              if it cannot be read
     */
    public static int[] readLabels(Path path, int classes) throws IOException {
        requirePositive(classes);
        try (InputStream in = Files.newInputStream(path)) {
            return readLabels(in, fileName(path), classes);
        }
    }

    /**
     * Reads a label file from {@code in} to its end, compressed or not, and closes it.
     *
     * @param sourceName what messages call the data, e.g. its file name
     * @param classes    the number of classes: every label must be in {@code [0, classes)}
     * @throws IdxFormatException       if it is not a well-formed unsigned-byte idx1 file, or a label is
     *                                  out of range
     * @throws IllegalArgumentException if {@code classes} is not positive
     * @throws IOException              if it cannot be read
     */
    public static int[] readLabels(InputStream in, String sourceName, int classes) throws IOException {
        requirePositive(classes);
        try (Reader reader = new Reader(in, sourceName)) {
            int[] sizes = reader.header(LABELS_MAGIC, LABEL_DIMENSIONS);
            int count = reader.valueCount(sizes);
            long dataStart = reader.position();
            byte[] data = reader.readValues(count);
            int[] labels = new int[count];
            for (int j = 0; j < count; j++) {
                int label = data[j] & 0xFF;
                if (label >= classes) {
                    throw reader.error("byte " + (dataStart + j) + " (the label of item " + j
                            + ", counted from 0): expected a class in [0, " + classes + "), found " + label);
                }
                labels[j] = label;
            }
            reader.expectEnd();
            return labels;
        }
    }

    /**
     * Reads an image file and its label file into a classification data set: features are the
     * flattened pixels, targets one-hot rows of {@code classes} values (see
     * {@link Dataset#classification}).
     *
     * @param name what messages call the pair, e.g. {@code Fashion-MNIST train}
     * @throws IdxFormatException       if a file is malformed, a label is out of range, or the files hold
     *                                  different numbers of samples
     * @throws IllegalArgumentException if {@code classes < 2}
     * @throws IOException              if a file cannot be read
     */
    public static Dataset readClassification(Path images, Path labels, int classes, String name)
            throws IOException {
        if (classes < 2) {
            throw new IllegalArgumentException(name + ": classes = " + classes
                    + ": a classification needs at least 2");
        }
        int[] labelArray = readLabels(labels, classes);
        Images imageSet = readImages(images);
        if (imageSet.count() != labelArray.length) {
            throw new IdxFormatException(name + ": " + fileName(images) + " holds " + imageSet.count()
                    + " images but " + fileName(labels) + " holds " + labelArray.length
                    + " labels; expected one label per image");
        }
        return Dataset.classification(imageSet.pixels(), imageSet.pixelsPerImage(), labelArray, classes);
    }

    private static void requirePositive(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes = " + classes + " must be positive");
        }
    }

    private static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    /** One IDX stream, decompressed if need be, with the position reached and the source's name. */
    private static final class Reader implements Closeable {

        private final InputStream in;
        private final String source;
        private final boolean gzip;
        private final byte[] chunk = new byte[CHUNK];
        private long position;
        private long dataStart;
        private long dataEnd;
        private String shape;

        Reader(InputStream raw, String source) throws IOException {
            this.source = source;
            BufferedInputStream buffered = new BufferedInputStream(Objects.requireNonNull(raw, "in"), CHUNK);
            buffered.mark(2);
            this.gzip = buffered.read() == GZIP_MAGIC_1 && buffered.read() == GZIP_MAGIC_2;
            buffered.reset();
            if (!gzip) {
                this.in = buffered;
                return;
            }
            try {
                this.in = new GZIPInputStream(buffered, CHUNK);
            } catch (ZipException | EOFException e) {
                buffered.close();
                throw new IdxFormatException(source + ": the gzip header is corrupt or truncated ("
                        + e.getMessage() + ")", e);
            }
        }

        long position() {
            return position;
        }

        /** Reads and checks the header; returns the sizes of the dimensions. */
        int[] header(int magic, String[] dimensions) throws IOException {
            String expectedMagic = String.format("0x%08X (unsigned bytes, %d dimension%s: %s)", magic,
                    dimensions.length, dimensions.length == 1 ? "" : "s", String.join(", ", dimensions));
            int read = fill(4);
            if (read == 0) {
                throw error("the file is empty; expected an IDX header starting with the magic number "
                        + expectedMagic);
            }
            if (read < 4) {
                throw error("truncated at byte " + read + ", inside the 4-byte magic number; expected "
                        + expectedMagic);
            }
            int zeros = ((chunk[0] & 0xFF) << 8) | (chunk[1] & 0xFF);
            if (zeros != 0) {
                throw error(String.format("bytes 0-1 (magic number): expected 0x0000, found 0x%04X; this is not"
                        + " an IDX file, whose magic number here would be %s", zeros, expectedMagic));
            }
            int type = chunk[2] & 0xFF;
            if (type != UNSIGNED_BYTE) {
                throw error(String.format("byte 2 (data type): expected 0x08 (unsigned byte), found 0x%02X (%s);"
                        + " only unsigned-byte IDX files are supported", type, typeName(type)));
            }
            int count = chunk[3] & 0xFF;
            int expected = dimensions.length;
            if (count != expected) {
                String hint = expected == 3 && count == 1 ? "; this looks like a label file (idx1), not an image"
                        + " file (idx3)" : expected == 1 && count == 3 ? "; this looks like an image file (idx3),"
                        + " not a label file (idx1)" : "";
                throw error("byte 3 (number of dimensions): expected " + expected + " (" + String.join(", ",
                        dimensions) + "), found " + count + hint);
            }
            int[] sizes = new int[expected];
            for (int d = 0; d < expected; d++) {
                long first = position;
                read = fill(4);
                if (read < 4) {
                    throw error("truncated at byte " + (first + read) + ", inside the header's number of "
                            + dimensions[d] + " (bytes " + first + "-" + (first + 3) + ")");
                }
                sizes[d] = ((chunk[0] & 0xFF) << 24) | ((chunk[1] & 0xFF) << 16) | ((chunk[2] & 0xFF) << 8)
                        | (chunk[3] & 0xFF);
                if (sizes[d] <= 0) {
                    throw error("bytes " + first + "-" + (first + 3) + " (number of " + dimensions[d]
                            + "): expected a positive count, found " + Integer.toUnsignedString(sizes[d])
                            + (sizes[d] < 0 ? " (above 2^31 - 1)" : ""));
                }
            }
            StringBuilder text = new StringBuilder();
            for (int d = 0; d < expected; d++) {
                text.append(d == 0 ? "" : " x ").append(sizes[d]).append(' ').append(dimensions[d]);
            }
            shape = text.toString();
            return sizes;
        }

        /** The number of values the header promises, checked to fit an array. */
        int valueCount(int[] sizes) {
            long values = 1;
            for (int size : sizes) {
                values *= size; // below 2^31 * 2^31 before the check: no overflow
                if (values > MAX_ARRAY) {
                    throw error("the header declares " + shape + ", more than the " + MAX_ARRAY
                            + " values a Java array holds");
                }
            }
            dataStart = position;
            dataEnd = dataStart + values;
            return (int) values;
        }

        /**
         * Reads the {@code count} values the header promised. The array grows as data arrives (doubling,
         * from at most 1 MiB), so a header that promises more than the file holds costs no more memory
         * than the file's data before it is reported as truncated.
         */
        byte[] readValues(int count) throws IOException {
            byte[] data = new byte[Math.min(count, 1 << 20)];
            int filled = 0;
            while (filled < count) {
                if (filled == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(count, 2L * data.length));
                }
                int read = read(data, filled, data.length - filled);
                if (read == 0) {
                    throw error("truncated at byte " + position + ": the header (bytes 0-" + (dataStart - 1)
                            + ") promises " + shape + ", " + (dataEnd - dataStart) + " data bytes, so "
                            + dataEnd + " bytes in all, but the data ends after " + (position - dataStart)
                            + " of them");
                }
                filled += read;
            }
            return data;
        }

        /** Checks that nothing follows the promised data. */
        void expectEnd() throws IOException {
            long extra = 0;
            for (int read = fill(CHUNK); read > 0; read = fill(CHUNK)) {
                extra += read;
            }
            if (extra > 0) {
                throw error(extra + " unexpected byte" + (extra == 1 ? "" : "s") + " from byte " + dataEnd
                        + " on: the header promises " + shape + ", so the data ends at byte " + dataEnd
                        + "; expected the end of the file");
            }
        }

        /** Reads up to {@code length} bytes into {@link #chunk}; fewer only at the end of the data. */
        private int fill(int length) throws IOException {
            return read(chunk, 0, length);
        }

        /** Reads up to {@code length} bytes (fewer only at the end of the data) into {@code into}. */
        private int read(byte[] into, int offset, int length) throws IOException {
            int read;
            try {
                read = in.readNBytes(into, offset, length);
            } catch (ZipException | EOFException e) {
                if (!gzip) {
                    throw e;
                }
                throw new IdxFormatException(source + ": the gzip data is corrupt or truncated after " + position
                        + " decompressed bytes (" + e.getMessage() + ")", e);
            }
            position += read;
            return read;
        }

        IdxFormatException error(String message) {
            return new IdxFormatException(source + ": " + message);
        }

        private static String typeName(int type) {
            return switch (type) {
                case 0x09 -> "signed byte";
                case 0x0B -> "short";
                case 0x0C -> "int";
                case 0x0D -> "float";
                case 0x0E -> "double";
                default -> "not an IDX data type";
            };
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
