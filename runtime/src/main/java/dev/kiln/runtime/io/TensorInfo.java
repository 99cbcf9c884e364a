package dev.kiln.runtime.io;

import java.util.List;
import java.util.Objects;

/**
 * One tensor as a safetensors header describes it: what {@link SafeTensors#readHeader} returns for each,
 * whatever its type, without reading its data.
 *
 * @param name  its name
 * @param dtype its element type
 * @param shape its dimensions, each at least 0 (empty for a scalar)
 * @param begin the offset of its first byte in the data section, which starts right after the header
 * @param end   the offset just past its last byte in the data section
 */
public record TensorInfo(String name, DType dtype, List<Long> shape, long begin, long end) {

    /**
     * @throws NullPointerException if the name, the dtype, the shape or a dimension is null
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = List.copyOf(shape);
    }

    /** The number of elements, the product of the shape (checked not to overflow when the header was read). */
    public long elementCount() {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return count;
    }

    /** The number of bytes of its data, {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }
}
