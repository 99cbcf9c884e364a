package dev.kiln.runtime.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named tensor of floats, as {@link SafeTensors} writes and reads it: the values, row-major (the last
 * dimension varies fastest), in a segment of native-order floats.
 *
 * <p>The segment is not copied: a tensor made from a model's parameters ({@link Weights#tensors}) is a
 * live view of them, and one made from an array ({@link #of}) shares the array. Two tensors are equal
 * when their names, shapes and values (bit for bit) are.
 *
 * @param name  the name it is stored under, e.g. {@code hidden.weight}; any string but {@code __metadata__}
 * @param shape its dimensions, each at least 0; an empty shape is a scalar (one value)
 * @param data  its values, exactly {@code product(shape)} floats in the platform's order
 */
public record Tensor(String name, List<Integer> shape, MemorySegment data) {

    /**
     * Checks the shape against the data.
     *
     * @throws NullPointerException     if an argument or a dimension is null
     * @throws IllegalArgumentException if a dimension is negative or {@code data} does not hold exactly
     *     {@code product(shape)} floats
     */
    public Tensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        shape = List.copyOf(shape);
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": dimension " + d + " of shape " + shape
                        + " is negative");
            }
        }
        long count = shape.contains(0) ? 0 : 1;
        for (int d : shape) {
            count *= d; // below 2^31 * 2^31 before the check: no overflow
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + shape + " has more than "
                        + Integer.MAX_VALUE + " values");
            }
        }
        if (data.byteSize() != count * Float.BYTES) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + shape + " needs " + count
                    + " floats (" + count * Float.BYTES + " bytes), but the data holds " + data.byteSize()
                    + " bytes");
        }
    }

    /**
     * A tensor over {@code values}, which it shares (later writes to the array change the tensor).
     *
     * @param shape its dimensions; none for a scalar
     * @throws IllegalArgumentException if a dimension is negative or the array does not hold exactly
     *     {@code product(shape)} values
     */
    public static Tensor of(String name, float[] values, int... shape) {
        List<Integer> dimensions = new ArrayList<>(shape.length);
        for (int d : shape) {
            dimensions.add(d);
        }
        return new Tensor(name, dimensions, MemorySegment.ofArray(Objects.requireNonNull(values, "values")));
    }

    /** The number of values, the product of the shape. */
    public int size() {
        return (int) (data.byteSize() / Float.BYTES);
    }

    /** A copy of the values. */
    public float[] toArray() {
        return data.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that && name.equals(that.name) && shape.equals(that.shape)
                && data.byteSize() == that.data.byteSize() && data.mismatch(that.data) < 0;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + shape.hashCode();
    }

    /** The name and shape, e.g. {@code hidden.weight [16, 4]}; not the values. */
    @Override
    public String toString() {
        return name + " " + shape;
    }
}
