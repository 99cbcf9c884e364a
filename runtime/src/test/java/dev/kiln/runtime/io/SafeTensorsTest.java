package dev.kiln.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeTensors}: what is written reads back exactly, the bytes are those the format defines
 * (checked against a file computed by hand), foreign dtypes are described but not read as floats, and
 * bad arguments are rejected before any file is touched.
 */
class SafeTensorsTest {

    @TempDir
    Path directory;

    @Test
    void writesTheBytesTheFormatDefines() throws IOException {
        Path path = directory.resolve("small.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("a", new float[] {1f, -2f}, 2), Tensor.of("b", new float[] {0.5f})),
                Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        assertEquals(132, json.length());
        byte[] expected = new byte[8 + 136 + 12];
        expected[0] = (byte) 136; // the header length, 132 rounded up to a multiple of 8, little-endian
        System.arraycopy(json.getBytes(StandardCharsets.US_ASCII), 0, expected, 8, 132);
        for (int i = 8 + 132; i < 8 + 136; i++) {
            expected[i] = ' ';
        }
        byte[] data = {
            0x00, 0x00, (byte) 0x80, 0x3F, // 1.0f = 0x3F800000
            0x00, 0x00, 0x00, (byte) 0xC0, // -2.0f = 0xC0000000
            0x00, 0x00, 0x00, 0x3F,        // 0.5f = 0x3F000000
        };
        System.arraycopy(data, 0, expected, 8 + 136, 12);
        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    @Test
    void withoutMetadataTheHeaderHasNoMetadataEntry() throws IOException {
        Path path = directory.resolve("plain.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("w", new float[] {3f}, 1)), Map.of());

        String header = new String(Files.readAllBytes(path), 8, 56, StandardCharsets.US_ASCII);
        // 54 bytes of JSON padded to 56
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}  ", header);
        assertEquals(56, ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        Random random = new Random(7);
        float[] matrix = new float[3 * 5];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        // special values must survive bit for bit: -0, infinities, a NaN with a payload, a subnormal
        float[] special = {-0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7FC12345),
            Float.MIN_VALUE, Float.MAX_VALUE};
        // more than one 64 KiB chunk, with a partial last one
        float[] large = new float[40_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = i * 0.25f - 1000f;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note \"quoted\"\n", "tab\t, backslash \\, é, 日本, 😀, \u0001");
        List<Tensor> tensors = List.of(
                Tensor.of("layer.weight", matrix, 3, 5),
                Tensor.of("special", special, 2, 1, 3),
                Tensor.of("scalar", new float[] {42f}),
                Tensor.of("empty", new float[0], 4, 0),
                Tensor.of("large", large, 40_000),
                Tensor.of("名前 \"with\" quotes", new float[] {1f, 2f}, 2));
        Path path = directory.resolve("round.safetensors");

        SafeTensors.write(path, tensors, metadata);
        SafeTensors.Contents read = SafeTensors.read(path);

        assertEquals(tensors, read.tensors());
        assertEquals(metadata, read.metadata());
        assertEquals(List.copyOf(metadata.keySet()), List.copyOf(read.metadata().keySet()));
        assertEquals(0x7FC12345, Float.floatToRawIntBits(read.tensor("special").toArray()[3]));
        assertArrayEquals(large, read.tensor("large").toArray());
        assertEquals(List.of(2, 1, 3), read.tensor("special").shape());
        assertEquals(List.of(), read.tensor("scalar").shape());
        assertEquals(0, read.tensor("empty").size());
        // the data start 8-byte aligned
        assertEquals(0, SafeTensors.readHeader(path).dataStart() % 8);
    }

    @Test
    void writesFromNativeMemoryAndSlices() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(6 * Float.BYTES, 64);
            for (int i = 0; i < 6; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 0.5f);
            }
            Path path = directory.resolve("native.safetensors");
            SafeTensors.write(path, List.of(new Tensor("tail", List.of(2, 2), segment.asSlice(8, 16))), Map.of());

            assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f, 5.5f}, SafeTensors.read(path).tensor("tail").toArray());
        }
    }

    @Test
    void tensorsAreLaidOutInTheOrderGiven() throws IOException {
        Path path = directory.resolve("order.safetensors");
        SafeTensors.write(path, List.of(Tensor.of("z", new float[3], 3), Tensor.of("a", new float[2], 2),
                Tensor.of("m", new float[1], 1)), Map.of());

        List<TensorInfo> infos = SafeTensors.readHeader(path).tensors();

        assertEquals(List.of(new TensorInfo("z", DType.F32, List.of(3L), 0, 12),
                new TensorInfo("a", DType.F32, List.of(2L), 12, 20),
                new TensorInfo("m", DType.F32, List.of(1L), 20, 24)), infos);
        assertEquals(List.of("z", "a", "m"), SafeTensors.read(path).tensors().stream().map(Tensor::name).toList());
    }

    @Test
    void theHeaderDescribesEveryDtype() throws IOException {
        // as PyTorch would write them, in another order than their data
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[8,14]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"q\":{\"dtype\":\"F4\",\"shape\":[2,2],\"data_offsets\":[14,16]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        Path path = RawFiles.write(directory, "mixed.safetensors", RawFiles.file(json, 16));

        SafeTensors.Header header = SafeTensors.readHeader(path);

        assertEquals(List.of(new TensorInfo("i", DType.I64, List.of(1L), 0, 8),
                new TensorInfo("h", DType.F16, List.of(3L), 8, 14),
                new TensorInfo("q", DType.F4, List.of(2L, 2L), 14, 16)), header.tensors());
        assertEquals(Map.of("format", "pt"), header.metadata());
        assertEquals(8 + json.length(), header.dataStart());
        assertEquals(6, header.tensor("h").orElseThrow().byteSize());
        assertEquals(4, header.tensor("q").orElseThrow().elementCount());
        assertTrue(header.tensor("x").isEmpty());
    }

    @Test
    void readingFloatsRejectsEveryTensorOfAnotherDtype() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + RawFiles.f32("f", "[1]", 4, 8) + ","
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        Path path = RawFiles.write(directory, "halves.safetensors", RawFiles.file(json, 16));

        String message = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(path)).getMessage();

        assertEquals(path + ": Kiln reads F32 tensors only, but \"h\" is F16, \"d\" is F64; convert them to float32"
                + " before saving (in PyTorch: tensor.float())", message);
    }

    @Test
    void aMissingTensorIsNamedWithThoseThereAre() throws IOException {
        SafeTensors.Contents contents = new SafeTensors.Contents(
                List.of(Tensor.of("a", new float[1], 1), Tensor.of("b", new float[1], 1)), Map.of());

        assertEquals("no tensor is named c; there are [a, b]",
                assertThrows(NoSuchElementException.class, () -> contents.tensor("c")).getMessage());
    }

    @Test
    void contentsWriteAsTheirTensorsAndMetadata() throws IOException {
        Path path = directory.resolve("contents.safetensors");
        SafeTensors.Contents contents = new SafeTensors.Contents(List.of(Tensor.of("x", new float[] {1, 2}, 1, 2)),
                Map.of("step", "3"));

        SafeTensors.write(path, contents);

        SafeTensors.Contents read = SafeTensors.read(path);
        assertEquals(contents, read);
    }

    @Test
    void twoTensorsWithOneNameAreRejectedBeforeWriting() {
        Path path = directory.resolve("twice.safetensors");

        String message = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(path,
                List.of(Tensor.of("w", new float[1], 1), Tensor.of("w", new float[2], 2)), Map.of())).getMessage();

        assertEquals("two tensors are named \"w\"; names must be unique", message);
        assertFalse(Files.exists(path));
    }

    @Test
    void aTensorNamedLikeTheMetadataIsRejected() {
        Path path = directory.resolve("metadata.safetensors");

        String message = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(path,
                List.of(Tensor.of("__metadata__", new float[1], 1)), Map.of())).getMessage();

        assertEquals("a tensor cannot be named __metadata__: the format keeps that key for the metadata", message);
        assertFalse(Files.exists(path));
    }

    @Test
    void anUnpairedSurrogateIsRejected() {
        Path path = directory.resolve("surrogate.safetensors");

        String message = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(path,
                List.of(Tensor.of("a\uD800b", new float[1], 1)), Map.of())).getMessage();

        assertEquals("\"a\uD800b\" holds an unpaired surrogate U+D800 at index 1, which is not a character and cannot"
                + " be written as UTF-8", message);
        assertFalse(Files.exists(path));
    }

    @Test
    void aTensorChecksItsShapeAgainstItsData() {
        assertEquals("tensor w: shape [2, 3] needs 6 floats (24 bytes), but the data holds 20 bytes",
                assertThrows(IllegalArgumentException.class, () -> Tensor.of("w", new float[5], 2, 3)).getMessage());
        assertEquals("tensor w: dimension -1 of shape [-1, 3] is negative",
                assertThrows(IllegalArgumentException.class, () -> Tensor.of("w", new float[3], -1, 3)).getMessage());
        assertEquals("tensor w: shape [65536, 65536] has more than 2147483647 values",
                assertThrows(IllegalArgumentException.class, () -> Tensor.of("w", new float[1], 65536, 65536))
                        .getMessage());
        // a zero dimension makes any other dimension empty
        assertEquals(0, Tensor.of("w", new float[0], 65536, 65536, 0).size());
    }

    @Test
    void tensorsAreEqualByNameShapeAndBits() {
        Tensor a = Tensor.of("w", new float[] {1f, Float.NaN}, 2);
        assertEquals(a, Tensor.of("w", new float[] {1f, Float.NaN}, 2));
        assertEquals(a.hashCode(), Tensor.of("w", new float[] {1f, Float.NaN}, 2).hashCode());
        assertFalse(a.equals(Tensor.of("w", new float[] {1f, Float.NaN}, 2, 1)));
        assertFalse(a.equals(Tensor.of("v", new float[] {1f, Float.NaN}, 2)));
        assertFalse(a.equals(Tensor.of("w", new float[] {1f, 2f}, 2)));
        assertFalse(Tensor.of("z", new float[] {0f}, 1).equals(Tensor.of("z", new float[] {-0f}, 1)));
        assertEquals("w [2]", a.toString());
    }
}
