package dev.kiln.runtime.io;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads and writes named float tensors in the safetensors format, the format PyTorch and Hugging Face
 * use for weights.
 *
 * <p><b>The format.</b> A file is an unsigned 64-bit little-endian number {@code N}; then {@code N} bytes
 * of UTF-8 JSON, an object that maps each tensor's name to
 * {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}}, where the offsets count bytes
 * from the start of the data section, plus an optional {@code "__metadata__"} object of strings; then
 * the data section, every tensor's values row-major and little-endian.
 *
 * <p><b>Writing</b> ({@link #write}) produces F32 tensors, in the order given, one after the other
 * without gaps, the header padded with spaces to a multiple of 8 bytes (see {@link SafeTensorsWriter} for
 * the exact bytes). The file is replaced atomically: the content goes to a temporary file in the same
 * directory, forced to disk and then renamed over the target, so a crash or an error leaves the previous
 * file intact (see {@link AtomicFile}).
 *
 * <p><b>Reading</b> checks everything before trusting it, and rejects a file at the first violation with
 * a {@link SafeTensorsFormatException} naming the file, the tensor and what was wrong: a header length
 * larger than the file or than {@link #MAX_HEADER_BYTES} (before anything is allocated for it), invalid
 * UTF-8 or JSON (strict: see {@link Json}), a name given twice, unknown keys or dtypes, negative or
 * overflowing shapes, offsets outside the data, overlapping or leaving gaps, a span that is not
 * {@code shape x dtype}, and bytes after the last tensor. Every standard dtype is recognized
 * ({@link DType}); {@link #readHeader} describes a file of any of them, while {@link #read} accepts F32
 * tensors only.
 *
 * <p><b>Checkpoints.</b> A file may hold any tensors, so a training checkpoint is one file: the model's
 * weights ({@link Weights#tensors}) under their names, further state under names of its own (e.g.
 * {@code optimizer.*}) and metadata, written together:
 * <pre>{@code
 * List<Tensor> tensors = new ArrayList<>(Weights.tensors(model));
 * tensors.addAll(extraState);                                   // e.g. optimizer.m.hidden.weight
 * SafeTensors.write(path, tensors, Map.of("epoch", "12"));
 *
 * SafeTensors.Contents read = SafeTensors.read(path);
 * Weights.load(model, read.tensors().stream().filter(t -> !t.name().startsWith("optimizer.")).toList());
 * }</pre>
 */
public final class SafeTensors {

    /**
     * The largest header a file may declare, in bytes (100 MB, as the format's reference implementation
     * allows): enough for millions of tensors, small enough that a corrupt length cannot exhaust memory.
     */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private SafeTensors() {
    }

    /**
     * What a header describes: every tensor, of whatever dtype, and the metadata.
     *
     * @param tensors   every tensor, in the order of their data
     * @param metadata  the {@code __metadata__} entries in the file's order; empty if there are none
     * @param dataStart the offset of the data section in the file, {@code 8 + N}
     */
    public record Header(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

        /** Copies the tensors and the metadata (keeping its order). */
        public Header {
            tensors = List.copyOf(tensors);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The tensor named {@code name}, if there is one. */
        public Optional<TensorInfo> tensor(String name) {
            return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
        }
    }

    /**
     * Named float tensors and metadata: what {@link #read} returns and {@link #write} takes.
     *
     * @param tensors  the tensors, names unique, in the order of their data in the file
     * @param metadata string entries, in order
     */
    public record Contents(List<Tensor> tensors, Map<String, String> metadata) {

        /**
         * Copies the tensors and the metadata (keeping its order).
         *
         * @throws IllegalArgumentException if two tensors have one name
         */
        public Contents {
            tensors = List.copyOf(tensors);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            Map<String, Tensor> names = new LinkedHashMap<>();
            for (Tensor tensor : tensors) {
                if (names.put(tensor.name(), tensor) != null) {
                    throw new IllegalArgumentException("two tensors are named " + Json.quote(tensor.name())
                            + "; names must be unique");
                }
            }
        }

        /**
         * The tensor named {@code name}.
         *
         * @throws NoSuchElementException if there is none; the message lists the names there are
         */
        public Tensor tensor(String name) {
            List<String> names = new ArrayList<>();
            for (Tensor tensor : tensors) {
                if (tensor.name().equals(name)) {
                    return tensor;
                }
                names.add(tensor.name());
            }
            throw new NoSuchElementException("no tensor is named " + name + "; there are " + names);
        }
    }

    /**
     * Reads the header of {@code path} and checks it against the file, without reading any tensor's data.
     *
     * @throws SafeTensorsFormatException if it is not a well-formed safetensors file
     * @throws IOException                if it cannot be read
     */
    public static Header readHeader(Path path) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(path)) {
            return reader.header();
        }
    }

    /**
     * Reads every tensor and the metadata of {@code path}.
     *
     * @throws SafeTensorsFormatException if it is not a well-formed safetensors file, or holds a tensor that
     *     is not F32 (the message names every such tensor)
     * @throws IOException                if it cannot be read
     */
    public static Contents read(Path path) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(path)) {
            Header header = reader.header();
            reader.requireF32(header.tensors());
            List<Tensor> tensors = new ArrayList<>(header.tensors().size());
            for (TensorInfo tensor : header.tensors()) {
                tensors.add(reader.readTensor(tensor));
            }
            return new Contents(tensors, header.metadata());
        }
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code path}, replacing any file there atomically.
     * With no metadata the header has no {@code __metadata__} entry.
     *
     * @throws IllegalArgumentException if two tensors have one name, one is named {@code __metadata__}, a
     *     text holds an unpaired surrogate or the header would exceed {@link #MAX_HEADER_BYTES}; nothing is
     *     written then
     * @throws java.nio.file.NoSuchFileException if the directory does not exist
     * @throws IOException if the file cannot be written; the previous file is then left as it was
     */
    public static void write(Path path, Collection<Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(path, tensors, metadata, UnaryOperator.identity());
    }

    /**
     * Writes {@code contents} to {@code path}, replacing any file there atomically; as
     * {@link #write(Path, Collection, Map)}.
     *
     * @throws IOException if the file cannot be written; the previous file is then left as it was
     */
    public static void write(Path path, Contents contents) throws IOException {
        write(path, contents.tensors(), contents.metadata());
    }

    /** As {@link #write(Path, Collection, Map)}, with the file's channel wrapped by {@code channels} (for tests). */
    static void write(Path path, Collection<Tensor> tensors, Map<String, String> metadata,
                      UnaryOperator<WritableByteChannel> channels) throws IOException {
        SafeTensorsWriter writer = new SafeTensorsWriter(List.copyOf(tensors), metadata);
        AtomicFile.write(path, writer, channels);
    }
}
