package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * The input as class ids, one per step ({@code [steps]}, each a whole number in {@code [0, vocabulary)}
 * stored as a float), encoded one-hot: {@code [steps, vocabulary]}. Only as a network's first layer. A
 * recurrent or Dense layer right after it multiplies by a one-hot vector, which is picking one column of
 * its weights: the generated code does that lookup and never builds the one-hot vectors. No parameters.
 *
 * @param vocabulary the number of distinct ids
 * @param source     where it was declared
 */
public record OneHotSpec(int vocabulary, String source) implements LayerSpec {

    public OneHotSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public OneHotSpec withSource(String source) {
        return new OneHotSpec(vocabulary, source);
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return List.of(in.getFirst(), vocabulary);
    }

    @Override
    public String describe(List<Integer> in) {
        return "OneHot(" + in.getFirst() + " ids -> " + in.getFirst() + "x" + vocabulary + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "OneHot(" + inputSize + " ids -> " + inputSize + "x" + vocabulary + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize * vocabulary;
    }
}
