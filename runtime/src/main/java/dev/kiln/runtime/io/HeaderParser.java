package dev.kiln.runtime.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON of a safetensors header into checked {@link TensorInfo}s and metadata. Everything the
 * format requires is checked, and the first violation is a {@link SafeTensorsFormatException} naming
 * the file, the tensor and what was wrong: the JSON itself (see {@link Json}), each entry's keys and their
 * types, known dtypes, non-negative dimensions and offsets that fit 64 bits, a size
 * ({@code shape x dtype}) equal to the offsets' span, and offsets that tile the data section exactly:
 * from its first byte to its last, with neither gaps nor overlaps.
 */
final class HeaderParser {

    /** The key of the optional metadata object. */
    static final String METADATA = "__metadata__";

    private static final Set<String> KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final String MAX = "2^63 - 1";

    private final String source;
    private final long headerStart;

    private HeaderParser(String source, long headerStart) {
        this.source = source;
        this.headerStart = headerStart;
    }

    /**
     * Parses and checks a header.
     *
     * @param source      the file's name, which starts every message
     * @param json        the header's bytes, {@code json[0, length)}
     * @param headerStart the offset of {@code json[0]} in the file, for messages
     * @param dataSize    the bytes that follow the header in the file
     * @param dataStart   the offset of the data section in the file
     * @throws SafeTensorsFormatException at the first violation of the format
     */
    static SafeTensors.Header parse(String source, byte[] json, int length, long headerStart, long dataSize,
                                    long dataStart) {
        return new HeaderParser(source, headerStart).parse(json, length, dataSize, dataStart);
    }

    private SafeTensors.Header parse(byte[] json, int length, long dataSize, long dataStart) {
        if (length == 0 || json[0] != '{') {
            throw error("the header (at byte " + headerStart + ") does not start with '{'"
                    + (length == 0 ? " but is empty" : "") + "; this is not a safetensors file");
        }
        Object root;
        try {
            root = Json.parse(json, length);
        } catch (Json.SyntaxException e) {
            long at = headerStart + e.position();
            if (e.duplicateKey() != null && e.depth() == 1) {
                throw error(e.duplicateKey().equals(METADATA)
                        ? "the header holds \"" + METADATA + "\" twice (the second at byte " + at + ")"
                        : "tensor " + Json.quote(e.duplicateKey()) + " appears twice in the header (the second"
                        + " at byte " + at + "); tensor names must be unique");
            }
            throw error("the header is not valid JSON: " + e.getMessage() + " (at byte " + at + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> entries = (Map<String, Object>) root; // a '{' starts an object
        Map<String, String> metadata = Map.of();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            if (entry.getKey().equals(METADATA)) {
                metadata = metadata(entry.getValue());
            } else {
                tensors.add(tensor(entry.getKey(), entry.getValue(), dataSize));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkTiling(tensors, dataSize, dataStart);
        return new SafeTensors.Header(tensors, metadata, dataStart);
    }

    private Map<String, String> metadata(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw error("\"" + METADATA + "\" must be an object of strings, found " + describe(value));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String text)) {
                throw error("\"" + METADATA + "\" entry " + Json.quote((String) entry.getKey())
                        + ": expected a string, found " + describe(entry.getValue()));
            }
            metadata.put((String) entry.getKey(), text);
        }
        return Collections.unmodifiableMap(metadata);
    }

