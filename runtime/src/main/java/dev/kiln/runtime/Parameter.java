package dev.kiln.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One parameter tensor of a {@link Model}: its place in the flat parameter array and its shape.
 *
 * @param name   PyTorch-style name, e.g. {@code hidden.weight} or {@code hidden.bias}
 * @param offset the index of its first value in {@link Model#parameters()}
 * @param shape  its shape, row-major; a Dense weight is (outputs, inputs)
 */
public record Parameter(String name, int offset, List<Integer> shape) {

    public Parameter {
        Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
    }

    /** The number of values. */
    public int size() {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }
}
