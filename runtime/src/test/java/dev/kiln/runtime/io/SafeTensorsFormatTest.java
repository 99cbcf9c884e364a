package dev.kiln.runtime.io;

import static dev.kiln.runtime.io.RawFiles.f32;
import static dev.kiln.runtime.io.RawFiles.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile safetensors files, one test per way to be wrong, each asserting the whole
 * message: the file, the tensor or byte, and what was wrong.
 */
class SafeTensorsFormatTest {

    @TempDir
    Path directory;

    private Path path;

    @Test
    void aFileShorterThanTheLengthFieldIsRejected() throws IOException {
        assertEquals("the file has 0 bytes, fewer than the 8 of the header length that starts a safetensors file",
                error(new byte[0]));
        assertEquals("the file has 1 byte, fewer than the 8 of the header length that starts a safetensors file",
                error(new byte[1]));
    }

    @Test
    void aHeaderLengthAboveTheLimitIsRejectedBeforeAnythingIsRead() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.US_ASCII);
        assertEquals("the header length (bytes 0-7, little-endian) is 100000001 bytes, more than the limit of"
                + " 100,000,000 bytes; this is not a safetensors file, or it is corrupt",
                error(file(SafeTensors.MAX_HEADER_BYTES + 1, json, new byte[0])));
        // above 2^63 - 1: negative as a signed long
        assertEquals("the header length (bytes 0-7, little-endian) is 18446744073709551615 bytes, more than the"
                + " limit of 100,000,000 bytes; this is not a safetensors file, or it is corrupt",
                error(file(-1L, json, new byte[0])));
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRejectedBeforeAnythingIsAllocated() throws IOException {
        // within the limit: only the file's size stands between this length and a 100 MB array
        assertEquals("the header length (bytes 0-7, little-endian) is 99999999 bytes, but only 2 follow it; the file"
                + " is truncated, or not a safetensors file",
                error(file(99_999_999, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0])));
    }

    @Test
    void aHeaderMustStartAnObject() throws IOException {
        assertEquals("the header (at byte 8) does not start with '{'; this is not a safetensors file",
                error(file("[]", 0)));
        assertEquals("the header (at byte 8) does not start with '{'; this is not a safetensors file",
                error(file(" {}", 0)));
        assertEquals("the header (at byte 8) does not start with '{' but is empty; this is not a safetensors file",
                error(file("", 0)));
    }

    @Test
    void malformedJsonIsRejectedAtItsByte() throws IOException {
        assertEquals("the header is not valid JSON: expected a string key in an object, found '}' (at byte 33)",
                error(file("{\"__metadata__\":{\"a\":\"b\",}}", 0)));
        assertEquals("the header is not valid JSON: unexpected 'x' after the end of the JSON value (at byte 11)",
                error(file("{} x", 0)));
    }

    @Test
    void invalidUtf8IsRejected() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, '(', '"', ':', '{', '}', '}'};
        assertEquals("the header is not valid JSON: invalid UTF-8 in a string (at byte 10)",
                error(file(header.length, header, new byte[0])));
    }

    @Test
    void aTensorNamedTwiceIsRejected() throws IOException {
        String json = "{" + f32("w", "[1]", 0, 4) + "," + f32("w", "[1]", 4, 8) + "}";
        assertEquals("tensor \"w\" appears twice in the header (the second at byte 62); tensor names must be unique",
                error(file(json, 8)));
    }

    @Test
    void metadataGivenTwiceIsRejected() throws IOException {
        assertEquals("the header holds \"__metadata__\" twice (the second at byte 27)",
                error(file("{\"__metadata__\":{},\"__metadata__\":{}}", 0)));
    }

    @Test
    void aKeyGivenTwiceInATensorIsRejected() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertEquals("the header is not valid JSON: the key \"dtype\" appears twice in one object (at byte 28)",
                error(file(json, 4)));
    }

    @Test
    void aTensorMustBeAnObject() throws IOException {
        assertEquals("tensor \"w\": expected an object with \"dtype\", \"shape\" and \"data_offsets\", found an array"
                + " of 1 value", error(file("{\"w\":[1]}", 0)));
    }

    @Test
    void anUnknownKeyIsRejected() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"offsets\":[0,4]}}";
        assertEquals("tensor \"w\": unknown key \"offsets\"; a tensor has exactly \"dtype\", \"shape\" and"
                + " \"data_offsets\"", error(file(json, 4)));
    }

    @Test
    void aMissingKeyIsNamed() throws IOException {
        assertEquals("tensor \"w\": \"shape\" is missing",
                error(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)));
    }

    @Test
    void theDtypeMustBeAString() throws IOException {
        assertEquals("tensor \"w\": \"dtype\" must be a string such as \"F32\", found 32",
                error(file("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
    }

    @Test
    void anUnknownDtypeIsRejectedWithTheKnownOnes() throws IOException {
        assertEquals("tensor \"w\": unknown dtype \"f32\"; the format's dtypes are BOOL, F4, F6_E2M3, F6_E3M2, U8, I8,"
                + " F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64,"
                + " I64, U64", error(file("{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)));
    }

    @Test
    void theShapeMustBeAnArray() throws IOException {
        assertEquals("tensor \"w\": \"shape\" must be an array of non-negative integers, found the string \"1\"",
                error(file("{" + f32("w", "\"1\"", 0, 4) + "}", 4)));
    }

    @Test
    void aNegativeDimensionIsRejected() throws IOException {
        assertEquals("tensor \"w\": shape[1] is -3; \"shape\" must be an array of non-negative integers",
                error(file("{" + f32("w", "[2,-3]", 0, 4) + "}", 4)));
    }

    @Test
    void aFractionalDimensionIsRejected() throws IOException {
        assertEquals("tensor \"w\": shape[0] is 1.0; \"shape\" must be an array of non-negative integers",
                error(file("{" + f32("w", "[1.0]", 0, 4) + "}", 4)));
    }

    @Test
    void aDimensionBeyond64BitsIsRejected() throws IOException {
        assertEquals("tensor \"w\": shape[0] is 9223372036854775808, larger than 2^63 - 1",
                error(file("{" + f32("w", "[9223372036854775808]", 0, 4) + "}", 4)));
    }

    @Test
    void aShapeWhoseProductOverflowsIsRejected() throws IOException {
        assertEquals("tensor \"w\": shape [4294967296, 4294967296] has more than 2^63 - 1 values",
                error(file("{" + f32("w", "[4294967296,4294967296]", 0, 0) + "}", 0)));
    }

    @Test
    void aShapeWhoseSizeInBitsOverflowsIsRejected() throws IOException {
        assertEquals("tensor \"w\": shape [2305843009213693952] of F32 needs more than 2^63 - 1 bits",
                error(file("{" + f32("w", "[2305843009213693952]", 0, 0) + "}", 0)));
    }

    @Test
    void packedValuesMustFillWholeBytes() throws IOException {
        assertEquals("tensor \"q\": 3 values of F4 (4 bits each) are not a whole number of bytes",
                error(file("{\"q\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2)));
    }

    @Test
    void offsetsMustBeTwo() throws IOException {
        assertEquals("tensor \"w\": \"data_offsets\" must be an array of two non-negative integers [begin, end], found"
                + " an array of 3 values",
                error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4)));
    }

    @Test
    void offsetsMustNotEndBeforeTheyBegin() throws IOException {
        assertEquals("tensor \"w\": data_offsets [8, 4] end before they begin",
                error(file("{" + f32("w", "[1]", 8, 4) + "}", 8)));
    }

    @Test
    void offsetsPastTheDataAreRejected() throws IOException {
        assertEquals("tensor \"w\": data_offsets [0, 16] reach past the end of the data, which holds 8 bytes; the file"
                + " is truncated or the offsets are wrong", error(file("{" + f32("w", "[4]", 0, 16) + "}", 8)));
    }

    @Test
    void aSpanThatIsNotTheShapesSizeIsRejected() throws IOException {
        assertEquals("tensor \"w\": data_offsets [0, 12] span 12 bytes, but shape [2, 3] of F32 needs 24 (6 values of"
                + " 4 bytes)", error(file("{" + f32("w", "[2,3]", 0, 12) + "}", 12)));
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        assertEquals("tensors \"a\" (data_offsets [0, 8]) and \"b\" (data_offsets [4, 12]) overlap; each tensor's data"
                + " must be its own",
                error(file("{" + f32("b", "[2]", 4, 12) + "," + f32("a", "[2]", 0, 8) + "}", 12)));
    }

    @Test
    void aGapBetweenTensorsIsRejected() throws IOException {
        assertEquals("bytes [4, 8) of the data belong to no tensor (between \"a\" and \"b\"); the format lays tensors"
                + " out without gaps", error(file("{" + f32("a", "[1]", 0, 4) + "," + f32("b", "[1]", 8, 12) + "}", 12)));
    }

    @Test
    void aGapBeforeTheFirstTensorIsRejected() throws IOException {
        assertEquals("bytes [0, 4) of the data belong to no tensor (before \"a\"); the format lays tensors out without"
                + " gaps", error(file("{" + f32("a", "[1]", 4, 8) + "}", 8)));
    }

    @Test
    void bytesAfterTheLastTensorAreRejected() throws IOException {
        String json = "{" + f32("a", "[1]", 0, 4) + "}";
        assertEquals("2 bytes after the end of the last tensor's data (from byte " + (8 + json.length() + 4)
                + " of the file on); expected the end of the file", error(file(json, 6)));
    }

    @Test
    void metadataMustBeAnObject() throws IOException {
        assertEquals("\"__metadata__\" must be an object of strings, found an array of 0 values",
                error(file("{\"__metadata__\":[]}", 0)));
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        assertEquals("\"__metadata__\" entry \"epoch\": expected a string, found 3",
                error(file("{\"__metadata__\":{\"epoch\":3}}", 0)));
    }

    @Test
    void aFileThatShrinksWhileBeingReadIsRejected() throws IOException {
        String json = "{" + f32("a", "[4]", 0, 16) + "}";
        path = RawFiles.write(directory, "shrinking.safetensors", file(json, 16));
        try (SafeTensorsReader reader = SafeTensorsReader.open(path)) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(8 + json.length() + 6);
            }
            TensorInfo a = reader.header().tensors().getFirst();

            String message = assertThrows(SafeTensorsFormatException.class, () -> reader.readTensor(a)).getMessage();

            assertEquals(path + ": the file ends at byte " + (8 + json.length() + 6) + ", before the 10 more bytes its"
                    + " header promises; was it truncated while being read?", message);
        }
    }

    @Test
    void aHeaderWithoutTensorsIsValid() throws IOException {
        path = RawFiles.write(directory, "empty.safetensors", file("{\"__metadata__\":{}}    ", 0));

        SafeTensors.Contents contents = SafeTensors.read(path);

        assertEquals(List.of(), contents.tensors());
        assertEquals(Map.of(), contents.metadata());
    }

    /** Writes {@code content}, reads its header, and returns the message without the file's name before it. */
    private String error(byte[] content) throws IOException {
        path = RawFiles.write(directory, "bad.safetensors", content);
        String message = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.readHeader(path))
                .getMessage();
        assertTrue(message.startsWith(path + ": "), message);
        return message.substring(path.toString().length() + 2);
    }
}