    private TensorInfo tensor(String name, Object value, long dataSize) {
        String tensor = "tensor " + Json.quote(name);
        if (!(value instanceof Map<?, ?> fields)) {
            throw error(tensor + ": expected an object with \"dtype\", \"shape\" and \"data_offsets\", found "
                    + describe(value));
        }
        for (Object key : fields.keySet()) {
            if (!KEYS.contains(key)) {
                throw error(tensor + ": unknown key " + Json.quote((String) key) + "; a tensor has exactly"
                        + " \"dtype\", \"shape\" and \"data_offsets\"");
            }
        }
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!fields.containsKey(key)) {
                throw error(tensor + ": \"" + key + "\" is missing");
            }
        }
        DType dtype = dtype(tensor, fields.get("dtype"));
        List<Long> shape = integers(tensor, "shape", fields.get("shape"), -1);
        List<Long> offsets = integers(tensor, "data_offsets", fields.get("data_offsets"), 2);
        long begin = offsets.get(0);
        long end = offsets.get(1);
        String span = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) {
            throw error(tensor + ": " + span + " end before they begin");
        }
        if (end > dataSize) {
            throw error(tensor + ": " + span + " reach past the end of the data, which holds " + dataSize
                    + " bytes; the file is truncated or the offsets are wrong");
        }
        long bytes = byteSize(tensor, dtype, shape);
        if (bytes != end - begin) {
            throw error(tensor + ": " + span + " span " + (end - begin) + " bytes, but shape " + shape + " of "
                    + dtype + " needs " + bytes + " (" + elements(shape) + " values of " + sizeText(dtype) + ")");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private DType dtype(String tensor, Object value) {
        if (!(value instanceof String name)) {
            throw error(tensor + ": \"dtype\" must be a string such as \"F32\", found " + describe(value));
        }
        DType dtype = DType.named(name);
        if (dtype == null) {
            throw error(tensor + ": unknown dtype " + Json.quote(name) + "; the format's dtypes are "
                    + DType.allNames());
        }
        return dtype;
    }

    /** The non-negative integers of a JSON array; {@code count} of them unless it is negative. */
    private List<Long> integers(String tensor, String key, Object value, int count) {
        String wanted = count == 2 ? "an array of two non-negative integers [begin, end]"
                : "an array of non-negative integers";
        if (!(value instanceof List<?> list) || (count >= 0 && list.size() != count)) {
            throw error(tensor + ": \"" + key + "\" must be " + wanted + ", found " + describe(value));
        }
        List<Long> integers = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            String where = tensor + ": " + key + "[" + i + "] ";
            if (!(element instanceof Json.Number number) || !number.isInteger() || number.text().startsWith("-")) {
                throw error(where + "is " + describe(element) + "; \"" + key + "\" must be " + wanted);
            }
            try {
                integers.add(Long.parseLong(number.text()));
            } catch (NumberFormatException e) {
                throw error(where + "is " + number.text() + ", larger than " + MAX);
            }
        }
        return integers;
    }

    private long byteSize(String tensor, DType dtype, List<Long> shape) {
        long elements = elements(shape);
        if (elements < 0) {
            throw error(tensor + ": shape " + shape + " has more than " + MAX + " values");
        }
        long bits;
        try {
            bits = Math.multiplyExact(elements, dtype.bits());
        } catch (ArithmeticException e) {
            throw error(tensor + ": shape " + shape + " of " + dtype + " needs more than " + MAX + " bits");
        }
        if (bits % Byte.SIZE != 0) {
            throw error(tensor + ": " + elements + " values of " + dtype + " (" + dtype.bits() + " bits each)"
                    + " are not a whole number of bytes");
        }
        return bits / Byte.SIZE;
    }

    /** The product of the dimensions, or -1 if it overflows. */
    private static long elements(List<Long> shape) {
        if (shape.contains(0L)) {
            return 0;
        }
        long product = 1;
        for (long d : shape) {
            try {
                product = Math.multiplyExact(product, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return product;
    }

    /** Checks that the tensors, sorted by offset, cover the data section exactly once. */
    private void checkTiling(List<TensorInfo> sorted, long dataSize, long dataStart) {
        long reached = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < reached) {
                throw error("tensors " + Json.quote(previous.name()) + " (data_offsets [" + previous.begin() + ", "
                        + previous.end() + "]) and " + Json.quote(t.name()) + " (data_offsets [" + t.begin() + ", "
                        + t.end() + "]) overlap; each tensor's data must be its own");
            }
            if (t.begin() > reached) {
                throw error("bytes [" + reached + ", " + t.begin() + ") of the data belong to no tensor ("
                        + (previous == null ? "before" : "between " + Json.quote(previous.name()) + " and")
                        + " " + Json.quote(t.name()) + "); the format lays tensors out without gaps");
            }
            reached = t.end();
            previous = t;
        }
        if (reached < dataSize) {
            throw error((dataSize - reached) + " bytes after the end of the last tensor's data (from byte "
                    + (dataStart + reached) + " of the file on); expected the end of the file");
        }
    }

    private static String sizeText(DType dtype) {
        return dtype.bits() % Byte.SIZE == 0 ? dtype.bits() / Byte.SIZE + " bytes" : dtype.bits() + " bits";
    }

    private static String describe(Object value) {
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?> list) {
            return "an array of " + list.size() + (list.size() == 1 ? " value" : " values");
        }
        if (value instanceof String text) {
            return "the string " + Json.quote(text);
        }
        return String.valueOf(value);
    }

    private SafeTensorsFormatException error(String message) {
        return new SafeTensorsFormatException(source + ": " + message);
    }
}
