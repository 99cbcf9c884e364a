package dev.kiln.runtime.io;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An open safetensors file whose header has been read and checked: tensors' data are then read on
 * request, F32 only, converted from little-endian to the platform's order.
 *
 * <p>Nothing is allocated from what the file says before it is checked against the file: the header
 * length must fit both {@link SafeTensors#MAX_HEADER_BYTES} and the file before the header is read, and a
 * tensor's offsets must lie inside the file (which the header check guarantees) before its array is
 * allocated. So a corrupt or hostile file costs at most its own size in memory.
 */
final class SafeTensorsReader implements Closeable {

    /** The bytes read at a time. A multiple of 4, so that no float straddles two reads. */
    private static final int CHUNK = 1 << 16;
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final FileChannel channel;
    private final String source;
    private final SafeTensors.Header header;

    private SafeTensorsReader(FileChannel channel, String source) throws IOException {
        this.channel = channel;
        this.source = source;
        this.header = readHeader();
    }

    /**
     * Opens {@code path} and reads its header.
     *
     * @throws SafeTensorsFormatException if the header is not well-formed
     * @throws IOException                if the file cannot be read
     */
    static SafeTensorsReader open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new SafeTensorsReader(channel, path.toString());
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The checked header. */
    SafeTensors.Header header() {
        return header;
    }

    /** What messages call the file. */
    String source() {
        return source;
    }

    /**
     * Reads an F32 tensor's values into {@code target} from byte {@code targetOffset} on, in the
     * platform's order.
     *
     * @throws SafeTensorsFormatException if the tensor is not F32, or the file has become shorter
     * @throws IOException                if the file cannot be read
     */
    void readFloats(TensorInfo tensor, MemorySegment target, long targetOffset) throws IOException {
        requireF32(List.of(tensor));
        byte[] bytes = new byte[(int) Math.min(CHUNK, tensor.byteSize())];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        MemorySegment chunk = MemorySegment.ofArray(bytes);
        long start = header.dataStart() + tensor.begin();
        for (long done = 0; done < tensor.byteSize(); ) {
            int length = (int) Math.min(CHUNK, tensor.byteSize() - done);
            buffer.clear().limit(length);
            readFully(buffer, start + done);
            MemorySegment.copy(chunk, LITTLE_ENDIAN_FLOAT, 0, target, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    targetOffset + done, length / Float.BYTES);
            done += length;
        }
    }

    /**
     * Reads an F32 tensor into an array of its own.
     *
     * @throws SafeTensorsFormatException if it is not F32, or too large for an array
     * @throws IOException                if the file cannot be read
     */
    Tensor readTensor(TensorInfo tensor) throws IOException {
        List<Integer> shape = new ArrayList<>(tensor.shape().size());
        for (long d : tensor.shape()) {
            if (d > MAX_ARRAY || tensor.elementCount() > MAX_ARRAY) {
                throw error("tensor " + Json.quote(tensor.name()) + ": shape " + tensor.shape() + " is larger than"
                        + " a Java array holds (" + MAX_ARRAY + " values, and as many in each dimension)");
            }
            shape.add((int) d);
        }
        float[] values = new float[(int) tensor.elementCount()];
        MemorySegment data = MemorySegment.ofArray(values);
        readFloats(tensor, data, 0);
        return new Tensor(tensor.name(), shape, data);
    }

    /**
     * Checks that every tensor is F32, naming all those that are not.
     *
     * @throws SafeTensorsFormatException if one is not
     */
    void requireF32(List<TensorInfo> tensors) {
        List<String> others = new ArrayList<>();
        for (TensorInfo tensor : tensors) {
            if (tensor.dtype() != DType.F32) {
                others.add(Json.quote(tensor.name()) + " is " + tensor.dtype());
            }
        }
        if (!others.isEmpty()) {
            throw error("Kiln reads F32 tensors only, but " + String.join(", ", others) + "; convert "
                    + (others.size() == 1 ? "it" : "them") + " to float32 before saving (in PyTorch:"
                    + " tensor.float())");
        }
    }

    private SafeTensors.Header readHeader() throws IOException {
        long size = channel.size();
        if (size < Long.BYTES) {
            throw error("the file has " + size + " byte" + (size == 1 ? "" : "s") + ", fewer than the 8 of the"
                    + " header length that starts a safetensors file");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(lengthField, 0);
        long length = lengthField.getLong(0);
        if (length < 0 || length > SafeTensors.MAX_HEADER_BYTES) {
            throw error("the header length (bytes 0-7, little-endian) is " + Long.toUnsignedString(length)
                    + " bytes, more than the limit of " + grouped(SafeTensors.MAX_HEADER_BYTES)
                    + "; this is not a safetensors file, or it is corrupt");
        }
        if (length > size - Long.BYTES) {
            throw error("the header length (bytes 0-7, little-endian) is " + length + " bytes, but only "
                    + (size - Long.BYTES) + " follow it; the file is truncated, or not a safetensors file");
        }
        byte[] json = new byte[(int) length];
        readFully(ByteBuffer.wrap(json), Long.BYTES);
        long dataStart = Long.BYTES + length;
        return HeaderParser.parse(source, json, json.length, Long.BYTES, size - dataStart, dataStart);
    }

    /** Fills {@code buffer} from {@code position} on; a file that ends first is an error. */
    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw error("the file ends at byte " + at + ", before the " + buffer.remaining() + " more bytes"
                        + " its header promises; was it truncated while being read?");
            }
            at += read;
        }
    }

    private static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d bytes", value);
    }

    private SafeTensorsFormatException error(String message) {
        return new SafeTensorsFormatException(source + ": " + message);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
