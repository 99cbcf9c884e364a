package dev.kiln.processor.model;

import java.util.List;

/**
 * One parameter tensor's place in the flat parameter array.
 *
 * @param name     PyTorch-style name, e.g. {@code hidden.weight}
 * @param constant the name of the generated offset constant, e.g. {@code HIDDEN_WEIGHT}
 * @param offset   the index of its first value
 * @param shape    its shape, row-major
 */
public record ParameterPlan(String name, String constant, int offset, List<Integer> shape) {

    public ParameterPlan {
        shape = List.copyOf(shape);
    }

    /** The number of values. */
    public int size() {
        return shape.stream().reduce(1, (a, b) -> a * b);
    }
}
