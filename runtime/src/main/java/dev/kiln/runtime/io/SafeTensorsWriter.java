package dev.kiln.runtime.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lays out a safetensors file: the 8-byte little-endian header length, the header (JSON, padded with
 * spaces to a multiple of 8 bytes, so that the data start 8-byte aligned), then each tensor's floats in
 * little-endian order, one after the other in the order given, without gaps.
 *
 * <p>The header is compact JSON in a fixed order: {@code __metadata__} first when there is metadata (its
 * entries in the map's order), then the tensors in the order of their data, each as
 * {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}}. The same tensors and metadata
 * therefore always give the same bytes. Every argument is checked when the writer is made, before any
 * file is touched.
 */
final class SafeTensorsWriter implements AtomicFile.Content {

    /** The bytes converted at a time; a multiple of 4. */
    private static final int CHUNK = 1 << 16;
    private static final int ALIGNMENT = 8;
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final List<Tensor> tensors;
    private final byte[] header;

    /**
     * Checks the tensors and metadata and builds the header.
     *
     * @throws IllegalArgumentException if two tensors have one name, a tensor is named {@code __metadata__},
     *     a name or metadata text holds an unpaired surrogate, or the header would exceed
     *     {@link SafeTensors#MAX_HEADER_BYTES}
     * @throws NullPointerException     if a tensor, a metadata key or a value is null
     */
    SafeTensorsWriter(List<Tensor> tensors, Map<String, String> metadata) {
        this.tensors = List.copyOf(tensors);
        this.header = header(this.tensors, Objects.requireNonNull(metadata, "metadata"));
    }

    /** The header as written: the length field, the JSON and its padding. */
    byte[] header() {
        return header.clone();
    }

    @Override
    public void writeTo(WritableByteChannel channel) throws IOException {
        writeFully(channel, ByteBuffer.wrap(header));
        byte[] bytes = new byte[CHUNK];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        MemorySegment chunk = MemorySegment.ofArray(bytes);
        for (Tensor tensor : tensors) {
            MemorySegment data = tensor.data();
            for (long done = 0; done < data.byteSize(); ) {
                int length = (int) Math.min(CHUNK, data.byteSize() - done);
                MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED, done, chunk, LITTLE_ENDIAN_FLOAT, 0,
                        length / Float.BYTES);
                buffer.clear().limit(length);
                writeFully(channel, buffer);
                done += length;
            }
        }
    }

    private static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(HeaderParser.METADATA)).append(":{");
            String separator = "";
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                String key = Objects.requireNonNull(entry.getKey(), "a metadata key is null");
                String value = Objects.requireNonNull(entry.getValue(), () -> "metadata " + key + " is null");
                json.append(separator).append(Json.quote(key)).append(':').append(Json.quote(value));
                separator = ",";
            }
            json.append('}');
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Tensor tensor : tensors) {
            Objects.requireNonNull(tensor, "a tensor is null");
            if (tensor.name().equals(HeaderParser.METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + HeaderParser.METADATA
                        + ": the format keeps that key for the metadata");
            }
            if (!names.add(tensor.name())) {
                throw new IllegalArgumentException("two tensors are named " + Json.quote(tensor.name())
                        + "; names must be unique");
            }
            long end = offset + tensor.data().byteSize();
            json.append(json.length() == 1 ? "" : ",").append(Json.quote(tensor.name()))
                    .append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < tensor.shape().size(); d++) {
                json.append(d == 0 ? "" : ",").append(tensor.shape().get(d));
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        long padded = (text.length + ALIGNMENT - 1L) / ALIGNMENT * ALIGNMENT;
        if (padded > SafeTensors.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("the header would take " + padded + " bytes, more than the "
                    + SafeTensors.MAX_HEADER_BYTES + " readers accept; use fewer or shorter names or less metadata");
        }
        byte[] header = new byte[Long.BYTES + (int) padded];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(text);
        Arrays.fill(header, Long.BYTES + text.length, header.length, (byte) ' ');
        return header;
    }

    private static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
