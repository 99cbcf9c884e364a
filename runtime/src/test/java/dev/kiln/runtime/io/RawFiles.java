package dev.kiln.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Safetensors files written byte by byte, the way a foreign or corrupt writer would: no checks, no padding. */
final class RawFiles {

    private RawFiles() {
    }

    /** The header length {@code length} (little-endian), then {@code header}, then {@code data}. */
    static byte[] file(long length, byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(length).put(header).put(data).array();
    }

    /** A file with {@code json} as its header, its true length, and {@code data}. */
    static byte[] file(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return file(header.length, header, data);
    }

    /** A file with {@code json} as its header and {@code dataBytes} zero bytes of data. */
    static byte[] file(String json, int dataBytes) {
        return file(json, new byte[dataBytes]);
    }

    /** The floats in little-endian order. */
    static byte[] littleEndian(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    /** One F32 tensor entry of a header. */
    static String f32(String name, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end
                + "]}";
    }

    static Path write(Path directory, String name, byte[] content) throws IOException {
        return Files.write(directory.resolve(name), content);
    }
}
