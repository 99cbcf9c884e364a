package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * A learned vector per class id: the input's ids, one per step ({@code [steps]}, whole numbers in
 * {@code [0, vocabulary)} stored as floats), become {@code [steps, dimension]}, row {@code id} of the
 * weight {@code [vocabulary, dimension]} for each, as PyTorch's {@code nn.Embedding} (whose name and
 * layout the weight has, and whose {@code N(0, 1)} initialization it starts from). Only as a network's
 * first layer. Its backward pass adds each step's gradient to the row it read.
 *
 * @param vocabulary the number of distinct ids
 * @param dimension  the size of each id's vector
 * @param source     where it was declared
 */
public record EmbeddingSpec(int vocabulary, int dimension, String source) implements LayerSpec {

    public EmbeddingSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public EmbeddingSpec withSource(String source) {
        return new EmbeddingSpec(vocabulary, dimension, source);
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return List.of(in.getFirst(), dimension);
    }

    @Override
    public String describe(List<Integer> in) {
        return "Embedding(" + in.getFirst() + " ids -> " + in.getFirst() + "x" + dimension + ", vocabulary "
                + vocabulary + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "Embedding(" + vocabulary + " -> " + dimension + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize * dimension;
    }
}
