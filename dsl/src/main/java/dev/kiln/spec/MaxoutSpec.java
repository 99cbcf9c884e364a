package dev.kiln.spec;

import java.util.Objects;

/**
 * Maxout (Goodfellow et al., 2013) with {@code k} pieces: the input's features are split into groups of
 * {@code k} consecutive features, and each output is the largest value of its group: {@code y_j = max(x_{jk},
 * x_{jk+1}, ..., x_{jk+k-1})}. The output is {@code k} times narrower than the input, which must be a
 * multiple of {@code k}; on a Dense layer of {@code units} outputs it gives {@code units / k} features, each
 * the maximum of {@code k} linear pieces. The gradient flows only to the largest feature of each group (the
 * first of them on a tie). No parameters.
 *
 * @param pieces the group size {@code k}, at least 2
 * @param source where it was declared
 */
public record MaxoutSpec(int pieces, String source) implements LayerSpec {

    public MaxoutSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public MaxoutSpec withSource(String source) {
        return new MaxoutSpec(pieces, source);
    }

    @Override
    public String describe(int inputSize) {
        return "Maxout(" + inputSize + " -> " + outputSize(inputSize) + ", k=" + pieces + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return pieces > 0 ? inputSize / pieces : inputSize;
    }
}
