package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * Flattens each sample to a vector, in {@code [channels, height, width]} order (row-major, as PyTorch's
 * {@code flatten}): the step from convolutions to Dense layers. The values stay where they are, so the
 * generated code computes nothing for it. No parameters.
 *
 * @param source where it was declared
 */
public record FlattenSpec(String source) implements LayerSpec {

    public FlattenSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public FlattenSpec withSource(String source) {
        return new FlattenSpec(source);
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return List.of(Shapes.size(in));
    }

    @Override
    public String describe(List<Integer> in) {
        return "Flatten(" + Shapes.describe(in) + " -> " + Shapes.size(in) + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "Flatten(" + inputSize + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize;
    }
}
